package report

import (
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// sarifInvocation is the run's invocation: successful when every document
// was judged; otherwise each document that was not is a tool execution
// notification of level error at its file and line, since it is no finding
// of a rule, and code scanning shows such notifications as the run's errors.
func sarifInvocation(results []Result) *sarif.Invocation {
	inv := sarif.NewInvocation()
	for _, r := range results {
		if r.Error == nil {
			continue
		}
		file, line := r.FailureLocation()
		physical := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(file))
		if line > 0 {
			physical.WithRegion(sarif.NewRegion().WithStartLine(line))
		}
		inv.AddToolExecutionNotification(sarif.NewNotification().
			WithLevel("error").
			WithMessage(sarif.NewTextMessage(failureTitle(r) + ": " + r.Error.Message)).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(physical)}))
	}
	return inv.WithExecutionSuccessful(len(inv.ToolExecutionNotifications) == 0)
}
