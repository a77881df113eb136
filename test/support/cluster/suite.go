package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Suite is a control plane started for a test package's TestMain: the
// server reads its cluster config from ConfigFile, which tests rewrite to
// reload it, and Argo CD's namespace exists.
type Suite struct {
	*Cluster
	// ConfigFile is the cluster config file the server watches.
	ConfigFile string
	dir        string
}

// StartSuite writes config to a file of its own, starts the cluster with
// opts reading it, and creates the argocd namespace. It returns ErrNoAssets
// when the envtest binaries are missing, so a suite can skip.
func StartSuite(ctx context.Context, name, config string, opts Options) (*Suite, error) {
	dir, err := os.MkdirTemp("", "tenantguard-"+name+"-")
	if err != nil {
		return nil, err
	}
	s := &Suite{ConfigFile: filepath.Join(dir, "config.yaml"), dir: dir}
	if err := os.WriteFile(s.ConfigFile, []byte(config), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts.ConfigFile = s.ConfigFile
	if s.Cluster, err = StartWith(ctx, opts); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "argocd"}}); err != nil {
		return nil, errors.Join(fmt.Errorf("creating namespace argocd: %w", err), s.Stop())
	}
	return s, nil
}

// Stop stops the cluster and removes the config file.
func (s *Suite) Stop() error {
	defer os.RemoveAll(s.dir)
	return s.Cluster.Stop()
}
