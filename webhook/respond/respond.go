// Package respond turns the outcome of the pipeline into an admission response:
// 400 for a request that could not be read, 403 with one [rule-id] message line
// per denying finding, warnings for warn findings, 500 naming the cause when the
// engine failed, and a JSON patch for the defaults that were filled in.
package respond

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gomodules.xyz/jsonpatch/v2"

	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/tenantguard/tenantguard/webhook/policy"
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
// warnings either way. DryRun findings do not reach the response. Each list
// shows at most maxFindings findings and counts the rest in a closing line, so
// that an object with thousands of findings gets an answer of bounded size.
func Verdict(findings policy.Findings, maxFindings int) admission.Response {
	warnings := capped(findings.With(policy.Warn).Strings(), maxFindings)
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

// Patch answers a mutation with the JSON patch from the request's raw object to
// the defaulted one. Fields the defaults did not touch produce no operation.
// The operations are sorted by path, so that one request always gets the same
// patch; the defaults only add or replace, so no operation depends on another.
func Patch(original []byte, defaulted map[string]any) admission.Response {
	current, err := json.Marshal(defaulted)
	if err != nil {
		return Failed("encoding defaulted object", err)
	}
	resp := admission.PatchResponseFromRaw(original, current)
	slices.SortFunc(resp.Patches, func(a, b jsonpatch.JsonPatchOperation) int {
		return comparePointers(a.Path, b.Path)
	})
	return resp
}

// comparePointers orders JSON pointers segment by segment, list indexes by
// number, so that /a/2 comes before /a/10.
func comparePointers(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errX := strconv.Atoi(as[i])
		y, errY := strconv.Atoi(bs[i])
		if errX == nil && errY == nil && x != y {
			return cmp.Compare(x, y)
		}
		if c := strings.Compare(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}
