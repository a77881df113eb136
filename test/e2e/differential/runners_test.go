package differential

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/engine/decode"
	"github.com/tenantguard/tenantguard/engine/exceptionlookup"
	"github.com/tenantguard/tenantguard/engine/live"
	"github.com/tenantguard/tenantguard/engine/tenantlookup"
	"github.com/tenantguard/tenantguard/webhook/handler"
)

// verdicts are the rule ids each object drew from one runner, by object key.
// A runner that could not judge an object records a pseudo-id starting with "!".
type verdicts map[string]map[string]bool

func (v verdicts) add(key, rule string) {
	if v[key] == nil {
		v[key] = map[string]bool{}
	}
	v[key][rule] = true
}

// refused is the pseudo-id of an object a runner refused to judge as
// malformed: the webhook's 400, eval's exit code 2.
const refused = "!refused as malformed"

// ruleLine is a "[rule-id] message" line of a denial or a warning.
var ruleLine = regexp.MustCompile(`^\[([a-z0-9][a-z0-9-]*)\] `)

// handlerVerdicts sends every admitted document to the validating handler as
// kube-apiserver would send its CREATE, with every Tenant and PolicyException
// of the corpus in the lookups and its clock at judgedAt, and reads the rule
// ids from the denial lines and the warnings (a waived finding's warning
// names its exception: lineID).
func handlerVerdicts(ctx context.Context, c *corpus, configFile string) (verdicts, error) {
	snapshot, err := live.Loader{ConfigFile: configFile}.Load(ctx)
	if err != nil {
		return nil, err
	}
	tenants := make([]map[string]any, 0)
	for _, t := range c.tenants() {
		obj, err := roundTrip(t)
		if err != nil {
			return nil, err
		}
		tenants = append(tenants, obj)
	}
	exceptions := make([]map[string]any, 0)
	for _, e := range c.exceptions() {
		obj, err := roundTrip(e)
		if err != nil {
			return nil, err
		}
		exceptions = append(exceptions, obj)
	}
	v := &handler.Validator{
		State: live.NewCurrent(snapshot), Tenants: tenantlookup.NewIndex(tenants, snapshot.Config),
		Exceptions: exceptionlookup.NewIndex(exceptions), Clock: clocktesting.NewFakePassiveClock(judgedAt),
	}
	// The handler logs each decision; thousands of them would bury the report.
	ctx = log.IntoContext(ctx, logr.Discard())

	docs := c.inFileOrder()
	answers := make([]map[string]bool, len(docs))
	errs := make([]error, len(docs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				answers[i], errs[i] = handle(ctx, v, docs[i].Object)
			}
		})
	}
	for i := range docs {
		work <- i
	}
	close(work)
	wg.Wait()

	out := verdicts{}
	for i, d := range docs {
		if errs[i] != nil {
			return nil, fmt.Errorf("%s: %w", d.Key, errs[i])
		}
		if answers[i] == nil {
			continue // not a kind the webhook is registered for
		}
		if out[d.Key] == nil {
			out[d.Key] = map[string]bool{}
		}
		for rule := range answers[i] {
			out.add(d.Key, rule)
		}
	}
	return out, nil
}

// handle runs one CREATE through the validating handler; nil for a kind the
// webhook configuration does not send.
func handle(ctx context.Context, v *handler.Validator, obj map[string]any) (map[string]bool, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if kind != "Application" && kind != "ApplicationSet" && kind != "Tenant" && kind != "PolicyException" {
		return nil, nil
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	gvk := schema.FromAPIVersionAndKind(apiVersion, kind)
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)
	req := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID:       types.UID("differential-" + name),
		Kind:      metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
		Name:      name,
		Namespace: namespace,
		Operation: admissionv1.Create,
	}}
	req.Object.Raw = raw
	resp := v.Handle(ctx, req)

	ids := map[string]bool{}
	var lines []string
	if !resp.Allowed {
		if resp.Result == nil {
			return map[string]bool{"!refused without a status": true}, nil
		}
		switch resp.Result.Code {
		case 403:
		case 400:
			return map[string]bool{refused: true}, nil
		default:
			return map[string]bool{fmt.Sprintf("!answered %d: %s", resp.Result.Code, shorten(resp.Result.Message, 200)): true}, nil
		}
		lines = strings.Split(resp.Result.Message, "\n")
	}
	lines = append(lines, resp.Warnings...)
	for _, line := range lines {
		m := ruleLine.FindStringSubmatch(line)
		if m == nil {
			ids["!unreadable line: "+shorten(line, 120)] = true
			continue
		}
		ids[lineID(m[1], line)] = true
	}
	return ids, nil
}

// roundTrip turns a generated object into the JSON map the webhook decodes.
func roundTrip(obj map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return decode.Object(raw, field.NewPath("object"))
}

// binDir holds the tenantguard binary the tests build, for the package's run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tenantguard-differential-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tenantguardBinary builds the tenantguard binary from the repository once.
var tenantguardBinary = sync.OnceValues(func() (string, error) {
	rootDir, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(binDir, "tenantguard")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tenantguard")
	cmd.Dir = rootDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/tenantguard: %v\n%s", err, out)
	}
	return bin, nil
})

// evalVerdicts runs `tenantguard eval -o json --config <config> --now
// <judgedAt> <dir>` and reads the deny and warn rule ids of each document,
// and the waived ones whatever their enforcement (the webhook warns of
// each), found by its file and position; a document eval did not judge is
// refused. Exit code 2 is eval's
// answer when it did not judge some document, and its report must say which.
func evalVerdicts(bin, configFile, dir string, c *corpus) (verdicts, error) {
	report, err := runEval(bin, configFile, dir)
	if err != nil {
		return nil, err
	}
	docs := map[string]document{}
	for _, d := range c.Docs {
		docs[fmt.Sprintf("%s#%d", d.File, d.Index)] = d
	}
	out := verdicts{}
	for _, r := range report.Results {
		d, ok := docs[fmt.Sprintf("%s#%d", filepath.Base(r.File), r.Document)]
		if !ok {
			return nil, fmt.Errorf("eval reports %s document %d, which the corpus does not have", r.File, r.Document)
		}
		if kind := d.Object["kind"]; kind == "Application" || kind == "ApplicationSet" || kind == "Tenant" || kind == "PolicyException" {
			if out[d.Key] == nil {
				out[d.Key] = map[string]bool{}
			}
		}
		if r.Error != nil {
			out.add(d.Key, refused)
		}
		for _, f := range r.Findings {
			switch {
			case f.WaivedBy != nil:
				out.add(d.Key, waivedID(f.Rule, f.WaivedBy.Name))
			case f.Enforcement == "deny" || f.Enforcement == "warn":
				out.add(d.Key, f.Rule)
			}
		}
	}
	return out, everyDocumentOnce(report, c)
}

// everyDocumentOnce checks that eval's report has a result for each
// document of the corpus, whatever style its file is written in, and an
// error for the malformed ones alone: runners agreeing on a document that
// one never read would agree on nothing.
func everyDocumentOnce(report evalReport, c *corpus) error {
	malformed := 0
	for _, d := range c.Docs {
		if d.Malformed {
			malformed++
		}
	}
	if len(report.Results) != len(c.Docs) || report.Summary.Errors != malformed {
		return fmt.Errorf("eval reports %d documents, %d not judged; the corpus has %d, %d of them malformed",
			len(report.Results), report.Summary.Errors, len(c.Docs), malformed)
	}
	return nil
}

// evalReport is what evalVerdicts reads of eval's JSON report.
type evalReport struct {
	Results []struct {
		File                  string
		Document, Line        int
		Kind, Namespace, Name string
		Findings              []struct {
			Rule, Enforcement string
			WaivedBy          *struct{ Name string }
		}
		Error *struct{ Message string }
	}
	Summary struct{ Errors int }
}

// runEval runs eval -o json on a directory and reads its report: exit code
// 0 or 1, or 2 with the documents it did not judge in the report.
func runEval(bin, configFile, dir string) (evalReport, error) {
	cmd := exec.Command(bin, "eval", "-o", "json", "--config", configFile, "--now", judgedAt.Format(time.RFC3339), dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	var report evalReport
	if code < 0 || code > 2 || json.Unmarshal(stdout.Bytes(), &report) != nil {
		return report, fmt.Errorf("tenantguard eval exited %d (%v) without a JSON report: %s", code, err, shorten(stderr.String(), 2000))
	}
	if (code == 2) != (report.Summary.Errors > 0) {
		return report, fmt.Errorf("tenantguard eval exited %d with %d documents not judged: %s", code, report.Summary.Errors, shorten(stderr.String(), 2000))
	}
	return report, nil
}

// conftestSubject reads the object a conftest message is about from the
// message itself, which is all conftest reports: "[rule] Application ns/name: ..."
// "[rule] ApplicationSet ns/name: ...", "[rule] Tenant name: ..." or
// "[rule] PolicyException name: ...".
var conftestSubject = regexp.MustCompile(
	`^\[([a-z0-9][a-z0-9-]*)\] (Application ([^/ :]*)/([^ :]+)|Tenant ([^ :]+)|ApplicationSet ([^/ :]*)/([^ :]+)|PolicyException ([^ :]+)):`)

// conftestVerdicts runs `conftest test --combine -o json --policy policies
// --data <data> <dir>` from the repository root and attributes each failure
// and warning to its object by the name its message starts with.
func conftestVerdicts(conftest, root, dataFile, dir string) (verdicts, error) {
	cmd := exec.Command(conftest, "test", "--combine", "-o", "json", "--policy", "policies", "--data", dataFile, dir)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var results []struct {
		Failures, Warnings []struct {
			Msg      string
			Metadata map[string]any
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		return nil, fmt.Errorf("conftest (%v): no JSON report: %w\nstdout: %s\nstderr: %s", runErr, err,
			shorten(stdout.String(), 1000), shorten(stderr.String(), 2000))
	}
	out := verdicts{}
	for _, r := range results {
		for _, f := range append(r.Failures, r.Warnings...) {
			m := conftestSubject.FindStringSubmatch(f.Msg)
			if m == nil {
				out.add("?/unattributed", "!"+shorten(f.Msg, 160))
				continue
			}
			id := lineID(m[1], f.Msg)
			switch {
			case m[5] != "":
				out.add("Tenant//"+m[5], id)
			case m[7] != "":
				out.add("ApplicationSet/"+m[6]+"/"+m[7], id)
			case m[8] != "":
				out.add("PolicyException//"+m[8], id)
			default:
				out.add("Application/"+m[3]+"/"+m[4], id)
			}
		}
	}
	return out, nil
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// writeConfigs writes a cluster config for eval and the webhook, and the same
// config as the data file conftest reads it from, with judgedAt as the time
// it judges PolicyExceptions at.
func writeConfigs(dir string, cfg map[string]any) (configFile, dataFile string, err error) {
	configFile = filepath.Join(dir, "cfg.yaml")
	dataFile = filepath.Join(dir, "data.yaml")
	raw, err := yaml.Marshal(cfg)
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(configFile, raw, 0o644); err != nil {
		return "", "", err
	}
	data, err := yaml.Marshal(map[string]any{"tenantguard": map[string]any{"config": cfg, "now": judgedAt.Format(time.RFC3339)}})
	if err != nil {
		return "", "", err
	}
	return configFile, dataFile, os.WriteFile(dataFile, data, 0o644)
}
