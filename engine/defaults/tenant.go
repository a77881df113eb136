package defaults

import (
	"cmp"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// Tenant fills in the defaults of a Tenant in place and returns what it set:
// spec.namespace (the cluster's namespace prefix and the Tenant's name),
// spec.arch and spec.destination from the cluster config, and, for an
// air-gapped Tenant, spec.registryMirror from the cluster config when it has
// one. Only fields that are absent, null or empty are filled in; spec is created
// when missing. A nil cfg stands for clusterconfig.Default().
func Tenant(t map[string]any, cfg *clusterconfig.ClusterConfig) []Change {
	if t == nil {
		return nil
	}
	if cfg == nil {
		cfg = clusterconfig.Default()
	}
	spec, ok := objectField(t, "spec")
	if !ok {
		return nil
	}
	fills := tenantFills(model.Name(t), spec, cfg)
	if len(fills) == 0 {
		// Nothing to set: not even an empty spec is added, so the patch stays empty.
		return nil
	}
	created := spec == nil
	spec = ensureObject(t, "spec")
	changes := make([]Change, 0, len(fills))
	for _, f := range fills {
		spec[f.key] = f.value
		at := []string{"spec", f.key}
		if created {
			at = []string{"spec"}
		}
		changes = append(changes, Change{Field: field.NewPath("spec", f.key).String(), Value: f.value, At: at})
	}
	return changes
}

// fill is one string field of a Tenant's spec to set.
type fill struct{ key, value string }

// tenantFills lists the spec fields left empty that the cluster config has a value for.
func tenantFills(name string, spec map[string]any, cfg *clusterconfig.ClusterConfig) []fill {
	namespace := ""
	if name != "" {
		namespace = cfg.TenantNamespace(name)
	}
	candidates := []fill{
		{"namespace", namespace},
		{"arch", cfg.Defaults.Arch},
		{"destination", cfg.Defaults.Destination},
	}
	// A mirror is only meaningful, and only checked by tenant-air-gapped-mirror,
	// on an air-gapped Tenant; others are left without one.
	if spec["airGapped"] == true {
		candidates = append(candidates, fill{"registryMirror", cfg.Defaults.RegistryMirror})
	}
	var fills []fill
	for _, c := range candidates {
		if c.value != "" && unset(spec[c.key]) {
			fills = append(fills, c)
		}
	}
	return fills
}

// owner is what an Application's defaults take from its Tenant, with the
// cluster config's defaults standing in for what the Tenant left empty (the
// Tenant may predate the webhook, or come from a file in `tenantguard eval`).
type owner struct {
	name, environment string
	// arch is the CPU architecture the tenant's nodes run; tainted when the
	// cluster config says that arch's node pool is tainted.
	arch    string
	tainted bool
	// mirror is the registry an air-gapped tenant pulls from; empty otherwise.
	mirror string
}

// ownerOf reads the owner of an Application from its Tenant.
func ownerOf(tenant map[string]any, cfg *clusterconfig.ClusterConfig) owner {
	o := owner{
		name:        model.Name(tenant),
		environment: model.String(tenant, "spec", "environment"),
		arch:        model.EffectiveArch(tenant, cfg),
	}
	o.tainted = o.arch != "" && slices.Contains(cfg.TaintedArchPools, o.arch)
	if spec, _ := tenant["spec"].(map[string]any); spec["airGapped"] == true {
		o.mirror = cmp.Or(model.String(tenant, "spec", "registryMirror"), cfg.Defaults.RegistryMirror)
	}
	return o
}
