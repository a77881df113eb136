// Package report writes the results of a run (eval, changes, audit) as text,
// JSON, JUnit, SARIF 2.1.0 or GitHub annotations.
package report
