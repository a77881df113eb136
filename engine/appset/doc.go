// Package appset renders an Argo CD ApplicationSet into the Applications it
// generates, as Argo CD's ApplicationSet controller would, wherever that can be
// known from the object alone: list generators, and matrix and merge
// generators over them, in both template syntaxes (the default {{param}}
// substitution and goTemplate with its functions and options), templatePatch
// included. Generators whose parameters come from outside the object (git,
// clusters, SCM providers, pull requests, plugins, cluster decision
// resources) are reported as opaque: their Applications cannot be known, and
// the rules judge the template itself. Rendering is bounded: a caller gives
// the most Applications and the most bytes rendered for all of them.
package appset
