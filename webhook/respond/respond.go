// Package respond turns the outcome of the pipeline into an admission response:
// 400 for a request that could not be read, 403 with one [rule-id] message line
// per denying finding, warnings for warn findings and for findings a
// PolicyException waives, 500 naming the cause when the engine failed, and a
// JSON patch for the defaults that were filled in.
package respond

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gomodules.xyz/jsonpatch/v2"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/engine/defaults"
	"github.com/tenantguard/tenantguard/engine/policy"
)

// Malformed answers a request that could not be decoded: 400, naming the field.
func Malformed(err error) admission.Response {
	return admission.Errored(http.StatusBadRequest, err)
}

// Failed answers a request the webhook could not judge: 500, naming the cause.
// The webhook configuration's failurePolicy then decides; tenantguard never
// turns its own failure into an allow.
func Failed(step string, err error) admission.Response {
	return admission.Errored(http.StatusInternalServerError, fmt.Errorf("%s: %w", step, err))
}

// Verdict answers a validation: denied (403) when any finding denies, with one
// line per denying finding, else allowed; warn findings ride along as admission
// warnings either way, and so does every finding a PolicyException waives,
// whatever its enforcement, naming the exception and its expiry, so that whoever
// writes the object sees what is waived and until when. Unwaived DryRun
// findings do not reach the response. Each list shows at most maxFindings
// findings and counts the rest in a closing line, so that an object with
// thousands of findings gets an answer of bounded size.
func Verdict(findings policy.Findings, maxFindings int) admission.Response {
	warned := append(findings.With(policy.Warn), findings.Waived()...)
	warnings := capped(warned.Strings(), maxFindings)
	if denials := findings.With(policy.Deny); len(denials) > 0 {
		lines := capped(denials.Strings(), maxFindings)
		return admission.Denied(strings.Join(lines, "\n")).WithWarnings(warnings...)
	}
	return admission.Allowed("").WithWarnings(warnings...)
}

// capped keeps the first max lines and replaces the rest with their count.
func capped(lines []string, max int) []string {
	if len(lines) <= max {
		return lines
	}
	return append(lines[:max:max], fmt.Sprintf("... and %d more findings (limits.maxFindings)", len(lines)-max))
}

// Patch answers a mutation with a JSON patch of the defaults that were filled
// in: one add operation where each change made the object differ (an add
// replaces a member that was there, such as an empty revision), its value read
// from the defaulted object, so that changes inside an object the defaults
// created ride along with it. The operations are sorted by path, so that one
// request always gets the same patch; the defaults only add, so no operation
// depends on another.
func Patch(defaulted map[string]any, changes []defaults.Change) admission.Response {
	places := make([][]string, 0, len(changes))
	for _, c := range changes {
		places = append(places, c.At)
	}
	slices.SortFunc(places, compareKeys)
	ops := make([]jsonpatch.JsonPatchOperation, 0, len(places))
	var last []string
	for _, at := range places {
		if last != nil && hasPrefix(at, last) {
			continue // inside what the previous operation adds, or the same place
		}
		value, err := valueAt(defaulted, at)
		if err != nil {
			return Failed("patching in the defaults", err)
		}
		ops = append(ops, jsonpatch.NewOperation("add", pointer(at), value))
		last = at
	}
	return admission.Patched("", ops...)
}

// valueAt is the value at keys in obj; for a last key "-", the list's last item.
func valueAt(obj any, keys []string) (any, error) {
	for i, key := range keys {
		switch node := obj.(type) {
		case map[string]any:
			obj = node[key]
		case []any:
			index := len(node) - 1
			if key != "-" {
				index, _ = strconv.Atoi(key)
			}
			if index < 0 || index >= len(node) {
				return nil, fmt.Errorf("no item %s at %s", key, pointer(keys[:i]))
			}
			obj = node[index]
		default:
			return nil, fmt.Errorf("nothing to read %s from at %s", key, pointer(keys[:i]))
		}
	}
	return obj, nil
}

// pointer writes keys as a JSON pointer (RFC 6901).
func pointer(keys []string) string {
	var sb strings.Builder
	for _, key := range keys {
		sb.WriteByte('/')
		sb.WriteString(pointerEscaper.Replace(key))
	}
	return sb.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func hasPrefix(keys, prefix []string) bool {
	return len(keys) >= len(prefix) && slices.Equal(keys[:len(prefix)], prefix)
}

// compareKeys orders places key by key, list indexes by number, so that
// /a/2 comes before /a/10 and a place before what lies inside it.
func compareKeys(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, errX := strconv.Atoi(a[i])
		y, errY := strconv.Atoi(b[i])
		if errX == nil && errY == nil && x != y {
			return cmp.Compare(x, y)
		}
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}
