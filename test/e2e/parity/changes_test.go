package parity

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenantguard/tenantguard/changes"
	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/policy"
	"github.com/tenantguard/tenantguard/policies"
	"github.com/tenantguard/tenantguard/test/support/gitrepo"
)

// changeScenarios are pull requests on the platform repository, each on its
// own branch of one repository, with the actor who made them.
var changeScenarios = []struct {
	branch, actor string
	change        func(r *gitrepo.Repo)
}{
	{"promotion", "github-actions[bot]", func(r *gitrepo.Repo) {
		r.Copy("staging/shop/values-images.yaml", "production/shop/values-images.yaml")
	}},
	{"release-bot-promotion", "release-bot", func(r *gitrepo.Repo) {
		r.Copy("staging/shop/values-images.yaml", "production/shop/values-images.yaml")
	}},
	{"hand-edit", "alice", func(r *gitrepo.Repo) {
		r.Write("production/shop/values.yaml", "replicas: 5\n")
		r.Write("production/shop/values-images.yaml", "imageTag: z9\n")
	}},
	{"symlink-and-rename", "alice", func(r *gitrepo.Repo) {
		r.Symlink("production/shop/values.yaml", "../../staging/shop/values.yaml")
		r.Git("mv", "staging/shop/Chart.yaml", "production/shop/Chart2.yaml")
	}},
	{"binary-and-deletion", "alice", func(r *gitrepo.Repo) {
		r.Write("production/shop/logo.png", "\x00\x01binary")
		r.Git("rm", "--quiet", "production/shop/templates/deployment.yaml")
	}},
}

// changesConfig overrides the promotion keys and an enforcement, so that
// both runners must read the same config.
const changesConfig = `{"promotion": {"automationIdentities": ["release-bot"]}, "enforcement": {"change-image-promoted": "warn"}}`

func TestConftestAndChangesAgreeOnChangeSets(t *testing.T) {
	conftest := os.Getenv("TENANTGUARD_CONFTEST")
	if conftest == "" {
		t.Skip("TENANTGUARD_CONFTEST names the conftest binary; `make test` sets it")
	}
	repo := gitrepo.Seed(t, "a1", "b2")
	for _, sc := range changeScenarios {
		repo.Git("checkout", "--quiet", "-b", sc.branch, "main")
		sc.change(repo)
		repo.Commit(sc.branch)
	}
	policyDir, err := filepath.Abs(filepath.Join(root, "policies"))
	require.NoError(t, err)
	for name, cfgJSON := range map[string]string{"default config": "", "config with overrides": changesConfig} {
		cfg := clusterconfig.Default()
		if cfgJSON != "" {
			cfg, err = clusterconfig.Parse([]byte(cfgJSON))
			require.NoError(t, err)
		}
		engine, err := policy.NewWithConfig(context.Background(), policies.FS, cfg)
		require.NoError(t, err)
		dataFile := writeConfigData(t, cfgJSON)
		for _, sc := range changeScenarios {
			t.Run(name+"/"+sc.branch, func(t *testing.T) {
				cs, err := changes.Build(context.Background(), changes.Options{Dir: repo.Dir, Base: "main", Head: sc.branch, Actor: sc.actor, Config: cfg})
				require.NoError(t, err)
				input, err := cs.Input()
				require.NoError(t, err)
				inputFile := filepath.Join(t.TempDir(), "changeset.json")
				require.NoError(t, os.WriteFile(inputFile, input, 0o600))

				want := changesConftestVerdicts(t, conftest, policyDir, dataFile, inputFile)
				got := changesVerdicts(t, engine, cs)
				assert.Equal(t, want, got)
				if sc.actor == "alice" {
					assert.NotEmpty(t, got, "a person's edit of production breaks a rule")
				}
			})
		}
	}
}

// writeConfigData writes the cluster config as conftest reads it, nested
// under tenantguard.config; "" when there is none to give.
func writeConfigData(t *testing.T, cfgJSON string) string {
	if cfgJSON == "" {
		return ""
	}
	path := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"tenantguard": {"config": `+cfgJSON+`}}`), 0o600))
	return path
}

func changesConftestVerdicts(t *testing.T, conftest, policyDir, dataFile, inputFile string) []verdict {
	args := []string{"test", "--namespace", "changes", "--no-fail", "-o", "json", "--policy", policyDir}
	if dataFile != "" {
		args = append(args, "--data", dataFile)
	}
	out, err := exec.Command(conftest, append(args, inputFile)...).Output()
	require.NoError(t, err, "conftest: %s", out)
	return conftestJSONVerdicts(t, "changeset", out)
}

func changesVerdicts(t *testing.T, engine *policy.Engine, cs *changes.ChangeSet) []verdict {
	results, err := changes.Evaluate(context.Background(), engine, cs)
	require.NoError(t, err)
	var verdicts []verdict
	for _, r := range results {
		for _, f := range r.Findings {
			if f.Enforcement != policy.DryRun {
				verdicts = append(verdicts, verdict{"changeset", string(f.Enforcement), f.String()})
			}
		}
	}
	return sorted(verdicts)
}
