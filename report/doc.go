// Package report writes the results of a run (eval, changes, audit) as text,
// JSON, JUnit, SARIF 2.1.0 or GitHub annotations. A result that could not
// be judged carries a Failure, which every format shows as an error in the
// result's place: an ERROR line, an "error" object, a JUnit error, a SARIF
// tool execution notification, an ::error annotation. A finding a
// PolicyException waives is reported as waived in every format, naming the
// exception and its expiry, and fails nothing: a WAIVED line, "waivedBy" and
// the summary's "waived" count, a skipped JUnit case, a SARIF suppression,
// a ::notice annotation.
package report
