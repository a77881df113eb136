package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

var applicationGVK = schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}

// createObjects creates the staging Tenants, then their Applications, each from
// s.creators clients at once.
func createObjects(ctx context.Context, c client.Client, s settings) error {
	err := concurrently(s.tenants, s.creators, func(i int) error {
		t := &tenantv1.Tenant{Spec: tenantv1.TenantSpec{Environment: "staging"}}
		t.Name = tenantName(i)
		return c.Create(ctx, t)
	})
	if err != nil {
		return err
	}
	// The admitting server finds an Application's Tenant in its cache, which
	// follows the API server within moments; a refusal for an unknown Tenant
	// is tried again.
	return concurrently(s.tenants*s.appsPerTenant, s.creators, func(i int) error {
		tenant := i % s.tenants
		return retry(func() error { return c.Create(ctx, application(tenant, i)) })
	})
}

func tenantName(i int) string { return fmt.Sprintf("t%05d", i) }

// application is the i-th Application, of the staging Tenant numbered tenant:
// clean under admitConfig, automated with selfHeal, reading the staging directory.
func application(tenant int, i int) *unstructured.Unstructured {
	name := tenantName(tenant)
	app := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
		"project":     "tenant-" + name,
		"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": "tenant-" + name},
		"source":      map[string]any{"repoURL": repoURL, "path": fmt.Sprintf("staging/%s-%d", name, i)},
		"syncPolicy":  map[string]any{"automated": map[string]any{"selfHeal": true}},
	}}}
	app.SetGroupVersionKind(applicationGVK)
	app.SetNamespace("argocd")
	app.SetName(fmt.Sprintf("app-%05d", i))
	app.SetLabels(map[string]string{tenantv1.TenantLabel: name})
	return app
}

func retry(create func() error) error {
	var err error
	for attempt := range 5 {
		if err = create(); err == nil || apierrors.IsAlreadyExists(err) {
			return nil
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	return err
}

// concurrently runs work(0..n-1) on workers goroutines and returns the first error.
func concurrently(n, workers int, work func(i int) error) error {
	next := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := work(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var first error
	for i := 0; i < n && first == nil; i++ {
		select {
		case next <- i:
		case first = <-errs:
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	if first == nil {
		first = <-errs
	}
	return first
}
