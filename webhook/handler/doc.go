// Package handler holds the two admission handlers, Mutator and Validator, which
// run a request through the pipeline: decode, defaults or policy, respond.
// controller-runtime serves them over HTTPS and answers malformed HTTP itself.
package handler
