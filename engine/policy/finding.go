package policy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Enforcement says what a finding does to the request.
type Enforcement string

const (
	// Deny refuses the request.
	Deny Enforcement = "deny"
	// Warn admits the request with an admission warning.
	Warn Enforcement = "warn"
	// DryRun admits the request silently; the finding is only logged and counted.
	DryRun Enforcement = "dryrun"
)

// Finding is one rule's verdict on one object.
type Finding struct {
	// Rule is the rule id, such as app-pinned-revision.
	Rule string `json:"rule"`
	// Enforcement is the rule's enforcement after the cluster config's override.
	Enforcement Enforcement `json:"enforcement"`
	// Field is the path of the offending field, such as spec.source.targetRevision.
	Field string `json:"field,omitempty"`
	// Value is the offending value, when there is one.
	Value any `json:"value,omitempty"`
	// Message names the object, the field, the value and the fix.
	Message string `json:"message"`
	// File is the repository file the finding is about, set by the rules
	// that judge a change set; empty for a review.
	File string `json:"file,omitempty"`
	// Line is the line of File the finding points at, counting from 1; 0
	// when the rule knows no line.
	Line int `json:"line,omitempty"`
	// WaivedBy is the PolicyException that waives the finding, nil when none
	// does. A waived finding refuses nothing and is reported as waived.
	WaivedBy *Waiver `json:"waivedBy,omitempty"`
}

// Waiver names the PolicyException that waives a finding.
type Waiver struct {
	// Name is the PolicyException's name.
	Name string `json:"name"`
	// Expires is when it stops waiving, as RFC 3339.
	Expires string `json:"expires"`
	// Reason is why it was granted.
	Reason string `json:"reason"`
}

// String renders a finding the way kubectl shows it: [rule-id] message, and
// for a waived finding the exception and its expiry.
func (f Finding) String() string {
	if f.WaivedBy != nil {
		return fmt.Sprintf("[%s] %s (waived by PolicyException %s until %s)", f.Rule, f.Message, f.WaivedBy.Name, f.WaivedBy.Expires)
	}
	return fmt.Sprintf("[%s] %s", f.Rule, f.Message)
}

// Findings is the outcome of evaluating the rule set on one object.
type Findings []Finding

// With returns the findings of the given enforcement that no exception waives.
func (fs Findings) With(e Enforcement) Findings {
	var out Findings
	for _, f := range fs {
		if f.Enforcement == e && f.WaivedBy == nil {
			out = append(out, f)
		}
	}
	return out
}

// Waived returns the findings an exception waives, whatever their enforcement.
func (fs Findings) Waived() Findings {
	var out Findings
	for _, f := range fs {
		if f.WaivedBy != nil {
			out = append(out, f)
		}
	}
	return out
}

// Strings renders each finding as [rule-id] message.
func (fs Findings) Strings() []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	return out
}

// findingsFromResult reads the set of violation objects the rule set returned.
// A malformed entry is an error: a rule that cannot say what it found must not
// let the request through silently.
func findingsFromResult(value any) (Findings, error) {
	list, ok := value.([]any)
	if !ok {
		return nil, fmt.Errorf("rule set returned %T, want a set of violations", value)
	}
	out := make(Findings, 0, len(list))
	for _, entry := range list {
		f, err := findingFromObject(entry)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Line < out[j].Line
	})
	return out, nil
}

func findingFromObject(entry any) (Finding, error) {
	obj, _ := entry.(map[string]any)
	rule, _ := obj["rule"].(string)
	msg, _ := obj["msg"].(string)
	enforcement, _ := obj["enforcement"].(string)
	if rule == "" || msg == "" {
		return Finding{}, fmt.Errorf("rule set returned a violation without rule id or msg: %v", entry)
	}
	if !validEnforcement(Enforcement(enforcement)) {
		return Finding{}, fmt.Errorf("rule %s: enforcement %q is not one of deny, warn, dryrun", rule, enforcement)
	}
	field, _ := obj["field"].(string)
	file, _ := obj["file"].(string)
	line, err := lineOf(obj["line"])
	if err != nil {
		return Finding{}, fmt.Errorf("rule %s: %w", rule, err)
	}
	waiver, err := waiverOf(obj["waivedBy"])
	if err != nil {
		return Finding{}, fmt.Errorf("rule %s: %w", rule, err)
	}
	return Finding{
		Rule: rule, Enforcement: Enforcement(enforcement), Field: field, Value: obj["value"], Message: msg,
		File: file, Line: line, WaivedBy: waiver,
	}, nil
}

// waiverOf reads a finding's optional waivedBy; one without a name is an
// error, never a finding silently waived by no one.
func waiverOf(value any) (*Waiver, error) {
	if value == nil {
		return nil, nil
	}
	obj, _ := value.(map[string]any)
	name, _ := obj["name"].(string)
	expires, _ := obj["expires"].(string)
	reason, _ := obj["reason"].(string)
	if name == "" || expires == "" {
		return nil, fmt.Errorf("waivedBy %v names no exception or expiry", value)
	}
	return &Waiver{Name: name, Expires: expires, Reason: reason}, nil
}

// lineOf reads a finding's optional line: absent, or a whole number from 1 on.
func lineOf(value any) (int, error) {
	if value == nil {
		return 0, nil
	}
	n, ok := value.(json.Number)
	if !ok {
		return 0, fmt.Errorf("line %v is not a number", value)
	}
	line, err := strconv.Atoi(n.String())
	if err != nil || line < 1 {
		return 0, fmt.Errorf("line %v is not a line number", value)
	}
	return line, nil
}
