package clusterconfig

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var (
	// registryPattern is a registry host with an optional port and path, no scheme or tag.
	registryPattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9._-]+)*$`)
	// valuePathPattern is a dotted Helm value path such as global.nodeSelector.
	valuePathPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)
	enforcements     = []string{"deny", "warn", "dryrun"}
)

// maxNamespaceLength is the longest namespace name Kubernetes accepts.
const maxNamespaceLength = validation.DNS1123LabelMaxLength

// Validate checks the config; each error names its key.
func (c *ClusterConfig) Validate() field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, c.validateArches()...)
	errs = append(errs, c.validateDefaults(field.NewPath("defaults"))...)
	errs = append(errs, c.validateValuePaths(field.NewPath("valuePaths"))...)
	errs = append(errs, c.validateEnvironments(field.NewPath("environments"))...)
	errs = append(errs, c.validateNaming(field.NewPath("tenantNaming"))...)
	errs = append(errs, nonEmptyStrings(c.TrackingRefs, field.NewPath("trackingRefs"), true)...)
	errs = append(errs, nonEmptyStrings(c.ImageTagKeys, field.NewPath("imageTagKeys"), false)...)
	errs = append(errs, nonEmptyStrings(c.AllowedRepos, field.NewPath("allowedRepos"), false)...)
	errs = append(errs, nonEmptyStrings(c.TrustedIdentities, field.NewPath("trustedIdentities"), false)...)
	errs = append(errs, nonEmptyStrings(c.ApplicationSetControllers, field.NewPath("applicationSetControllers"), false)...)
	for _, rule := range sortedKeys(c.Enforcement) {
		if !slices.Contains(enforcements, c.Enforcement[rule]) {
			errs = append(errs, field.NotSupported(field.NewPath("enforcement").Key(rule), c.Enforcement[rule], enforcements))
		}
	}
	errs = append(errs, c.Limits.validate(field.NewPath("limits"))...)
	errs = append(errs, c.validateSupervisor(field.NewPath("supervisor"))...)
	errs = append(errs, c.Promotion.validate(field.NewPath("promotion"))...)
	errs = append(errs, c.Exceptions.validate(field.NewPath("exceptions"))...)
	for i, ns := range c.ExcludedNamespaces {
		for _, msg := range validation.IsDNS1123Label(ns) {
			errs = append(errs, field.Invalid(field.NewPath("excludedNamespaces").Index(i), ns, msg))
		}
	}
	return errs
}

// ValidateRuleIDs refuses enforcement overrides for rules the policies do not have.
func (c *ClusterConfig) ValidateRuleIDs(known []string) field.ErrorList {
	var errs field.ErrorList
	for _, rule := range sortedKeys(c.Enforcement) {
		if !slices.Contains(known, rule) {
			errs = append(errs, field.NotFound(field.NewPath("enforcement").Key(rule), rule))
		}
	}
	named := c.Exceptions.ruleIDs()
	for _, rule := range sortedKeys(named) {
		if !slices.Contains(known, rule) {
			errs = append(errs, field.NotFound(named[rule], rule))
		}
	}
	return errs
}

func (c *ClusterConfig) validateArches() field.ErrorList {
	p := field.NewPath("arches")
	errs := nonEmptyStrings(c.Arches, p, true)
	for i, arch := range c.TaintedArchPools {
		if !slices.Contains(c.Arches, arch) {
			errs = append(errs, field.NotSupported(field.NewPath("taintedArchPools").Index(i), arch, c.Arches))
		}
	}
	return errs
}

func (c *ClusterConfig) validateDefaults(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !slices.Contains(c.Arches, c.Defaults.Arch) {
		errs = append(errs, field.NotSupported(p.Child("arch"), c.Defaults.Arch, c.Arches))
	}
	if m := c.Defaults.RegistryMirror; m != "" && !registryPattern.MatchString(m) {
		errs = append(errs, field.Invalid(p.Child("registryMirror"), m, "must be a registry host with optional port and path, without scheme, such as mirror.example.com:5000/tenants"))
	}
	if c.Defaults.Destination == "" {
		errs = append(errs, field.Required(p.Child("destination"), "the Argo CD cluster tenants deploy to"))
	}
	return errs
}

func (c *ClusterConfig) validateValuePaths(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for name, value := range map[string]string{
		"nodeSelector": c.ValuePaths.NodeSelector, "tolerations": c.ValuePaths.Tolerations, "imageRegistry": c.ValuePaths.ImageRegistry,
	} {
		if !valuePathPattern.MatchString(value) {
			errs = append(errs, field.Invalid(p.Child(name), value, "must be a dotted Helm value path such as global.nodeSelector"))
		}
		// The defaults write at these paths; one that is an image tag key
		// would write what app-image-tag-override refuses.
		if key := c.tagKeyOf(value); key != "" {
			errs = append(errs, field.Invalid(p.Child(name), value,
				fmt.Sprintf("must not be an image tag key: it ends with %q, one of imageTagKeys", key)))
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
	return errs
}

func (c *ClusterConfig) validateEnvironments(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, env := range []string{"staging", "production"} {
		if _, ok := c.Environments[env]; !ok {
			errs = append(errs, field.Required(p.Key(env), "the repository directory of this environment"))
		}
	}
	for _, env := range sortedKeys(c.Environments) {
		dir := c.Environments[env]
		if dir == "" || path.IsAbs(dir) || path.Clean(dir) != dir || dir == "." || dir == ".." || strings.HasPrefix(dir, "../") {
			errs = append(errs, field.Invalid(p.Key(env), dir, "must be a clean relative directory such as staging"))
		}
	}
	return errs
}

func (c *ClusterConfig) validateNaming(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	longest := maxNamespaceLength - len(c.TenantNaming.NamespacePrefix)
	if n := c.TenantNaming.MaxNameLength; n < 1 || n > longest {
		errs = append(errs, field.Invalid(p.Child("maxNameLength"), n,
			fmt.Sprintf("must be between 1 and %d, so that namespacePrefix + name stays a valid namespace", longest)))
	}
	return errs
}

// tagKeyOf returns the image tag key a dotted value path is or ends with, as
// app-image-tag-override reads them; "" when none.
func (c *ClusterConfig) tagKeyOf(valuePath string) string {
	for _, key := range c.ImageTagKeys {
		if key != "" && (valuePath == key || strings.HasSuffix(valuePath, "."+key)) {
			return key
		}
	}
	return ""
}

// nonEmptyStrings refuses empty entries, and an empty list when required.
func nonEmptyStrings(list []string, p *field.Path, required bool) field.ErrorList {
	if required && len(list) == 0 {
		return field.ErrorList{field.Required(p, "at least one entry")}
	}
	var errs field.ErrorList
	for i, s := range list {
		if s == "" {
			errs = append(errs, field.Required(p.Index(i), "entries must not be empty"))
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
