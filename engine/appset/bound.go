package appset

import (
	"errors"
	"text/template"
	"text/template/parse"
)

// errNestedRange refuses a template whose loops nest: text/template cannot
// be stopped once it runs, and two nested loops over long lists spend CPU
// out of proportion to the request with no output to bound.
var errNestedRange = errors.New("nests a range inside a range, which tenantguard does not render at admission")

// checkLoops refuses a parsed template, with the templates it defines, whose
// range loops nest. One loop runs at most once per item of a list the
// request carries or a bounded function makes.
func checkLoops(t *template.Template) error {
	for _, defined := range t.Templates() {
		if defined.Tree != nil && loopsNest(defined.Tree.Root, 0) {
			return errNestedRange
		}
	}
	return nil
}

// loopsNest reports whether a range lies within depth or more enclosing ranges.
func loopsNest(node parse.Node, depth int) bool {
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, child := range n.Nodes {
			if loopsNest(child, depth) {
				return true
			}
		}
	case *parse.RangeNode:
		return depth > 0 || loopsNest(n.List, depth+1) || loopsNest(n.ElseList, depth)
	case *parse.IfNode:
		return loopsNest(n.List, depth) || loopsNest(n.ElseList, depth)
	case *parse.WithNode:
		return loopsNest(n.List, depth) || loopsNest(n.ElseList, depth)
	case *parse.TemplateNode:
		return depth > 0 // a template called in a loop may loop itself
	}
	return false
}
