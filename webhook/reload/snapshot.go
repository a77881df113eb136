// Package reload keeps the policies and cluster config being served, and swaps
// in new ones when their files change: compiled off the request path, swapped
// atomically, and refused (logged and counted) when broken, so that the last
// good ones keep serving.
package reload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sync/atomic"
	"testing/fstest"

	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/webhook/config"
	"github.com/tenantguard/tenantguard/webhook/policy"
)

// Snapshot is one loaded generation of the cluster config and the policies.
type Snapshot struct {
	// Config is the validated cluster config.
	Config *config.ClusterConfig
	// Engine evaluates the policies with Config.
	Engine *policy.Engine
	// Revision is a hash of the files the snapshot was loaded from.
	Revision string
}

// Loader loads snapshots from files.
type Loader struct {
	// PolicyDir holds the Rego policies. Empty means the embedded ones.
	PolicyDir string
	// ExtraPolicyDir holds Rego files served beside the policies of PolicyDir
	// (or the embedded ones), such as a team's own rules. Empty means none.
	ExtraPolicyDir string
	// ConfigFile is the cluster config. Empty means the defaults.
	ConfigFile string
}

// Load reads, validates and compiles a snapshot.
func (l Loader) Load(ctx context.Context) (*Snapshot, error) {
	revision, err := l.Revision()
	if err != nil {
		return nil, err
	}
	cfg := config.Default()
	if l.ConfigFile != "" {
		if cfg, err = config.Load(l.ConfigFile); err != nil {
			return nil, err
		}
	}
	bundle, err := l.bundle()
	if err != nil {
		return nil, err
	}
	engine, err := policy.NewWithConfig(ctx, bundle, cfg, nil)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Config: cfg, Engine: engine, Revision: revision}, nil
}

func (l Loader) policies() fs.FS {
	if l.PolicyDir == "" {
		return policies.FS
	}
	return os.DirFS(l.PolicyDir)
}

// extraPrefix is where the extra policies appear in the bundle, and in the
// file names of their compile errors.
const extraPrefix = "extra"

// bundle is the policies with the extra ones beside them, under extra/.
func (l Loader) bundle() (fs.FS, error) {
	if l.ExtraPolicyDir == "" {
		return l.policies(), nil
	}
	merged := fstest.MapFS{}
	for prefix, fsys := range map[string]fs.FS{".": l.policies(), extraPrefix: os.DirFS(l.ExtraPolicyDir)} {
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(name) != ".rego" {
				return err
			}
			data, err := fs.ReadFile(fsys, name)
			merged[path.Join(prefix, name)] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading policies: %w", err)
		}
	}
	return merged, nil
}

// Revision hashes the contents of the config file and the .rego files.
func (l Loader) Revision() (string, error) {
	bundle, err := l.bundle()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if l.ConfigFile != "" {
		data, err := os.ReadFile(l.ConfigFile)
		if err != nil {
			return "", fmt.Errorf("reading cluster config: %w", err)
		}
		h.Write(data)
	}
	err = fs.WalkDir(bundle, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".rego" {
			return err
		}
		data, err := fs.ReadFile(bundle, name)
		h.Write([]byte(name))
		h.Write(data)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("reading policies: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// Current holds the snapshot being served. It is safe for concurrent use.
type Current struct {
	snapshot atomic.Pointer[Snapshot]
}

// Fixed holds one snapshot that never changes.
func Fixed(s *Snapshot) *Current {
	c := &Current{}
	c.Set(s)
	return c
}

// Get returns the snapshot being served.
func (c *Current) Get() *Snapshot { return c.snapshot.Load() }

// Set swaps in a new snapshot.
func (c *Current) Set(s *Snapshot) { c.snapshot.Store(s) }
