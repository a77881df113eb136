// Package differential checks that the runners of tenantguard's rules decide
// alike: the validating webhook's handler, `tenantguard eval`, `conftest
// test --combine` and the audit's judging of stored objects report the same
// rule ids for every object of a generated corpus of Tenants and
// Applications, under several cluster configs.
//
// The corpus is drawn from a fixed seed, so a failure reproduces exactly; it
// covers empty tenant labels, labels naming unknown Tenants, two Tenants on one
// namespace, a Tenant name written twice, multi-source Applications, the
// hydrator's drySource, chart and git sources, pinned commits, production and
// staging paths, environment labels that agree with or contradict the Tenant,
// and Applications in excluded namespaces. Its files are written in the
// styles of real manifest streams: block YAML, JSON documents between "---"
// lines as jsonnet -y writes them, and both mixed; and two of its
// Applications are partial (no spec), which the webhook refuses as
// malformed and eval reports in place while it judges every other document.
// Its PolicyExceptions (exceptions_test.go), judged at one fixed instant by
// every runner, waive findings: the runners must agree on which findings
// each waives, including none for one that expired a second before.
package differential

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/engine/live"
)

const root = "../../.."

// seed fixes the corpus; change it to draw another one.
const seed = 20240611

// Corpus size: the fixed Tenants plus randomTenants, and corpusApps Applications.
const (
	randomTenants = 40
	corpusApps    = 2000
)

// clusterConfig is one cluster config the corpus is judged under. Every config
// raises limits.maxFindings so that the webhook's answer lists every finding
// (the cap is presentation, tested in webhook/respond) and the sets compare.
type clusterConfig struct {
	name   string
	config map[string]any
}

var configs = []clusterConfig{
	{"defaults", map[string]any{}},
	{neverWaivableConfig, map[string]any{
		"exceptions":         map[string]any{"neverWaivable": []any{"app-project"}},
		"trackingRefs":       []any{"main", "HEAD"},
		"excludedNamespaces": []any{"kube-system", platformNamespace},
		"allowedRepos":       []any{platformRepo, chartRepo},
	}},
	{"platform-excluded", map[string]any{
		// kube-system is judged here: the list replaces the default.
		"excludedNamespaces": []any{platformNamespace},
		"allowedRepos":       []any{"https://git.example.com/platform/tenants"},
		"defaults":           map[string]any{"registryMirror": "mirror.internal:5000"},
		"enforcement":        map[string]any{"app-project": "warn", "app-automated-sync": "dryrun", "app-pinned-revision": "warn"},
	}},
	{"prefix-and-environments", map[string]any{
		"trackingRefs":     []any{"HEAD"},
		"tenantNaming":     map[string]any{"namespacePrefix": "tn-", "projectPrefix": "proj-"},
		"environments":     map[string]any{"qa": "staging/qa"},
		"defaults":         map[string]any{"arch": "arm64"},
		"taintedArchPools": []any{"arm64"},
		"imageTagKeys":     []any{"imageTag"},
	}},
	// Sections left empty, as when an operator comments out every key under
	// them: YAML reads each as null. The webhook keeps its defaults for them.
	{"empty-sections", map[string]any{
		"defaults": nil, "tenantNaming": nil, "excludedNamespaces": nil, "enforcement": nil, "imageTagKeys": nil,
	}},
}

// withLimits is the config with limits.maxFindings raised (see clusterConfig).
func withLimits(cfg map[string]any) map[string]any {
	out := maps.Clone(cfg)
	out["limits"] = map[string]any{"maxFindings": 1000}
	return out
}

// runners in the order reports list them.
var runners = []string{"handler", "eval", "conftest", "audit"}

// cannotFire are the rules a CREATE from a manifest cannot draw: they need a
// user, an old object or a DELETE. Every other rule must fire on some object of
// the corpus, from some runner, so that agreement is not agreement on nothing.
var cannotFire = []string{"app-immutable-ownership", "app-production-source", "tenant-immutable", "tenant-production-delete"}

func TestRunnersReportTheSameRules(t *testing.T) {
	conftest, rootDir := conftestAndRoot(t)

	start := time.Now()
	snapshot, err := live.Loader{}.Load(t.Context())
	require.NoError(t, err)
	c := generate(seed, randomTenants, corpusApps)
	c.addExceptions(snapshot.Engine.Rules())
	tmp := t.TempDir()
	corpusDir := filepath.Join(tmp, "corpus")
	require.NoError(t, os.Mkdir(corpusDir, 0o755))
	require.NoError(t, c.write(corpusDir))
	bin, err := tenantguardBinary()
	require.NoError(t, err)
	t.Logf("corpus: %s, seed %d; tenantguard built in %s", c.describe(), seed, time.Since(start).Round(time.Millisecond))

	// conftest is the slowest runner: it judges one config after another in
	// the background, while the handler and eval judge the configs beside it.
	type answer struct {
		verdicts verdicts
		err      error
		took     time.Duration
	}
	configFiles := make([]string, len(configs))
	dataFiles := make([]string, len(configs))
	conftestAnswers := make([]chan answer, len(configs))
	for i, cc := range configs {
		dir := filepath.Join(tmp, cc.name)
		require.NoError(t, os.Mkdir(dir, 0o755))
		configFiles[i], dataFiles[i], err = writeConfigs(dir, withLimits(cc.config))
		require.NoError(t, err)
		conftestAnswers[i] = make(chan answer, 1)
	}
	go func() {
		for i := range configs {
			began := time.Now()
			v, err := conftestVerdicts(conftest, rootDir, dataFiles[i], corpusDir)
			conftestAnswers[i] <- answer{v, err, time.Since(began)}
		}
	}()

	fired := map[string]bool{}
	for i, cc := range configs {
		t.Run(cc.name, func(t *testing.T) {
			got := map[string]verdicts{}
			errs := map[string]error{}
			timings := map[string]time.Duration{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			timed := func(name string, run func() (verdicts, error)) {
				wg.Go(func() {
					began := time.Now()
					v, err := run()
					mu.Lock()
					defer mu.Unlock()
					got[name], errs[name], timings[name] = v, err, time.Since(began)
				})
			}
			timed("handler", func() (verdicts, error) { return handlerVerdicts(t.Context(), c, configFiles[i]) })
			timed("eval", func() (verdicts, error) { return evalVerdicts(bin, configFiles[i], corpusDir, c) })
			timed("audit", func() (verdicts, error) { return auditVerdicts(t.Context(), c, configFiles[i]) })
			wg.Wait()
			a := <-conftestAnswers[i]
			got["conftest"], errs["conftest"], timings["conftest"] = a.verdicts, a.err, a.took
			// A runner that cannot judge the corpus at all is a disagreement of
			// its own; the others are still compared.
			var judged []string
			for _, name := range runners {
				if errs[name] != nil {
					t.Errorf("%s could not judge the corpus under cluster config %q: %v", name, cc.name, errs[name])
					continue
				}
				judged = append(judged, name)
			}
			t.Logf("handler %s, eval %s, conftest %s, audit %s", timings["handler"].Round(time.Millisecond),
				timings["eval"].Round(time.Millisecond), timings["conftest"].Round(time.Millisecond),
				timings["audit"].Round(time.Millisecond))

			for _, v := range got {
				for _, ids := range v {
					for id := range ids {
						rule, _, _ := strings.Cut(id, "~")
						fired[rule] = true
					}
				}
			}
			if report := compare(c, got, judged); report != "" {
				t.Errorf("the runners disagree under cluster config %q (%s):\n%s", cc.name, compactJSON(withLimits(cc.config), 400), report)
			}
			for _, name := range judged {
				if problems := checkWaivers(got[name], cc.name); len(problems) > 0 {
					t.Errorf("%s's waivers under cluster config %q: %s", name, cc.name, strings.Join(problems, "; "))
				}
			}
		})
	}
	for _, rule := range snapshot.Engine.Rules() {
		// The change-set rules judge a pull request's change set, not objects;
		// test/e2e/parity holds their runners together. The corpus's few
		// PolicyExceptions are written to waive, not to break the rules on
		// exceptions, whose own tests draw each.
		if !fired[rule.ID] && !slices.Contains(cannotFire, rule.ID) && rule.Judges != "change" && rule.Judges != "policyexception" {
			t.Errorf("no runner reported %s on any object under any config: extend the generator so that the corpus exercises it", rule.ID)
		}
	}
	t.Logf("%d configs judged in %s", len(configs), time.Since(start).Round(time.Millisecond))
}

// compare lists the objects whose rule ids differ between runners, grouped by
// how they differ, each group with its count and first examples. Empty when
// every runner agrees on every object.
func compare(c *corpus, got map[string]verdicts, runners []string) string {
	objects := map[string]map[string]any{}
	for _, d := range c.Docs {
		objects[d.Key] = d.Object
	}
	keys := map[string]bool{}
	for _, d := range c.Docs {
		if kind := d.Object["kind"]; kind == "Application" || kind == "Tenant" || kind == "PolicyException" {
			keys[d.Key] = true
		}
	}
	for _, v := range got {
		for k := range v {
			keys[k] = true // findings on objects not in the corpus, or unattributed ones
		}
	}

	type example struct{ key, line string }
	groups := map[string][]example{}
	disagreeing := 0
	docs := map[string]document{}
	for _, d := range c.Docs {
		docs[d.Key] = d
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		sig := signature(k, got, comparedOn(runners, docs[k]))
		if sig == "" {
			continue
		}
		disagreeing++
		var line strings.Builder
		fmt.Fprintf(&line, "%s:", strings.Replace(strings.Replace(k, "//", " ", 1), "/", " ", 1))
		for _, r := range runners {
			fmt.Fprintf(&line, " %s=%s", r, idList(got[r][k]))
		}
		groups[sig] = append(groups[sig], example{k, line.String()})
	}
	if disagreeing == 0 {
		return ""
	}
	sigs := slices.Collect(maps.Keys(groups))
	sort.Slice(sigs, func(i, j int) bool {
		if len(groups[sigs[i]]) != len(groups[sigs[j]]) {
			return len(groups[sigs[i]]) > len(groups[sigs[j]])
		}
		return sigs[i] < sigs[j]
	})
	const maxGroups, maxExamples = 15, 2
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d objects disagree, in %d ways:\n", disagreeing, len(keys), len(groups))
	for i, sig := range sigs {
		if i == maxGroups {
			fmt.Fprintf(&b, "... and %d more ways\n", len(sigs)-maxGroups)
			break
		}
		fmt.Fprintf(&b, "%4d× %s\n", len(groups[sig]), sig)
		for j, ex := range groups[sig] {
			if j == maxExamples {
				break
			}
			fmt.Fprintf(&b, "      e.g. %s\n", ex.line)
			if obj, ok := objects[ex.key]; ok && j == 0 {
				fmt.Fprintf(&b, "           %s\n", compactJSON(obj, 700))
			}
		}
	}
	return b.String()
}

// comparedOn are the runners compared on an object: all, but for a
// malformed one, which conftest judges as it judges any document (it
// refuses nothing), the others, which must all refuse it; and for a
// PolicyException, which the audit does not judge (the webhook judged it
// when it was written), the others.
func comparedOn(runners []string, d document) []string {
	var skip string
	switch {
	case d.Malformed:
		skip = "conftest"
	case d.Object["kind"] == "PolicyException":
		skip = "audit"
	default:
		return runners
	}
	return slices.DeleteFunc(slices.Clone(runners), func(r string) bool { return r == skip })
}

// signature says, rule by rule, which runners reported a rule that not all of
// them reported for the object; "" when they all agree.
func signature(key string, got map[string]verdicts, runners []string) string {
	rules := map[string]bool{}
	for _, r := range runners {
		for id := range got[r][key] {
			rules[id] = true
		}
	}
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(rules)) {
		var have, lack []string
		for _, r := range runners {
			if got[r][key][id] {
				have = append(have, r)
			} else {
				lack = append(lack, r)
			}
		}
		if len(lack) > 0 {
			parts = append(parts, fmt.Sprintf("%s from %s, not %s", id, strings.Join(have, "+"), strings.Join(lack, "+")))
		}
	}
	return strings.Join(parts, "; ")
}

func idList(ids map[string]bool) string {
	return "{" + strings.Join(slices.Sorted(maps.Keys(ids)), ",") + "}"
}

func compactJSON(v any, n int) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return shorten(string(raw), n)
}

// describe counts what the corpus holds, for the log.
func (c *corpus) describe() string {
	count := map[string]int{}
	for _, d := range c.Docs {
		kind, _ := d.Object["kind"].(string)
		count[kind]++
		if kind != "Application" {
			continue
		}
		spec, _ := d.Object["spec"].(map[string]any)
		switch {
		case spec["sources"] != nil:
			count["multi-source"]++
		case spec["sourceHydrator"] != nil:
			count["hydrator"]++
		}
		meta, _ := d.Object["metadata"].(map[string]any)
		labels, _ := meta["labels"].(map[string]any)
		if l, ok := labels[tenantLabel]; ok && l == "" {
			count["empty tenant label"]++
		}
		if ns := meta["namespace"]; ns != argocdNamespace {
			count["outside argocd"]++
		}
	}
	for _, d := range c.Docs {
		if d.Malformed {
			count["malformed"]++
		}
	}
	return fmt.Sprintf("%d documents in %d files: %d Tenants, %d Applications (%d multi-source, %d hydrator, %d with an empty tenant label, %d outside argocd, %d malformed), %d PolicyExceptions, %d other",
		len(c.Docs), len(c.Files), count["Tenant"], count["Application"], count["multi-source"], count["hydrator"],
		count["empty tenant label"], count["outside argocd"], count["malformed"], count["PolicyException"], count["Namespace"])
}

// conftestAndRoot returns the conftest binary `make test` names and the
// repository root, as absolute paths; the test is skipped without conftest.
func conftestAndRoot(t *testing.T) (conftest, rootDir string) {
	t.Helper()
	conftest = os.Getenv("TENANTGUARD_CONFTEST")
	if conftest == "" {
		t.Skip("TENANTGUARD_CONFTEST names the conftest binary; `make test` sets it")
	}
	conftest, err := filepath.Abs(conftest)
	require.NoError(t, err)
	rootDir, err = filepath.Abs(root)
	require.NoError(t, err)
	return conftest, rootDir
}
