package cluster

import (
	"fmt"
	"os"
	"testing"
)

// SkipEnv names the variable that lets a run without KUBEBUILDER_ASSETS skip
// the suites that need a control plane. Set to 1, they say why and pass;
// unset, they fail, so that a plain `go test ./...` never reports ok for
// suites it did not run.
const SkipEnv = "TENANTGUARD_SKIP_ENVTEST"

// skipAsked says whether the run asked to skip the envtest suites.
func skipAsked() bool { return os.Getenv(SkipEnv) == "1" }

// NoAssets ends a suite's TestMain whose control plane could not start
// because err is ErrNoAssets: it prints why and returns the exit code, 0
// when SkipEnv asks to skip, else 1.
func NoAssets(suite string, err error) int {
	if skipAsked() {
		fmt.Printf("skipping %s (%s=1): %v\n", suite, SkipEnv, err)
		return 0
	}
	fmt.Fprintf(os.Stderr, "%s cannot run: %v; set %s=1 to skip them\n", suite, err, SkipEnv)
	return 1
}

// RequireAssets ends a test that needs a control plane when none could start
// for want of KUBEBUILDER_ASSETS: skipped when SkipEnv asks for it, else failed.
func RequireAssets(t testing.TB) {
	t.Helper()
	if skipAsked() {
		t.Skipf("%v (%s=1)", ErrNoAssets, SkipEnv)
	}
	t.Fatalf("%v; set %s=1 to skip the tests that need it", ErrNoAssets, SkipEnv)
}
