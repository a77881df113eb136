package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// tenantSpec is the i-th Tenant's spec: staging and production alternate,
// every third runs on arm64, every fifth has components.
func tenantSpec(i int) tenantv1.TenantSpec {
	spec := tenantv1.TenantSpec{Environment: "staging", Arch: "amd64"}
	if i%2 == 1 {
		spec.Environment = "production"
	}
	if i%3 == 0 {
		spec.Arch = "arm64"
	}
	if i%5 == 0 {
		spec.Components = []string{"grafana", "loki"}
	}
	return spec
}

// createTenants creates n Tenants through the API server (and so through the
// webhooks) from the given number of clients at once.
func createTenants(ctx context.Context, cl client.Client, n, clients int) error {
	next := make(chan int)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := &tenantv1.Tenant{Spec: tenantSpec(i)}
				t.Name = fmt.Sprintf("perf%04d", i)
				if err := cl.Create(ctx, t); err != nil {
					errs <- fmt.Errorf("creating Tenant %s: %w", t.Name, err)
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case next <- i:
		case err = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err = <-errs:
		return err
	default:
		return nil
	}
}

// waitForReady polls the Tenants until n are Ready, and returns the time since start.
func waitForReady(ctx context.Context, cl client.Client, n int, start time.Time, limit time.Duration) (time.Duration, error) {
	ready, lastPrinted := 0, time.Now()
	for time.Since(start) < limit {
		var list tenantv1.TenantList
		if err := cl.List(ctx, &list); err != nil {
			return 0, err
		}
		ready = 0
		for i := range list.Items {
			if meta.IsStatusConditionTrue(list.Items[i].Status.Conditions, tenantv1.ConditionReady) {
				ready++
			}
		}
		if ready >= n {
			return time.Since(start), nil
		}
		if time.Since(lastPrinted) > 10*time.Second {
			fmt.Printf("  %d of %d Ready after %.0fs\n", ready, n, time.Since(start).Seconds())
			lastPrinted = time.Now()
		}
		time.Sleep(250 * time.Millisecond)
	}
	return 0, fmt.Errorf("only %d of %d Tenants were Ready after %s", ready, n, limit)
}

// countObjects counts what the supervisor made, by kind.
func countObjects(ctx context.Context, cl client.Client) (map[string]int, error) {
	kinds := []schema.GroupVersionKind{
		{Version: "v1", Kind: "NamespaceList"},
		{Version: "v1", Kind: "ResourceQuotaList"},
		{Group: "argoproj.io", Version: "v1alpha1", Kind: "AppProjectList"},
		{Group: "argoproj.io", Version: "v1alpha1", Kind: "ApplicationList"},
	}
	out := map[string]int{}
	for _, gvk := range kinds {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk)
		if err := cl.List(ctx, list, client.MatchingLabels{"app.kubernetes.io/managed-by": "tenantguard"}); err != nil {
			return nil, err
		}
		out[gvk.Kind[:len(gvk.Kind)-len("List")]] = len(list.Items)
	}
	return out, nil
}
