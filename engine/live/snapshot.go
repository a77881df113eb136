// Package live keeps the policies and cluster config being served, and swaps
// in new ones when their files change: compiled off the request path, swapped
// atomically, and refused (logged and counted) when broken, so that the last
// good ones keep serving.
package live

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sync"
	"sync/atomic"
	"testing/fstest"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
)

// Snapshot is one loaded generation of the cluster config and the policies.
type Snapshot struct {
	// Config is the validated cluster config.
	Config *clusterconfig.ClusterConfig
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

// Load reads, validates and compiles a snapshot. Its revision is the hash of
// exactly the contents it compiled, even when the files change meanwhile.
func (l Loader) Load(ctx context.Context) (*Snapshot, error) {
	f, err := l.read()
	if err != nil {
		return nil, err
	}
	cfg := clusterconfig.Default()
	if f.config != nil {
		if cfg, err = clusterconfig.Parse(f.config); err != nil {
			return nil, fmt.Errorf("cluster config %s: %w", l.ConfigFile, err)
		}
	}
	engine, err := policy.NewWithConfig(ctx, f.bundle, cfg)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Config: cfg, Engine: engine, Revision: f.revision()}, nil
}

// Revision hashes the contents of the config file and the .rego files.
func (l Loader) Revision() (string, error) {
	f, err := l.read()
	if err != nil {
		return "", err
	}
	return f.revision(), nil
}

// files are the contents a snapshot is loaded from, read once.
type files struct {
	// config is the cluster config file; nil without one.
	config []byte
	// bundle is every .rego file: the policies, and the extra ones under extra/.
	bundle fstest.MapFS
}

// extraPrefix is where the extra policies appear in the bundle, and in the
// file names of their compile errors.
const extraPrefix = "extra"

func (l Loader) read() (*files, error) {
	f := &files{bundle: fstest.MapFS{}}
	if l.ConfigFile != "" {
		data, err := os.ReadFile(l.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("reading cluster config: %w", err)
		}
		f.config = data
	}
	sources := map[string]fs.FS{".": l.policies()}
	if l.ExtraPolicyDir != "" {
		sources[extraPrefix] = os.DirFS(l.ExtraPolicyDir)
	}
	for prefix, fsys := range sources {
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(name) != ".rego" {
				return err
			}
			data, err := fs.ReadFile(fsys, name)
			f.bundle[path.Join(prefix, name)] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("reading policies: %w", err)
		}
	}
	return f, nil
}

func (l Loader) policies() fs.FS {
	if l.PolicyDir == "" {
		return policies.FS
	}
	return os.DirFS(l.PolicyDir)
}

// revision is a short hash of the config and of every file's name and contents.
func (f *files) revision() string {
	h := sha256.New()
	h.Write(f.config)
	for _, name := range slices.Sorted(maps.Keys(f.bundle)) {
		h.Write([]byte(name))
		h.Write(f.bundle[name].Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Current holds the snapshot being served. It is safe for concurrent use.
type Current struct {
	snapshot atomic.Pointer[Snapshot]
	mu       sync.Mutex
	watchers []chan struct{}
}

// NewCurrent is the state being served, holding s until Set swaps in another.
func NewCurrent(s *Snapshot) *Current {
	c := &Current{}
	c.Set(s)
	return c
}

// Get returns the snapshot being served.
func (c *Current) Get() *Snapshot { return c.snapshot.Load() }

// Set swaps in a new snapshot and tells every subscriber.
func (c *Current) Set(s *Snapshot) {
	c.snapshot.Store(s)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range c.watchers {
		select {
		case w <- struct{}{}:
		default: // a change is already pending; the subscriber reads the newest snapshot
		}
	}
}

// Subscribe returns a channel that receives after each Set that follows it,
// such as a reload. Changes made while one is pending are merged into it, so
// that a slow subscriber is never behind by more than one: it calls Get for
// the snapshot.
func (c *Current) Subscribe() <-chan struct{} {
	w := make(chan struct{}, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watchers = append(c.watchers, w)
	return w
}
