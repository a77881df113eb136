package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/tenantguard/tenantguard/engine/policy"
)

// githubCommands are the workflow commands of each enforcement: a denial is
// an error, a warning a warning, a dry-run finding a notice; a waived
// finding is a notice whatever its enforcement (githubCommand).
var githubCommands = map[policy.Enforcement]string{policy.Deny: "error", policy.Warn: "warning", policy.DryRun: "notice"}

// writeGitHub prints one GitHub Actions workflow command per finding
// (::error file=F,line=L,title=RULE::MESSAGE), which GitHub shows on the
// pull request's file at that line, and in the run's summary.
func writeGitHub(w io.Writer, results []Result) error {
	for _, r := range results {
		if r.Error != nil {
			if _, err := io.WriteString(w, githubFailure(r)); err != nil {
				return err
			}
		}
		for _, f := range r.Findings {
			file, line := r.Location(f)
			props := []string{"file=" + githubProperty(file)}
			if line > 0 {
				props = append(props, fmt.Sprintf("line=%d", line))
			}
			props = append(props, "title="+githubProperty(githubTitle(f)))
			if _, err := fmt.Fprintf(w, "::%s %s::%s\n", githubCommand(f), strings.Join(props, ","), githubData(f.String())); err != nil {
				return err
			}
		}
	}
	return nil
}

// githubData escapes a command's message as the runner unescapes it.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a command's property value, where ":" and ","
// also separate.
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// githubFailure is the error annotation of a document that was not judged,
// at the line of its failure: ::error file=F,line=L,title=not judged::MESSAGE.
func githubFailure(r Result) string {
	file, line := r.FailureLocation()
	props := []string{"file=" + githubProperty(file)}
	if line > 0 {
		props = append(props, fmt.Sprintf("line=%d", line))
	}
	props = append(props, "title="+githubProperty(failureTitle(r)))
	return fmt.Sprintf("::error %s::%s\n", strings.Join(props, ","), githubData(r.Error.Message))
}
