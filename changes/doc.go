// Package changes is the change guard of pull requests: it reads a git
// repository laid out like the platform's (staging/<chart>, production/<chart>,
// values-images.yaml copied by automated pull requests), builds the change
// set a pull request makes (base...head, from their merge base, as a pull
// request shows it), and has the Rego rule set judge it through the change-set
// entry point of engine/policy. It is not a stage of the webhook: it reads a
// repository, not admission reviews. `tenantguard changes` is its command
// line, the `change-*` rules are its rules, and the cluster config's
// `promotion` section says what a change may promote.
//
// The change set is the rules' whole input (ChangeSet, docs/changes.md); the
// rules decide, this package only states facts about the files: their paths,
// status, environment directory, contents, and their staging counterparts.
package changes
