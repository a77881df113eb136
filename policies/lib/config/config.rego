# METADATA
# title: Cluster config
# description: |
#   The cluster config the rules read, data.tenantguard.config, over the
#   defaults below. conftest reads it from a --data file of the form
#   {"tenantguard": {"config": {...}}}; tenantguard serve and eval validate the
#   config file and hand it over with its defaults already filled in. The defaults match the Go type in
#   webhook/config, which a test checks.
package tenantguard.lib.config

# defaults is the cluster config when none is given.
defaults := {
	"defaults": {
		"arch": "amd64",
		"registryMirror": "",
		"destination": "https://kubernetes.default.svc",
	},
	"valuePaths": {
		"nodeSelector": "global.nodeSelector",
		"tolerations": "global.tolerations",
		"imageRegistry": "global.imageRegistry",
	},
	"arches": ["amd64", "arm64"],
	"taintedArchPools": [],
	"environments": {"staging": "staging", "production": "production"},
	"allowedRepos": [],
	"trackingRefs": ["HEAD"],
	"imageTagKeys": ["imageTag", "image.tag"],
	"tenantNaming": {
		"namespacePrefix": "tenant-",
		"projectPrefix": "tenant-",
		"maxNameLength": 40,
	},
	"trustedIdentities": [
		"system:serviceaccount:tenantguard-system:tenantguard",
		"system:serviceaccount:argocd:argocd-applicationset-controller",
	],
	"applicationSetControllers": ["system:serviceaccount:argocd:argocd-applicationset-controller"],
	"enforcement": {},
	"excludedNamespaces": ["kube-system"],
	"limits": {
		"maxReviewBytes": 4194304,
		"maxDepth": 100,
		"maxNodes": 500000,
		"maxSources": 64,
		"maxFieldBytes": 4096,
		"maxLabels": 256,
		"maxFindings": 20,
		"maxValuesBytes": 262144,
		"maxValuesNodes": 20000,
		"maxValuesDepth": 100,
		"maxPathEntries": 64,
		"maxPathBytes": 16384,
		"maxEvaluationTime": "2s",
		"maxGeneratedApplications": 500,
		"maxRenderedBytes": 4194304,
	},
	"supervisor": {
		"argocdNamespace": "argocd",
		"repoURL": "",
		"chartDirectory": "tenant",
		"valueFiles": ["values.yaml", "values-images.yaml"],
		"namespaceLabels": {
			"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/audit": "restricted",
			"pod-security.kubernetes.io/warn": "restricted",
		},
		"notifications": {},
		"namespaceResources": {},
	},
	"promotion": {
		"protectedFiles": ["values-images.yaml", "**/values-images.yaml"],
		"automationIdentities": ["github-actions[bot]"],
		"maxChangedFiles": 2000,
		"maxFileBytes": 1048576,
		"maxFileNodes": 200000,
		"maxFileDepth": 100,
	},
	"exceptions": {
		"approvers": [],
		"approverGroups": [],
		"maxDuration": "168h0m0s",
		"maxDurationByRule": {},
		"neverWaivable": ["tenant-production-delete"],
		"allowWideMatch": false,
		"deleteExpiredAfter": "0s",
	},
}

# config is the effective cluster config: the given one, key by key over the
# defaults. tenantguard serve and eval hand over a config that already carries
# every default as data.tenantguard.resolved_config, which spares the merge on
# every evaluation.
config := data.tenantguard.resolved_config if {
	is_object(data.tenantguard.resolved_config)
} else := object.union(defaults, _given) if {
	is_object(data.tenantguard.config)
} else := defaults

# _given is the config of a --data file without the keys it leaves null
# (a YAML key with nothing after it): as for tenantguard, such a key keeps
# its default, in a section and inside one.
_given := {key: _without_nulls(value) |
	some key, value in data.tenantguard.config
	value != null
}

_without_nulls(value) := {k: v | some k, v in value; v != null} if is_object(value)

else := value
