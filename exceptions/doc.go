// Package exceptions keeps the status of PolicyExceptions: the controller
// `tenantguard serve` runs on the elected leader sets status.state Active
// or Expired and the condition Expired, at the expiry instant, and, when the
// cluster config's exceptions.deleteExpiredAfter says so, deletes an
// exception that long after it expired; otherwise an expired exception stays
// as the record of what was waived. It also counts the exceptions for the
// gauge tenantguard_policy_exceptions.
//
// It decides nothing about findings: whether an exception waives one is the
// rules' decision (policies/lib/exceptions), which every runner asks through
// the pipeline. Expired makes the same comparison the rules make, and a test
// holds the two together at the expiry instant.
package exceptions
