package install

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/tenantguard/tenantguard/test/support/dockerfile"
)

// TestTheInstallsRunTheImageTheMakefileBuilds holds the chart's and
// config/default's pod to the image: the repository `make image` tags, at the
// chart's appVersion, started through the Dockerfile's entrypoint with its
// command, as its user.
func TestTheInstallsRunTheImageTheMakefileBuilds(t *testing.T) {
	stage, err := dockerfile.ReadFinalStage(filepath.Join(repoRoot, "Dockerfile"))
	require.NoError(t, err)
	uid, gid, ok := strings.Cut(stage.User, ":")
	require.True(t, ok, "the Dockerfile's USER is uid:gid, got %q", stage.User)
	require.NotEmpty(t, stage.Cmd)
	want := makefileImageRepo(t) + ":" + chartAppVersion(t)
	renderings := map[string]func(*testing.T) []*unstructured.Unstructured{
		"the chart with default values": func(t *testing.T) []*unstructured.Unstructured {
			return helmTemplate(t, "tenantguard", "tenantguard-system")
		},
		"kustomize config/default": func(t *testing.T) []*unstructured.Unstructured {
			return kustomizeBuild(t, "default")
		},
	}
	for name, render := range renderings {
		t.Run(name, func(t *testing.T) {
			d := theDeployment(t, render(t))
			c := tenantguardContainer(t, d)
			assert.Equal(t, want, c.Image)
			assert.Empty(t, c.Command, "the image's entrypoint runs")
			require.NotEmpty(t, c.Args)
			assert.Equal(t, stage.Cmd[0], c.Args[0], "the pod runs the image's command")
			pod := d.Spec.Template.Spec.SecurityContext
			require.NotNil(t, pod)
			assert.Equal(t, uid, strconv.FormatInt(*pod.RunAsUser, 10))
			assert.Equal(t, gid, strconv.FormatInt(*pod.RunAsGroup, 10))
		})
	}
}

// TestTheChartPinsTheImageByDigest checks what docs/install.md says: with
// image.digest set, the pod names the image by digest, whatever the tag.
func TestTheChartPinsTheImageByDigest(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	objs := helmTemplate(t, "tenantguard", "tenantguard-system", "--set", "image.digest="+digest, "--set", "image.tag=ignored")
	c := tenantguardContainer(t, theDeployment(t, objs))
	assert.Equal(t, makefileImageRepo(t)+"@"+digest, c.Image)
}

// makefileImageRepo is IMAGE_REPO, the repository `make image` tags.
func makefileImageRepo(t *testing.T) string {
	t.Helper()
	mk, err := os.ReadFile(filepath.Join(repoRoot, "charts", "install.mk"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^IMAGE_REPO\s*\?=\s*(\S+)$`).FindSubmatch(mk)
	require.NotNil(t, m, "charts/install.mk sets IMAGE_REPO")
	return string(m[1])
}

// chartAppVersion is the chart's appVersion, the image tag it defaults to.
func chartAppVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	require.NoError(t, err)
	var chart struct {
		AppVersion string `json:"appVersion"`
	}
	require.NoError(t, yaml.Unmarshal(data, &chart))
	require.NotEmpty(t, chart.AppVersion)
	return chart.AppVersion
}
