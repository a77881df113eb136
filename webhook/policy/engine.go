package policy

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/tenantguard/tenantguard/webhook/config"
	"github.com/tenantguard/tenantguard/webhook/model"
)

// reviewQuery is what every Go runner asks: every finding on an admission
// review (eval builds one per document, as the webhook receives it).
const reviewQuery = "data.tenantguard.main.violations"

// kindQueries are the entry points that ask only the rules of one kind of
// object (and the rules of any kind). A bundle without them is asked
// reviewQuery for every object.
var kindQueries = map[model.Kind]string{
	model.KindApplication: "data.tenantguard.main.application_violations",
	model.KindTenant:      "data.tenantguard.main.tenant_violations",
}

// Engine evaluates the rule set. It is safe for concurrent use.
type Engine struct {
	review rego.PreparedEvalQuery
	// byKind holds the prepared entry point of each kind the bundle has one for.
	byKind map[model.Kind]rego.PreparedEvalQuery
	rules  []Rule
}

// New compiles the Rego files of fsys (test files left out) with data as the
// base document, and prepares the engine's queries. Compile errors name the
// file and line.
func New(ctx context.Context, fsys fs.FS, data map[string]any) (*Engine, error) {
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
	options := []func(*rego.Rego){rego.Compiler(compiler), rego.Store(store), rego.StoreReadAST(true)}
	review, err := prepare(ctx, reviewQuery, options)
	if err != nil {
		return nil, err
	}
	byKind := map[model.Kind]rego.PreparedEvalQuery{}
	for kind, query := range kindQueries {
		if len(compiler.GetRules(ast.MustParseRef(query))) == 0 {
			continue
		}
		if byKind[kind], err = prepare(ctx, query, options); err != nil {
			return nil, err
		}
	}
	return &Engine{review: review, byKind: byKind, rules: rules}, nil
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
	compiler := ast.NewCompiler()
	if compiler.Compile(byName); compiler.Failed() {
		return nil, fmt.Errorf("compiling policies: %w", compiler.Errors)
	}
	return compiler, nil
}

func prepare(ctx context.Context, query string, options []func(*rego.Rego)) (rego.PreparedEvalQuery, error) {
	r := rego.New(append([]func(*rego.Rego){rego.Query(query)}, options...)...)
	pq, err := r.PrepareForEval(ctx)
	if err != nil {
		return rego.PreparedEvalQuery{}, fmt.Errorf("compiling policies: %w", err)
	}
	return pq, nil
}

// parseModules parses every .rego file of fsys except tests, keeping METADATA
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
func NewWithConfig(ctx context.Context, fsys fs.FS, cfg *config.ClusterConfig) (*Engine, error) {
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
	return findingsFromResult(rs[0].Expressions[0].Value)
}
