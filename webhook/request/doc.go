// Package request is the first stage of a review: it reads an AdmissionReview
// from HTTP within bounds, and refuses what it cannot read before anything
// decodes it. Only a JSON admission.k8s.io/v1 AdmissionReview gets through: a
// body that is too large, nests too deep, is not a JSON object, or waits for
// memory longer than a review may take is answered at once, with a status and
// a message naming the limit. What passes goes to controller-runtime's
// admission handling, whose answer is written back as an AdmissionReview.
package request
