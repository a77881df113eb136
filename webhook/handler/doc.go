// Package handler holds the two admission handlers, Mutator and Validator, which
// run a request through the pipeline: decode, defaults or policy, respond.
// webhook.Chain puts them behind the request package's HTTP bounds and
// controller-runtime's reading of the AdmissionReview.
package handler
