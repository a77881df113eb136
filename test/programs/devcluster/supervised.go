package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// printSupervised waits until the supervisor has made each Tenant's
// namespace, AppProject and Application, and prints what it made.
func printSupervised(ctx context.Context, cl client.Client) error {
	var tenants tenantv1.TenantList
	if err := cl.List(ctx, &tenants); err != nil {
		return err
	}
	if len(tenants.Items) > 0 {
		fmt.Println("\nThe supervisor, for each Tenant:")
	}
	for _, t := range tenants.Items {
		ready, err := waitForReady(ctx, cl, t.Name)
		if err != nil {
			return err
		}
		if !meta.IsStatusConditionTrue(ready.Status.Conditions, tenantv1.ConditionReady) {
			c := meta.FindStatusCondition(ready.Status.Conditions, tenantv1.ConditionReady)
			fmt.Printf("\n  NOT READY Tenant %s\n            %s\n", t.Name, c.Message)
			continue
		}
		fmt.Printf("\n  SUPERVISED Tenant %s (Ready)\n", t.Name)
		for _, line := range madeFor(ctx, cl, ready) {
			fmt.Printf("            + %s\n", line)
		}
	}
	return nil
}

// waitForReady waits up to 30 s for the Tenant's Ready condition to be set.
func waitForReady(ctx context.Context, cl client.Client, name string) (*tenantv1.Tenant, error) {
	deadline := time.Now().Add(30 * time.Second)
	var t tenantv1.Tenant
	for {
		if err := cl.Get(ctx, client.ObjectKey{Name: name}, &t); err != nil {
			return nil, err
		}
		c := meta.FindStatusCondition(t.Status.Conditions, tenantv1.ConditionReady)
		if (c != nil && c.Status == "True") || (c != nil && time.Now().After(deadline)) {
			return &t, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the supervisor did not report on Tenant %s within 30s", name)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// madeFor describes the namespace, AppProject and Application of a Tenant.
func madeFor(ctx context.Context, cl client.Client, t *tenantv1.Tenant) []string {
	argocd, _, _ := strings.Cut(t.Status.Application, "/")
	project := strings.TrimPrefix(t.Status.Project, argocd+"/")
	app := strings.TrimPrefix(t.Status.Application, argocd+"/")
	var lines []string
	if ns := read(ctx, cl, schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, "", t.Status.Namespace); ns != nil {
		lines = append(lines, fmt.Sprintf("Namespace %s, labels %s", ns.GetName(), labelList(ns.GetLabels())))
	}
	if p := read(ctx, cl, schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "AppProject"}, argocd, project); p != nil {
		lines = append(lines, fmt.Sprintf("AppProject %s/%s, sourceRepos %s, destinations %s", argocd, project,
			field(p, "spec", "sourceRepos"), field(p, "spec", "destinations")))
	}
	if a := read(ctx, cl, schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}, argocd, app); a != nil {
		lines = append(lines,
			fmt.Sprintf("Application %s/%s, project %s, path %s, valueFiles %s", argocd, app,
				field(a, "spec", "project"), field(a, "spec", "source", "path"), field(a, "spec", "source", "helm", "valueFiles")),
			fmt.Sprintf("  targetRevision %s and nodeSelector %s, filled in by the mutating webhook",
				field(a, "spec", "source", "targetRevision"), field(a, "spec", "source", "helm", "valuesObject", "global", "nodeSelector")),
			fmt.Sprintf("  syncPolicy.automated %s, annotations %s", field(a, "spec", "syncPolicy", "automated"), labelList(a.GetAnnotations())))
	}
	return lines
}

func read(ctx context.Context, cl client.Client, gvk schema.GroupVersionKind, namespace, name string) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(gvk)
	if err := cl.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, obj); err != nil {
		return nil
	}
	return obj
}

// field is the value at path in obj, as compact JSON.
func field(obj *unstructured.Unstructured, path ...string) string {
	value, _, _ := unstructured.NestedFieldNoCopy(obj.Object, path...)
	out, err := json.Marshal(value)
	if err != nil {
		return fmt.Sprint(value)
	}
	return string(out)
}

func labelList(labels map[string]string) string {
	pairs := make([]string, 0, len(labels))
	for k, v := range labels {
		pairs = append(pairs, k+"="+v)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ", ")
}
