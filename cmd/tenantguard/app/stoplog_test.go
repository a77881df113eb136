package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/stretchr/testify/assert"
)

func TestOnlyTheLeasesReleaseOnStopIsNotAnError(t *testing.T) {
	tests := map[string]struct {
		msg       string
		err       error
		wantError bool
	}{
		"the elector ending once the stop was engaged is the stop": {
			msg: stopEngagedMessage, err: errors.New(leaseEndedError),
		},
		"work the stop cancelled is the stop": {
			msg: "Error retrieving lease lock", err: fmt.Errorf("get lease: %w", context.Canceled),
		},
		"another error during the stop is still an error": {
			msg: stopEngagedMessage, err: errors.New("failed to start webhooks"), wantError: true,
		},
		"a Lease lost anywhere else is still an error": {
			msg: "webhook server stopped", err: errors.New(leaseEndedError), wantError: true,
		},
		"a deadline that passed is still an error": {
			msg: "Reconciler error", err: context.DeadlineExceeded, wantError: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var lines []string
			base := funcr.New(func(prefix, args string) { lines = append(lines, args) }, funcr.Options{})
			log := stopLogger(base).WithName("manager").WithValues("k", "v")
			log.Error(tc.err, tc.msg)
			if assert.Len(t, lines, 1) {
				// funcr writes a level on info lines only.
				assert.Equal(t, tc.wantError, !strings.Contains(lines[0], `"level"=`), lines[0])
				assert.Contains(t, lines[0], `"k"="v"`, "values given to the logger are kept")
			}
		})
	}
}

var _ logr.LogSink = stopSink{}
