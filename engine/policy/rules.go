package policy

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// rulesPackagePrefix is the package path every rule lives under.
const rulesPackagePrefix = "data.tenantguard.rules."

// Rule describes one rule, from the METADATA of its package.
type Rule struct {
	// ID is the rule id, such as app-pinned-revision.
	ID string `json:"id"`
	// Title is the rule's one-line summary.
	Title string `json:"title"`
	// Description explains what the rule refuses and why.
	Description string `json:"description"`
	// Enforcement is the rule's default enforcement.
	Enforcement Enforcement `json:"enforcement"`
	// Reads lists the fields the rule reads.
	Reads []string `json:"reads"`
	// Judges is what the rule judges, from its package: application,
	// applicationset, tenant, policyexception,
	// change (a change set of the platform repository), or "" for a rule of
	// any kind of object.
	Judges string `json:"judges,omitempty"`
}

// ReadRules lists the rules among the Rego files of fsys from their
// METADATA, sorted by id, without compiling them: what a tool that writes
// down the rules' ids needs, even while another file does not compile.
func ReadRules(fsys fs.FS) ([]Rule, error) {
	modules, err := parseModules(fsys)
	if err != nil {
		return nil, err
	}
	return rulesOf(modules)
}

// rulesOf lists the rules among modules, sorted by id. Every rule package needs
// package METADATA with a custom id and enforcement in one of its files.
func rulesOf(modules []*ast.Module) ([]Rule, error) {
	byPackage := map[string]*Rule{}
	for _, m := range modules {
		pkg := m.Package.Path.String()
		if !strings.HasPrefix(pkg, rulesPackagePrefix) {
			continue
		}
		rule, err := ruleFromModule(m)
		if err != nil {
			return nil, err
		}
		if rule != nil {
			rule.Judges = judgedBy(pkg)
		}
		if rule != nil || byPackage[pkg] == nil {
			byPackage[pkg] = rule
		}
	}
	rules := make([]Rule, 0, len(byPackage))
	for pkg, rule := range byPackage {
		if rule == nil {
			return nil, fmt.Errorf("package %s has no package METADATA with custom.id", pkg)
		}
		rules = append(rules, *rule)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, nil
}

// ruleFromModule reads the package METADATA of a module; nil when it has none.
func ruleFromModule(m *ast.Module) (*Rule, error) {
	for _, a := range m.Annotations {
		if a.Scope != "package" {
			continue
		}
		rule := &Rule{Title: a.Title, Description: strings.TrimSpace(a.Description)}
		rule.ID, _ = a.Custom["id"].(string)
		enforcement, _ := a.Custom["enforcement"].(string)
		rule.Enforcement = Enforcement(enforcement)
		reads, _ := a.Custom["reads"].([]any)
		for _, r := range reads {
			rule.Reads = append(rule.Reads, fmt.Sprint(r))
		}
		if rule.ID == "" || !validEnforcement(rule.Enforcement) {
			return nil, fmt.Errorf("%s: METADATA needs custom.id and custom.enforcement (deny, warn or dryrun)", a.Location)
		}
		return rule, nil
	}
	return nil, nil
}

func validEnforcement(e Enforcement) bool {
	return e == Deny || e == Warn || e == DryRun
}

// judgedBy is what a rule package judges: the segment between the rules
// prefix and the rule's own name, "" for a package directly under the prefix.
func judgedBy(pkg string) string {
	rest := strings.TrimPrefix(pkg, rulesPackagePrefix)
	if kind, _, ok := strings.Cut(rest, "."); ok {
		return kind
	}
	return ""
}
