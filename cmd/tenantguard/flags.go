package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
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
