package differential

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// document is one manifest of the corpus, in the file it is written to.
type document struct {
	// Object is the manifest.
	Object map[string]any
	// Key identifies the object across runners: kind/namespace/name.
	Key string
	// File is the corpus file the document is written to, and Index its
	// position there, counting from 1 as eval does.
	File  string
	Index int
	// Malformed is a document the webhook refuses as malformed: eval must
	// report it in its place as an error and judge the others. conftest
	// refuses nothing, so only the handler and eval are compared on it.
	Malformed bool
}

// Files written in the styles of manifest streams besides block YAML.
const (
	// jsonnetFile is written as `jsonnet -y` writes a stream: every
	// document in JSON after a "---" line, and "..." at the end.
	jsonnetFile = "20-mixed.yaml"
	// mixedFile has every third document in JSON, the others in block YAML.
	mixedFile = "30-late.yaml"
)

// corpus is the generated set of manifests, identical for every cluster config.
type corpus struct {
	Docs []document
	// Files lists the corpus file names in the order eval reads them (sorted).
	Files []string
}

// Namespaces the Applications live in: Argo CD's own, one that the configs
// exclude in turn, and kube-system, excluded by default.
const (
	argocdNamespace   = "argocd"
	platformNamespace = "platform-apps"
	systemNamespace   = "kube-system"
)

const (
	platformRepo = "https://git.example.com/platform/tenants.git"
	chartRepo    = "https://charts.example.com/stable"
	archLabel    = "kubernetes.io/arch"
	tenantLabel  = "tenantguard.io/tenant"
	envLabel     = "tenantguard.io/environment"
)

// tenantSpec is a Tenant the corpus holds, with the namespace it owns under
// the default "tenant-" prefix (the Applications aim at it).
type tenantSpec struct {
	name, env, namespace string
	spec                 map[string]any
	// metaNamespace is a metadata.namespace the manifest carries.
	metaNamespace string
}

// fixedTenants are the Tenants that set up the cases the corpus must cover: a
// namespace two Tenants share, a Tenant squatting another's default namespace,
// a name written twice with different environments (the first one counts),
// air-gapped Tenants with and without a mirror, and Tenants the rules refuse.
func fixedTenants() []tenantSpec {
	return []tenantSpec{
		{name: "shop", env: "staging", spec: map[string]any{"arch": "arm64"}},
		{name: "billing", env: "production"},
		{name: "pay", env: "production", namespace: "payments", spec: map[string]any{"arch": "amd64"}},
		{name: "share-a", env: "staging", namespace: "shared"},
		{name: "share-b", env: "production", namespace: "shared"},
		{name: "squat", env: "staging", namespace: "tenant-shop"},
		{name: "dup", env: "staging"},
		{name: "air", env: "production", spec: map[string]any{"airGapped": true, "registryMirror": "mirror.example.com:5000/tenants"}},
		{name: "air-nomirror", env: "staging", spec: map[string]any{"airGapped": true}},
		{name: "bad-arch", env: "staging", spec: map[string]any{"arch": "riscv64"}},
		{name: "cloudy", env: "production", spec: map[string]any{"cloud": "aws", "region": "westeurope"}},
		{name: "Bad_Name", env: "staging"},
		{name: "sys", env: "production", namespace: "kube-system"},
		{name: "remote", env: "staging", spec: map[string]any{"destination": "https://remote.example.com:6443"}},
		// spec.namespace written empty: the default namespace, as when absent.
		{name: "blank", env: "staging", namespace: "", spec: map[string]any{"namespace": ""}},
		// A Tenant rendered with a namespace, as `helm template -n` writes one
		// into every object, cluster-scoped or not.
		{name: "placed", env: "production", metaNamespace: platformNamespace},
		{name: "placed-sys", env: "staging", metaNamespace: systemNamespace},
	}
}

// generate builds the corpus from seed: the fixed Tenants, randomTenants more,
// and apps Applications, spread over four files with Tenants and Applications
// mixed, so that a Tenant in one file gives context to an Application in another.
func generate(seed uint64, randomTenants, apps int) *corpus {
	r := rand.New(rand.NewPCG(seed, seed^0x7e7a7e7a))
	g := &generator{r: r}
	tenants := fixedTenants()
	for i := range randomTenants {
		t := tenantSpec{name: fmt.Sprintf("t%03d", i), env: pick(r, "staging", "production")}
		t.spec = map[string]any{}
		if r.IntN(4) == 0 {
			t.namespace = fmt.Sprintf("ns-%s", t.name)
		}
		if r.IntN(3) == 0 {
			t.spec["arch"] = pick(r, "amd64", "arm64", "")
		}
		if r.IntN(6) == 0 {
			t.spec["destination"] = pick(r, "https://kubernetes.default.svc", "in-cluster", "https://east.example.com")
		}
		if r.IntN(8) == 0 {
			t.spec["airGapped"] = true
			if r.IntN(2) == 0 {
				t.spec["registryMirror"] = "registry.example.com/mirror"
			}
		}
		if r.IntN(5) == 0 {
			t.spec["cloud"], t.spec["region"] = pick2(r, [][2]string{{"aws", "eu-west-1"}, {"gcp", "europe-west1"}, {"azure", "westeurope"}, {"gcp", "eu-west-1"}})
		}
		tenants = append(tenants, t)
	}
	g.tenants = tenants

	files := []string{"00-tenants.yaml", "10-mixed.yaml", "20-mixed.yaml", "30-late.yaml"}
	c := &corpus{Files: files}
	for i, t := range tenants {
		// Most Tenants come first; every fifth is written among the
		// Applications, after some of those that use it.
		file := files[0]
		if i%5 == 4 {
			file = files[1+i%3]
		}
		c.Docs = append(c.Docs, document{Object: t.object(), Key: key(t.object()), File: file})
	}
	// The second Tenant named dup, in the last file: production, on a
	// namespace of its own, while the first one, which counts, is staging on
	// the default namespace. Both documents are judged; their findings are
	// compared as one object's, since conftest names them alike.
	second := tenantSpec{name: "dup", env: "production", namespace: "dup-late", spec: map[string]any{"arch": "arm64"}}
	c.Docs = append(c.Docs, document{Object: second.object(), Key: key(second.object()), File: files[3]})
	for i := range apps {
		app := g.application(fmt.Sprintf("a%04d", i))
		c.Docs = append(c.Docs, document{Object: app, Key: key(app), File: files[1+r.IntN(3)]})
	}
	for i := range corpusAppSets {
		appset := g.applicationSet(fmt.Sprintf("s%04d", i))
		c.Docs = append(c.Docs, document{Object: appset, Key: key(appset), File: files[1+r.IntN(3)]})
	}
	// Two documents tenantguard does not admit: no runner may judge them.
	for _, name := range []string{"tenant-shop", "shared"} {
		ns := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name}}
		c.Docs = append(c.Docs, document{Object: ns, Key: "Namespace//" + name, File: files[2]})
	}
	// A partial Application, as a test's assertion holds one: no spec. The
	// documents around it in each style must still be judged.
	for i, file := range []string{files[1], jsonnetFile} {
		partial := map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
			"metadata": map[string]any{"name": fmt.Sprintf("partial-%d", i), "namespace": argocdNamespace}}
		at := 1 + r.IntN(len(c.Docs)-1)
		c.Docs = append(c.Docs[:at], append([]document{{Object: partial, Key: key(partial), File: file, Malformed: true}}, c.Docs[at:]...)...)
	}
	return c
}

func (t tenantSpec) object() map[string]any {
	spec := map[string]any{"environment": t.env}
	for k, v := range t.spec {
		if v != "" || k == "namespace" {
			spec[k] = v
		}
	}
	if t.namespace != "" {
		spec["namespace"] = t.namespace
	}
	meta := map[string]any{"name": t.name}
	if t.metaNamespace != "" {
		meta["namespace"] = t.metaNamespace
	}
	return map[string]any{"apiVersion": "tenantguard.io/v1alpha1", "kind": "Tenant", "metadata": meta, "spec": spec}
}

// ownedNamespace is the namespace the Tenant owns under the default prefix.
func (t tenantSpec) ownedNamespace() string {
	if t.namespace != "" {
		return t.namespace
	}
	return "tenant-" + t.name
}

// key identifies an object the way conftest's messages name it: an
// Application by namespace and name, a Tenant, cluster-scoped, by name alone.
func key(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	name, _ := meta["name"].(string)
	kind, _ := obj["kind"].(string)
	if kind == "Tenant" {
		ns = ""
	}
	return kind + "/" + ns + "/" + name
}

type generator struct {
	r       *rand.Rand
	tenants []tenantSpec
}

func pick[T any](r *rand.Rand, options ...T) T { return options[r.IntN(len(options))] }

func pick2(r *rand.Rand, options [][2]string) (string, string) {
	o := options[r.IntN(len(options))]
	return o[0], o[1]
}

// chance is true with probability n in d.
func (g *generator) chance(n, d int) bool { return g.r.IntN(d) < n }

func (g *generator) tenant() tenantSpec { return g.tenants[g.r.IntN(len(g.tenants))] }

// application builds one Application, each of its parts drawn independently.
func (g *generator) application(name string) map[string]any {
	r := g.r
	labels := map[string]any{}
	var owner tenantSpec // the Tenant the Application means to belong to
	destNS := ""
	switch r.IntN(10) {
	case 0, 1: // labelled with a known Tenant, deploying to its namespace
		owner = g.tenant()
		labels[tenantLabel] = owner.name
		destNS = owner.ownedNamespace()
	case 2, 3: // unlabelled, found by its destination namespace
		owner = g.tenant()
		destNS = owner.ownedNamespace()
	case 4: // an empty label counts as absent
		owner = g.tenant()
		labels[tenantLabel] = ""
		destNS = owner.ownedNamespace()
	case 5: // a label naming a Tenant that does not exist
		labels[tenantLabel] = pick(r, "ghost", "shop-old", "nobody")
		destNS = pick(r, "tenant-ghost", "tenant-shop", "shared", "random")
	case 6: // the namespace two Tenants share
		destNS = "shared"
		if r.IntN(3) == 0 {
			labels[tenantLabel] = pick(r, "share-a", "share-b", "")
		}
	case 7: // the label and the namespace name different Tenants
		owner = g.tenant()
		labels[tenantLabel] = owner.name
		destNS = g.tenant().ownedNamespace()
	case 8: // the Tenant written twice, by label or by namespace
		owner = tenantSpec{name: "dup", env: "staging"}
		if r.IntN(2) == 0 {
			labels[tenantLabel] = "dup"
		}
		destNS = "tenant-dup"
	default: // no Tenant at all, or a namespace that only looks like one's
		switch r.IntN(4) {
		case 0: // the default namespace of a Tenant that owns another one
			destNS = "tenant-" + pick(r, "pay", "share-a", "dup-late", "blank")
		case 1: // the namespace only the second Tenant named dup claims
			destNS = "dup-late"
		default:
			destNS = pick(r, "", "default", "tenant-nobody", "team-x", "tn-shop", "kube-system")
		}
	}
	env := owner.env
	switch r.IntN(10) {
	case 0, 1:
		labels[envLabel] = env // agrees with the Tenant (or empty without one)
	case 2, 3:
		labels[envLabel] = pick(r, "staging", "production") // may contradict it
	case 4:
		labels[envLabel] = ""
	case 5:
		labels[envLabel] = "qa" // an environment only some configs know
	}
	if env == "" {
		env = pick(r, "staging", "production")
	}
	meta := map[string]any{"name": name, "namespace": argocdNamespace}
	switch r.IntN(30) {
	case 0, 1:
		meta["namespace"] = platformNamespace
	case 2, 3:
		meta["namespace"] = systemNamespace
	case 4: // rendered without a namespace, as `helm template` often does
		delete(meta, "namespace")
	}
	switch {
	case len(labels) > 0:
		meta["labels"] = labels
	case g.chance(1, 8):
		meta["labels"] = map[string]any{}
	case g.chance(1, 8):
		meta["labels"] = nil
	}
	if g.chance(1, 3) {
		meta["finalizers"] = []any{"resources-finalizer.argocd.argoproj.io"}
	}

	spec := map[string]any{}
	switch r.IntN(10) {
	case 0:
		spec["project"] = "default"
	case 1: // no project
	case 2:
		spec["project"] = "tenant-" + g.tenant().name
	case 3:
		spec["project"] = "team-x"
	default:
		if owner.name != "" {
			spec["project"] = "tenant-" + owner.name
		} else if l, ok := labels[tenantLabel].(string); ok {
			spec["project"] = "tenant-" + l
		}
	}
	dest := map[string]any{}
	if destNS != "" {
		dest["namespace"] = destNS
	}
	switch r.IntN(10) {
	case 0:
		dest["name"] = "in-cluster"
	case 1:
		dest["server"] = "https://remote.example.com:6443"
	case 2: // no cluster
	default:
		dest["server"] = "https://kubernetes.default.svc"
	}
	spec["destination"] = dest

	arch := "amd64"
	if a, _ := owner.spec["arch"].(string); a != "" {
		arch = a
	}
	component := pick(r, "shop", "api", "web", "worker")
	switch r.IntN(20) {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9: // one source
		spec["source"] = g.source(env, component, arch, -1)
	case 10, 11, 12, 13, 14: // several sources, one of them perhaps a ref source
		n := 2 + r.IntN(3)
		list := make([]any, n)
		for i := range list {
			list[i] = g.source(env, component, arch, i)
		}
		spec["sources"] = list
	case 15, 16, 17: // a hydrator
		dry := g.gitSource(env, component, arch)
		spec["sourceHydrator"] = map[string]any{
			"drySource":  dry,
			"syncSource": map[string]any{"targetBranch": "environments/" + env, "path": env + "/" + component},
		}
	case 18: // a source and a hydrator
		spec["source"] = g.source(env, component, arch, -1)
		spec["sourceHydrator"] = map[string]any{"drySource": g.gitSource(env, component, arch)}
	default: // no source at all
	}
	switch r.IntN(10) {
	case 0, 1, 2, 3, 4:
		spec["syncPolicy"] = map[string]any{"automated": map[string]any{"prune": true, "selfHeal": true}}
	case 5:
		spec["syncPolicy"] = map[string]any{"automated": map[string]any{"enabled": false, "selfHeal": true}}
	case 6:
		spec["syncPolicy"] = map[string]any{"automated": map[string]any{}}
	}
	return map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": meta, "spec": spec}
}

// source is a chart source, a git source or, in a list (index >= 0), a ref source.
func (g *generator) source(env, component, arch string, index int) map[string]any {
	switch n := g.r.IntN(10); {
	case n < 3:
		return g.chartSource(arch)
	case n == 3 && index >= 0:
		return map[string]any{"repoURL": platformRepo, "targetRevision": pick(g.r, "HEAD", "main", ""), "ref": "values"}
	default:
		return g.gitSource(env, component, arch)
	}
}

func (g *generator) gitSource(env, component, arch string) map[string]any {
	r := g.r
	src := map[string]any{"repoURL": g.repo()}
	other := map[string]string{"staging": "production", "production": "staging"}[env]
	switch r.IntN(14) {
	case 0, 1, 2, 3, 4, 5:
		src["path"] = env + "/" + component
	case 6:
		src["path"] = other + "/" + component
	case 7:
		src["path"] = env + "/../" + other + "/" + component
	case 8:
		src["path"] = "./" + env + "//" + component + "/"
	case 9:
		src["path"] = ""
	case 10: // no path: the repository root
	case 11:
		src["path"] = "apps/" + component
	case 12:
		src["path"] = env
	case 13:
		src["path"] = "/" + env + "/" + component
	}
	if rev, ok := g.gitRevision(); ok {
		src["targetRevision"] = rev
	}
	switch r.IntN(6) {
	case 0:
		src["helm"] = g.helm(env, arch, true)
	case 1:
		images := []any{"registry.example.com/" + component}
		if g.chance(1, 2) {
			images = append(images, "registry.example.com/"+component+":v1.2.3")
		}
		src["kustomize"] = map[string]any{"images": images}
	case 2:
		src["directory"] = map[string]any{"recurse": true}
	}
	return src
}

func (g *generator) chartSource(arch string) map[string]any {
	src := map[string]any{"repoURL": pick(g.r, chartRepo, "oci://registry.example.com/charts", platformRepo), "chart": pick(g.r, "nginx", "redis")}
	if g.chance(4, 5) {
		src["targetRevision"] = pick(g.r, "1.2.3", "v2.0.0", "1.2.3-rc.1", "latest", "^1.2", "1.x", "HEAD", "")
	}
	if g.chance(2, 3) {
		src["helm"] = g.helm("", arch, false)
	}
	return src
}

// gitRevision is a git source's targetRevision: absent, empty, a tracking ref
// of some config, a branch no config allows, or a pinned commit.
func (g *generator) gitRevision() (string, bool) {
	switch g.r.IntN(10) {
	case 0, 1:
		return "", false
	case 2:
		return "", true
	case 3, 4:
		return "HEAD", true
	case 5:
		return "main", true
	case 6:
		return "release-1", true
	case 7:
		return "3f1c9a0", true
	case 8:
		return "0123456789abcdef0123456789abcdef01234567", true
	default:
		return "refs/heads/3f1c9a0d", true
	}
}

func (g *generator) repo() string {
	r := g.r
	switch r.IntN(8) {
	case 0:
		return "https://git.example.com/platform/tenants"
	case 1:
		return "https://GIT.example.com/platform/tenants.git/"
	case 2:
		return "https://github.com/someone/fork.git"
	case 3:
		return "git@git.example.com:platform/tenants.git"
	default:
		return platformRepo
	}
}

// helm is a source's helm block: value files inside and outside the
// environment's directory, values pinning an arch, image tags.
func (g *generator) helm(env, arch string, git bool) map[string]any {
	r := g.r
	helm := map[string]any{}
	if git && g.chance(1, 2) {
		other := map[string]string{"staging": "production", "production": "staging"}[env]
		helm["valueFiles"] = []any{pick(r, "values.yaml", "values-images.yaml", "../../"+other+"/x/values.yaml",
			"$values/"+env+"/values.yaml", "$values/"+other+"/values.yaml", "/"+other+"/values.yaml", "https://example.com/values.yaml")}
	}
	values := map[string]any{}
	switch r.IntN(5) {
	case 0:
		values["global"] = map[string]any{"nodeSelector": map[string]any{archLabel: arch}}
	case 1:
		values["global"] = map[string]any{"nodeSelector": map[string]any{archLabel: pick(r, "amd64", "arm64")}}
	case 2:
		values["imageTag"] = "1.4.2"
	case 3:
		values["image"] = map[string]any{"tag": "v2", "repository": "registry.example.com/x"}
	}
	if len(values) > 0 || g.chance(1, 4) {
		helm["valuesObject"] = values
	}
	switch r.IntN(6) {
	case 0:
		helm["parameters"] = []any{map[string]any{"name": "imageTag", "value": "9.9.9"}}
	case 1:
		helm["parameters"] = []any{map[string]any{"name": `nodeSelector.kubernetes\.io/arch`, "value": pick(r, "amd64", "arm64")}}
	case 2:
		helm["values"] = "image:\n  tag: v3\n"
	}
	return helm
}

// write writes the corpus into dir as multi-document YAML files, and numbers
// each document within its file. jsonnetFile is written as jsonnet -y
// writes, mixedFile with JSON and block YAML documents mixed.
func (c *corpus) write(dir string) error {
	byFile := map[string][]string{}
	for i, d := range c.Docs {
		index := len(byFile[d.File]) + 1
		out, err := documentText(d.Object, d.File == jsonnetFile || d.File == mixedFile && index%3 == 0)
		if err != nil {
			return err
		}
		byFile[d.File] = append(byFile[d.File], out)
		c.Docs[i].Index = index
	}
	for _, f := range c.Files {
		text := strings.Join(byFile[f], "---\n")
		if f == jsonnetFile {
			text = "---\n" + text + "...\n"
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// documentText writes a document in block YAML, or in JSON indented as
// jsonnet indents it; either ends with a line end.
func documentText(obj map[string]any, asJSON bool) (string, error) {
	if !asJSON {
		out, err := yaml.Marshal(obj)
		return string(out), err
	}
	out, err := json.MarshalIndent(obj, "", "   ")
	return string(out) + "\n", err
}

// tenants lists the corpus's Tenants in the order eval reads them: by file,
// then by position in the file.
func (c *corpus) tenants() []map[string]any {
	var out []map[string]any
	for _, f := range c.Files {
		for _, d := range c.Docs {
			if d.File == f && d.Object["kind"] == "Tenant" {
				out = append(out, d.Object)
			}
		}
	}
	return out
}

// inFileOrder lists the documents in the order eval reads them.
func (c *corpus) inFileOrder() []document {
	var out []document
	for _, f := range c.Files {
		for _, d := range c.Docs {
			if d.File == f {
				out = append(out, d)
			}
		}
	}
	return out
}
