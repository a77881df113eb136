// Package respond turns the outcome of the pipeline into an admission response:
// 400 for a request that could not be read, 403 with one [rule-id] message line
// per denying finding, warnings for warn findings, 500 naming the cause when the
// engine failed, and a JSON patch for the defaults that were filled in.
package respond

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

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
// warnings either way. DryRun findings do not reach the response.
func Verdict(findings policy.Findings) admission.Response {
	warnings := findings.With(policy.Warn).Strings()
	if denials := findings.With(policy.Deny); len(denials) > 0 {
		return admission.Denied(strings.Join(denials.Strings(), "\n")).WithWarnings(warnings...)
	}
	return admission.Allowed("").WithWarnings(warnings...)
}

// Patch answers a mutation with the JSON patch from the request's raw object to
// the defaulted one. Fields the defaults did not touch produce no operation.
func Patch(original []byte, defaulted map[string]any) admission.Response {
	current, err := json.Marshal(defaulted)
	if err != nil {
		return Failed("encoding defaulted object", err)
	}
	return admission.PatchResponseFromRaw(original, current)
}
