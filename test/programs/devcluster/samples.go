package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/tenantguard/tenantguard/manifests"
	"github.com/tenantguard/tenantguard/test/support/cluster"
)

// applySamples creates every object of dir through the API server and prints
// what the webhooks did to it: the fields they filled in, or the refusal.
func applySamples(ctx context.Context, c *cluster.Cluster, dir string) error {
	docs, err := manifests.Read([]string{dir}, os.Stdin)
	if err != nil {
		return err
	}
	docs = slices.DeleteFunc(docs, func(d manifests.Document) bool { return d.Object["kind"] == "Kustomization" })
	// Tenants first: Applications are defaulted from them.
	sort.SliceStable(docs, func(i, j int) bool {
		return docs[i].Object["kind"] == "Tenant" && docs[j].Object["kind"] != "Tenant"
	})
	if err := ensureNamespaces(ctx, c.Client, docs); err != nil {
		return err
	}
	fmt.Printf("\nApplying %s through the API server:\n", dir)
	for _, doc := range docs {
		if err := applySample(ctx, c.Client, doc); err != nil {
			return err
		}
	}
	return nil
}

func applySample(ctx context.Context, cl client.Client, doc manifests.Document) error {
	obj := &unstructured.Unstructured{Object: doc.Object}
	sent := obj.DeepCopy()
	name := fmt.Sprintf("%s %s (%s)", obj.GetKind(), obj.GetName(), filepath.Base(doc.Source))
	if obj.GetNamespace() != "" {
		name = fmt.Sprintf("%s %s/%s (%s)", obj.GetKind(), obj.GetNamespace(), obj.GetName(), filepath.Base(doc.Source))
	}
	err := cl.Create(ctx, obj)
	switch {
	case apierrors.IsForbidden(err) || apierrors.IsInvalid(err):
		fmt.Printf("\n  REFUSED   %s\n            %s\n", name, strings.ReplaceAll(err.Error(), "\n", "\n            "))
		return nil
	case err != nil:
		return fmt.Errorf("creating %s: %w", name, err)
	}
	var added []string
	for _, path := range [][]string{{"metadata", "labels"}, {"metadata", "finalizers"}, {"spec"}} {
		before, _, _ := unstructured.NestedFieldNoCopy(sent.Object, path...)
		after, _, _ := unstructured.NestedFieldNoCopy(obj.Object, path...)
		added = append(added, addedFields(strings.Join(path, "."), before, after)...)
	}
	if len(added) == 0 {
		fmt.Printf("\n  ADMITTED  %s, unchanged\n", name)
		return nil
	}
	fmt.Printf("\n  DEFAULTED %s\n", name)
	for _, line := range added {
		fmt.Printf("            + %s\n", line)
	}
	return nil
}

// addedFields lists the leaf fields of after that before did not have, as "path: value".
func addedFields(path string, before, after any) []string {
	switch a := after.(type) {
	case map[string]any:
		b, _ := before.(map[string]any)
		var out []string
		for k, v := range a {
			out = append(out, addedFields(path+"."+k, b[k], v)...)
		}
		sort.Strings(out)
		return out
	case []any:
		b, _ := before.([]any)
		var out []string
		for i, v := range a {
			var prev any
			if i < len(b) {
				prev = b[i]
			}
			out = append(out, addedFields(fmt.Sprintf("%s[%d]", path, i), prev, v)...)
		}
		return out
	default:
		if fmt.Sprint(before) == fmt.Sprint(after) {
			return nil
		}
		return []string{fmt.Sprintf("%s: %v", path, after)}
	}
}

// ensureNamespaces creates the namespaces the samples live in.
func ensureNamespaces(ctx context.Context, cl client.Client, docs []manifests.Document) error {
	seen := map[string]bool{}
	for _, doc := range docs {
		ns := (&unstructured.Unstructured{Object: doc.Object}).GetNamespace()
		if ns == "" || seen[ns] {
			continue
		}
		seen[ns] = true
		err := cl.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	return nil
}
