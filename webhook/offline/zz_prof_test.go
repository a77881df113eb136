package offline

import (
	"context"
	"testing"

	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/webhook/config"
	"github.com/tenantguard/tenantguard/webhook/policy"
)

func TestProf(t *testing.T) {
	docs, err := Read([]string{"/tmp/r2k.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.NewWithConfig(context.Background(), policies.FS, config.Default(), Tenants(docs))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(context.Background(), e, docs); err != nil {
		t.Fatal(err)
	}
}
