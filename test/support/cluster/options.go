package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
	"github.com/tenantguard/tenantguard/cmd/tenantguard/app"
	"github.com/tenantguard/tenantguard/engine/live"
)

const (
	// ServerNamespace is where config/rbac puts tenantguard's service account.
	ServerNamespace = "tenantguard-system"
	// ServiceAccount is the user tenantguard runs as when installed by the
	// chart or config/default, and so the user its supervisor writes as.
	ServiceAccount = "system:serviceaccount:" + ServerNamespace + ":tenantguard"
)

// Options say what StartWith serves besides the webhooks.
type Options struct {
	// Supervisor runs the supervisor in the webhook server's manager.
	Supervisor bool
	// SupervisorWorkers is how many Tenants the supervisor reconciles at once
	// (0: the server's default).
	SupervisorWorkers int
	// ConfigFile is the cluster config file served, reloaded on change; empty
	// serves the built-in defaults.
	ConfigFile string
	// AsServiceAccount runs the server as a cluster does: as ServiceAccount,
	// impersonated, with exactly the RBAC of config/rbac applied. Otherwise it
	// runs as an administrator.
	AsServiceAccount bool
	// LeaderElection elects the server by a Lease in ServerNamespace before the
	// supervisor starts, as serve does by default.
	LeaderElection bool
	// Audit runs the audit in the webhook server's manager, every
	// AuditInterval (0: the server's default); the OpenReports CRDs and, with
	// AsServiceAccount, the RBAC of config/audit are installed.
	Audit         bool
	AuditInterval time.Duration
	// Exceptions runs the exception controller in the webhook server's manager.
	Exceptions bool
	// Clock is the time the server judges PolicyExceptions at (the webhooks,
	// the audit and the exception controller); the wall clock when nil.
	// Tests give a fake one and step it past an expiry.
	Clock clock.WithTicker
	// External serves nothing in this process: the caller starts `tenantguard
	// serve` at WebhookAddress, with ServingCertDir and ServerKubeConfig.
	// The other options only prepare the cluster (RBAC, namespaces).
	External bool
}

// serviceAccountGroups are the groups of ServiceAccount's requests.
var serviceAccountGroups = []string{"system:serviceaccounts", "system:serviceaccounts:" + ServerNamespace, "system:authenticated"}

// Scheme knows the Kubernetes types and the Tenant.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(tenantv1.AddToScheme(s))
	return s
}

func (o Options) serverOptions() app.Options {
	opts := app.Options{
		MetricsAddr: "0", ProbeAddr: "0",
		Policies:   live.Loader{ConfigFile: o.ConfigFile},
		Supervisor: o.Supervisor, LeaderElection: o.LeaderElection,
	}
	opts.SupervisorOptions.Workers = o.SupervisorWorkers
	opts.Audit = o.Audit
	opts.AuditOptions.Interval = o.AuditInterval
	opts.Exceptions, opts.Clock = o.Exceptions, o.Clock
	if o.LeaderElection {
		opts.LeaderElectionNamespace = ServerNamespace
	}
	if o.ConfigFile != "" {
		opts.ReloadInterval = 500 * time.Millisecond // tests change the config
	}
	return opts
}

// serverConfig is the rest config the server runs with: the administrator's,
// or ServiceAccount's once config/rbac is applied.
func (c *Cluster) serverConfig(ctx context.Context, opts Options) (*rest.Config, error) {
	if !opts.AsServiceAccount && !opts.LeaderElection && !opts.External {
		return c.Config, nil
	}
	admin, err := client.New(c.Config, client.Options{Scheme: clientgoscheme.Scheme})
	if err != nil {
		return nil, err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ServerNamespace}}
	if err := admin.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("creating namespace %s: %w", ServerNamespace, err)
	}
	if !opts.AsServiceAccount {
		return c.Config, nil
	}
	if err := ApplyDir(ctx, admin, filepath.Join(c.Root, "config", "rbac")); err != nil {
		return nil, err
	}
	if opts.Audit {
		if err := ApplyDir(ctx, admin, filepath.Join(c.Root, "config", "audit")); err != nil {
			return nil, err
		}
	}
	cfg := rest.CopyConfig(c.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: ServiceAccount, Groups: serviceAccountGroups}
	return cfg, nil
}

// ApplyDir creates the objects of the resources a kustomization.yaml in dir
// lists, as written (no kustomize transformation).
func ApplyDir(ctx context.Context, cl client.Client, dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		return err
	}
	var k struct{ Resources []string }
	if err := yaml.Unmarshal(data, &k); err != nil {
		return fmt.Errorf("%s/kustomization.yaml: %w", dir, err)
	}
	for _, name := range k.Resources {
		objs, err := ReadObjects(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		for _, obj := range objs {
			if err := cl.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("creating %s %s from %s: %w", obj.GetKind(), obj.GetName(), name, err)
			}
		}
	}
	return nil
}

// ReadObjects reads the objects of a multi-document YAML file.
func ReadObjects(path string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	objs, err := DecodeObjects(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return objs, nil
}

// DecodeObjects splits a multi-document YAML (or JSON) stream into objects,
// leaving out empty documents.
func DecodeObjects(data []byte) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var obj map[string]any
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(obj) > 0 {
			objs = append(objs, &unstructured.Unstructured{Object: obj})
		}
	}
}
