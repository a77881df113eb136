package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"k8s.io/utils/clock"
)

// errUsage says that a command's arguments were refused and the reason was
// already printed to standard error.
var errUsage = errors.New("usage error")

// parseFlags parses args with flags. When -h or --help is asked for it prints
// the usage to stdout and returns flag.ErrHelp, which exits 0: help that was
// asked for is an answer, not a failure. A wrong flag prints the error and the
// usage to stderr and returns errUsage, which exits 2.
func parseFlags(flags *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	var complaint bytes.Buffer
	flags.SetOutput(&complaint)
	err := flags.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		flags.SetOutput(stdout)
		flags.Usage()
	case err != nil:
		_, _ = stderr.Write(complaint.Bytes())
		err = errUsage
	}
	flags.SetOutput(stderr)
	return err
}

// usageExit is the exit code of a command whose arguments parseFlags, or the
// checks after it, did not accept.
func usageExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// nowFlag is --now: an RFC 3339 time that a fixed clock reads, in place of
// the wall clock.
type nowFlag struct{ clock *clock.PassiveClock }

func (f nowFlag) String() string {
	if f.clock == nil || *f.clock == nil {
		return ""
	}
	return (*f.clock).Now().Format(time.RFC3339)
}

func (f nowFlag) Set(v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("want an RFC 3339 time such as 2026-12-06T12:00:00Z: %w", err)
	}
	*f.clock = fixedClock(t)
	return nil
}

// fixedClock is a clock that always reads one time.
type fixedClock time.Time

var _ clock.PassiveClock = fixedClock{}

// Now is the clock's one time.
func (c fixedClock) Now() time.Time { return time.Time(c) }

// Since is how long after t the clock's time is.
func (c fixedClock) Since(t time.Time) time.Duration { return time.Time(c).Sub(t) }
