package policy

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// reviewQuery is what every Go runner asks: every finding on an admission
// review (eval builds one per document, as the webhook receives it).
const reviewQuery = "data.tenantguard.main.violations"

// kindQueries are the entry points that ask only the rules of one kind of
// object (and the rules of any kind). A bundle without them is asked
// reviewQuery for every object.
var kindQueries = map[model.Kind]string{
	model.KindApplication:     "data.tenantguard.main.application_violations",
	model.KindApplicationSet:  "data.tenantguard.main.applicationset_violations",
	model.KindTenant:          "data.tenantguard.main.tenant_violations",
	model.KindPolicyException: "data.tenantguard.main.policyexception_violations",
}

// changeSetQuery is the entry point of the rules that judge a change set of
// the platform repository (`tenantguard changes`), not an admission review.
const changeSetQuery = "data.tenantguard.main.change_violations"

// changeSetName names the change-set entry point among the prepared queries.
const changeSetName = "changeset"

// findingsVar is the variable each prepared query binds to the findings.
const findingsVar = "findings"

// Engine evaluates the rule set. It is safe for concurrent use.
type Engine struct {
	review rego.PreparedEvalQuery
	// byKind holds the prepared entry point of each kind the bundle has one for.
	byKind map[model.Kind]rego.PreparedEvalQuery
	// changeSet is the prepared change-set entry point, nil when the bundle
	// has none.
	changeSet *rego.PreparedEvalQuery
	rules     []Rule
	// specialized says whether the queries were partially evaluated against
	// the base document (see specialize).
	specialized bool
}

// New compiles the Rego files of fsys (test files left out) with data as the
// base document, and prepares the engine's queries. Compile errors name the
// file and line.
func New(ctx context.Context, fsys fs.FS, data map[string]any) (*Engine, error) {
	return newEngine(ctx, fsys, data, true)
}

// newEngine is New, with the entry points of a kind specialized to data or not.
func newEngine(ctx context.Context, fsys fs.FS, data map[string]any, specializing bool) (*Engine, error) {
	modules, err := parseModules(fsys)
	if err != nil {
		return nil, err
	}
	rules, err := rulesOf(modules)
	if err != nil {
		return nil, err
	}
	if data == nil {
		data = map[string]any{}
	}
	compiler, err := compile(modules)
	if err != nil {
		return nil, err
	}
	// The store keeps data as AST values, so that evaluations do not convert the
	// config and Tenants from Go values on every read.
	store := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
	queries := map[string]ast.Body{"": findingsQuery(reviewQuery)}
	for kind, query := range kindQueries {
		if len(compiler.GetRules(ast.MustParseRef(query))) > 0 {
			queries[string(kind)] = findingsQuery(query)
		}
	}
	if len(compiler.GetRules(ast.MustParseRef(changeSetQuery))) > 0 {
		queries[changeSetName] = findingsQuery(changeSetQuery)
	}
	// The entry points of a kind (the change set's among them) are
	// specialized to the config; every rule's
	// (objects of other kinds, which the runners do not send) is not worth
	// the time it adds to a load.
	byKindQueries := maps.Clone(queries)
	delete(byKindQueries, "")
	specialized := false
	if specializing {
		if c, residual, err := specialize(ctx, modules, compiler, store, byKindQueries); err == nil {
			compiler, specialized = c, true
			maps.Copy(queries, residual)
		}
	}
	prepared := map[string]rego.PreparedEvalQuery{}
	for name, query := range queries {
		pq, err := rego.New(rego.ParsedQuery(query), rego.Compiler(compiler), rego.Store(store), rego.StoreReadAST(true)).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("compiling policies: %w", err)
		}
		prepared[name] = pq
	}
	byKind := map[model.Kind]rego.PreparedEvalQuery{}
	for kind := range kindQueries {
		if pq, ok := prepared[string(kind)]; ok {
			byKind[kind] = pq
		}
	}
	engine := &Engine{review: prepared[""], byKind: byKind, rules: rules, specialized: specialized}
	if pq, ok := prepared[changeSetName]; ok {
		engine.changeSet = &pq
	}
	return engine, nil
}

// findingsQuery binds the value of the rule at ref to findingsVar.
func findingsQuery(ref string) ast.Body {
	return ast.NewBody(ast.Equality.Expr(ast.VarTerm(findingsVar), ast.MustParseTerm(ref)))
}

// specialize partially evaluates each query against the base document (the
// cluster config, known when the snapshot is loaded) with the input unknown,
// as `opa build -O=1` does for a bundle's entrypoints: what depends only on
// the config (a config lookup, a list of trusted identities, the needles of
// the image tag keys) is evaluated once, here, and becomes a constant in the
// residual rules; what depends on the input is kept, rule by rule (shallow
// inlining), and evaluated per review as written. Each query's residual
// rules live in a package of their own beside the policies they call. It
// returns the compiler of the policies and every residual, and each query's
// residual query; an error when the policies do not partially evaluate,
// for the caller to evaluate them as written.
func specialize(ctx context.Context, modules []*ast.Module, compiler *ast.Compiler, store storage.Store, queries map[string]ast.Body) (*ast.Compiler, map[string]ast.Body, error) {
	byName := make(map[string]*ast.Module, len(modules))
	for _, m := range modules {
		byName[m.Package.Location.File] = m
	}
	residual := make(map[string]ast.Body, len(queries))
	for name, query := range queries {
		namespace := "tenantguard_partial_" + cmp.Or(name, "all")
		pqs, err := rego.New(
			rego.ParsedQuery(query), rego.Compiler(compiler), rego.Store(store), rego.StoreReadAST(true),
			rego.ParsedUnknowns([]*ast.Term{ast.NewTerm(ast.InputRootRef)}), rego.ShallowInlining(true),
			rego.PartialNamespace(namespace),
		).Partial(ctx)
		if err != nil {
			return nil, nil, err
		}
		if len(pqs.Queries) != 1 {
			return nil, nil, fmt.Errorf("partial evaluation of %v: %d queries, want 1", query, len(pqs.Queries))
		}
		residual[name] = pqs.Queries[0]
		for i, m := range pqs.Support {
			byName[fmt.Sprintf("%s/support%d.rego", namespace, i)] = m
		}
	}
	specialized := ast.NewCompiler()
	if specialized.Compile(byName); specialized.Failed() {
		return nil, nil, specialized.Errors
	}
	return specialized, residual, nil
}

// Rules lists the rules the engine runs, sorted by id.
func (e *Engine) Rules() []Rule { return e.rules }

// RuleIDs lists the ids of the rules the engine runs.
func (e *Engine) RuleIDs() []string {
	ids := make([]string, len(e.rules))
	for i, r := range e.rules {
		ids[i] = r.ID
	}
	return ids
}

// compile compiles the modules once; its errors name the file and line.
func compile(modules []*ast.Module) (*ast.Compiler, error) {
	byName := make(map[string]*ast.Module, len(modules))
	for _, m := range modules {
		byName[m.Package.Location.File] = m
	}
	compiler := ast.NewCompiler().WithCapabilities(deterministic())
	if compiler.Compile(byName); compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", compiler.Errors)
	}
	return compiler, nil
}

// deterministic are OPA's capabilities without the builtins whose answer
// is not a function of their arguments (http.send, net.lookup_ip_addr,
// time.now_ns, rand.intn, uuid.rfc4122, opa.runtime, ...): a rule is judged
// alike by the webhook, eval, conftest and the audit only when it reads
// nothing but the object, the Tenant and the config. A policy that calls
// one fails to load, naming the builtin, and the served policies stay.
func deterministic() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if !b.Nondeterministic {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	return caps
}

// conftestPackage is conftest's entry point (policies/conftest), which the
// engine never asks: it reads the wall clock for conftest, where no runner
// passes input.now, and the engine allows no such builtin.
const conftestPackage = "data.main"

// parseModules parses every .rego file of fsys except tests and conftest's
// entry point, keeping METADATA
// annotations, which the rules read for their id and default enforcement.
func parseModules(fsys fs.FS) ([]*ast.Module, error) {
	var modules []*ast.Module
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".rego" || strings.HasSuffix(name, "_test.rego") {
			return err
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true})
		if err != nil {
			return err
		}
		if m.Package.Path.String() == conftestPackage {
			return nil
		}
		modules = append(modules, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading policies: %w", err)
	}
	if len(modules) == 0 {
		return nil, fmt.Errorf("loading policies: no .rego files found")
	}
	return modules, nil
}

// NewWithConfig compiles the Rego files of fsys with the cluster config as
// data, and refuses enforcement overrides for rules fsys lacks.
func NewWithConfig(ctx context.Context, fsys fs.FS, cfg *clusterconfig.ClusterConfig) (*Engine, error) {
	data, err := cfg.PolicyData()
	if err != nil {
		return nil, err
	}
	engine, err := New(ctx, fsys, data)
	if err != nil {
		return nil, err
	}
	if err := cfg.ValidateRuleIDs(engine.RuleIDs()).ToAggregate(); err != nil {
		return nil, fmt.Errorf("cluster config: %w", err)
	}
	return engine, nil
}

// Review evaluates the rule set on an admission review: the rules of the
// object's kind (of the stored object on a deletion) and the rules of any
// kind, or every rule for an object of another kind.
func (e *Engine) Review(ctx context.Context, in Input) (Findings, error) {
	value, err := in.astValue()
	if err != nil {
		return nil, err
	}
	return evalFindings(ctx, e.queryFor(in), value)
}

func (e *Engine) queryFor(in Input) rego.PreparedEvalQuery {
	obj := in.Object
	if obj == nil {
		obj = in.OldObject
	}
	if kind, ok := model.KindOfObject(obj); ok {
		if pq, ok := e.byKind[kind]; ok {
			return pq
		}
	}
	return e.review
}

// evalFindings runs a prepared query and reads its findings, the first
// expression's value. An evaluation records no metrics (rego.Eval would
// otherwise allocate a fresh set for every review) and is cancelled with
// its context through a callback rather than a goroutine of its own.
func evalFindings(ctx context.Context, pq rego.PreparedEvalQuery, input ast.Value) (Findings, error) {
	cancel := topdown.NewCancel()
	stop := context.AfterFunc(ctx, cancel.Cancel)
	defer stop()
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input), rego.EvalMetrics(metrics.NoOp()), rego.EvalExternalCancel(cancel))
	if err != nil {
		return nil, fmt.Errorf("evaluating policies: %w", err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluating policies: %d results, want 1", len(rs))
	}
	return findingsFromResult(rs[0].Bindings[findingsVar])
}

// ErrNoChangeSetRules is returned by ChangeSet when the policies have no
// change-set entry point (a --policy-dir of an older bundle, say): judging
// nothing would pass every change, so it is an error instead.
var ErrNoChangeSetRules = fmt.Errorf("the policies have no change-set entry point %s", changeSetQuery)

// ChangeSet evaluates the change-set rules on a change set of the platform
// repository, given as its JSON document (the promotion package's input
// contract, exactly what `tenantguard changes --print-input` writes).
func (e *Engine) ChangeSet(ctx context.Context, input []byte) (Findings, error) {
	if e.changeSet == nil {
		return nil, ErrNoChangeSetRules
	}
	value, err := ast.ValueFromReader(bytes.NewReader(input))
	if err != nil {
		return nil, fmt.Errorf("building policy input: %w", err)
	}
	return evalFindings(ctx, *e.changeSet, value)
}
