package policy_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/webhook/policy"
	"sigs.k8s.io/yaml"
)

func subset(b *testing.B, keep func(string) bool) fs.FS {
	m := fstest.MapFS{}
	fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if !d.IsDir() && strings.HasSuffix(p, ".rego") && !strings.HasSuffix(p, "_test.rego") && keep(p) {
			data, _ := fs.ReadFile(policies.FS, p)
			m[p] = &fstest.MapFile{Data: data}
		}
		return nil
	})
	return m
}

func BenchmarkZZRules(b *testing.B) {
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(benchApp), &obj); err != nil {
		b.Fatal(err)
	}
	in := policy.Input{Operation: "CREATE", Object: obj}
	rules, _ := fs.Glob(policies.FS, "rules/*")
	for _, r := range append([]string{"none"}, rules...) {
		b.Run(r, func(b *testing.B) {
			fsys := subset(b, func(p string) bool { return !strings.HasPrefix(p, "rules/") || strings.HasPrefix(p, r+"/") || strings.HasPrefix(p, "rules/app_pinned") })
			e, err := policy.New(context.Background(), fsys, nil)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				e.Review(context.Background(), in)
			}
		})
	}
}
