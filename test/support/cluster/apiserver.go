package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	tenantv1 "github.com/tenantguard/tenantguard/api/v1alpha1"
)

// APIServer is kube-apiserver and etcd with only the Tenant CRD and no
// webhook configuration: the control plane of the programs that call
// tenantguard's webhook directly (test/programs/load, test/programs/hostile), where the API
// server is there only so that tenantguard's Tenant cache has something to
// list and watch.
type APIServer struct {
	// Config reaches the API server as an administrator.
	Config *rest.Config
	env    *envtest.Environment
}

// StartAPIServer starts the control plane and installs the Tenant CRD from
// config/crd/bases.
func StartAPIServer() (*APIServer, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, errors.New("KUBEBUILDER_ASSETS is not set; point it at the envtest binaries, e.g. ~/.cache/tenantguard/envtest/k8s-v1.37.2-etcd-v3.6.16")
	}
	env := &envtest.Environment{CRDInstallOptions: envtest.CRDInstallOptions{
		Paths: []string{filepath.Join(RepoRoot(), "config", "crd", "bases")}, ErrorIfPathMissing: true,
	}}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting control plane: %w", err)
	}
	return &APIServer{Config: cfg, env: env}, nil
}

// CreateTenants creates Tenants through the API server. Programs call it
// before tenantguard starts, so that its cache lists them at start as it
// would in a running cluster.
func (a *APIServer) CreateTenants(ctx context.Context, tenants ...*tenantv1.Tenant) error {
	objs := make([]client.Object, len(tenants))
	for i, t := range tenants {
		objs[i] = t
	}
	return a.create(ctx, objs)
}

// CreatePolicyExceptions creates PolicyExceptions through the API server,
// as CreateTenants creates Tenants: before tenantguard's webhooks, which
// would ask for an approver, are registered.
func (a *APIServer) CreatePolicyExceptions(ctx context.Context, exceptions ...*tenantv1.PolicyException) error {
	objs := make([]client.Object, len(exceptions))
	for i, e := range exceptions {
		objs[i] = e
	}
	return a.create(ctx, objs)
}

func (a *APIServer) create(ctx context.Context, objs []client.Object) error {
	scheme := k8sruntime.NewScheme()
	if err := tenantv1.AddToScheme(scheme); err != nil {
		return err
	}
	cl, err := client.New(a.Config, client.Options{Scheme: scheme})
	if err != nil {
		return err
	}
	for _, obj := range objs {
		if err := cl.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating %T %s: %w", obj, obj.GetName(), err)
		}
	}
	return nil
}

// KubeConfig returns a kubeconfig for an administrator of the API server, for
// a tenantguard started as its own process (--kubeconfig).
func (a *APIServer) KubeConfig() ([]byte, error) {
	return adminKubeConfig(a.env)
}

// Stop stops the control plane.
func (a *APIServer) Stop() error {
	return a.env.Stop()
}

// adminKubeConfig adds a user in system:masters to env and returns its kubeconfig.
func adminKubeConfig(env *envtest.Environment) ([]byte, error) {
	user, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, err
	}
	return user.KubeConfig()
}
