# METADATA
# title: Application helpers
# description: |
#   Reads an Argo CD Application from the review input: whether the object is one,
#   how to name it in a message, and every source with the field path it sits at.
package tenantguard.lib.application

import data.tenantguard.lib
import data.tenantguard.lib.config.config

# is_application holds when the object under review is an Argo CD Application.
is_application if {
	input.object.kind == "Application"
	startswith(input.object.apiVersion, "argoproj.io/")
}

# is_application_object holds when obj is an Argo CD Application.
is_application_object(obj) if {
	obj.kind == "Application"
	startswith(obj.apiVersion, "argoproj.io/")
}

# display_name names the Application the way kubectl does: namespace/name (a
# namespace or name that is not a string is written as JSON, see lib.show).
display_name := sprintf("Application %s/%s", [lib.show(_namespace), lib.show(_name)])

_namespace := object.get(input.object, ["metadata", "namespace"], "")

_name := object.get(input.object, ["metadata", "name"], "")

# sources holds every source of the Application, each with the field path it is
# written at, so that a rule checks spec.source, every spec.sources entry and the
# hydrator's dry source alike.
sources contains {"path": "spec.source", "source": s} if {
	is_application
	s := input.object.spec.source
	is_object(s)
}

sources contains {"path": sprintf("spec.sources[%d]", [i]), "source": s} if {
	is_application
	some i, s in input.object.spec.sources
	is_object(s)
}

sources contains {"path": "spec.sourceHydrator.drySource", "source": s} if {
	is_application
	s := input.object.spec.sourceHydrator.drySource
	is_object(s)
}

# git_sources are the sources that read a git repository; a source with a chart
# reads a Helm repository, whose targetRevision is a chart version.
git_sources contains src if {
	some src in sources
	not is_chart(src.source)
}

# is_commit holds for a revision that is a commit SHA, alone or at the end of a
# refs/... name such as refs/heads/3f1c9a0.
is_commit(revision) if {
	is_string(revision)
	count(revision) >= 7
	regex.match(`^(refs/.+/)?[0-9a-fA-F]{7,40}$`, revision)
}

# is_numeric_commit holds for a revision that YAML read as a number from an
# unquoted commit SHA made only of digits (targetRevision: 1234567): 7 to 40
# digits. It is pinned like the SHA it was meant to be.
is_numeric_commit(revision) if {
	is_number(revision)
	regex.match(`^[0-9]{7,40}$`, json.marshal(revision))
}

# is_chart holds for a source that names a Helm chart, as Argo CD decides it:
# chart is a non-empty string, so chart: "" is a git source.
is_chart(source) if {
	is_string(source.chart)
	source.chart != ""
}

# helm_values holds the Helm values of every source as data, each with the
# source's field path, the field they are written in (valuesObject, or values
# for the YAML text, parsed, or an object as is) and their JSON text, in which a
# rule can look for a key before it walks the values.
helm_values contains {"path": src.path, "field": "valuesObject", "values": values, "json": json.marshal(values)} if {
	some src in sources
	values := src.source.helm.valuesObject
}

helm_values contains {"path": src.path, "field": "values", "values": values, "json": json.marshal(values)} if {
	some src in sources
	values := _values_yaml(src.source.helm.values)
}

# _values_yaml reads helm.values: a YAML document (the first one, as Helm reads
# it) when it is valid YAML, or (in a rendered manifest) an object as is.
_values_yaml(values) := yaml.unmarshal(values) if {
	is_string(values)
	yaml.is_valid(values)
} else := values if {
	is_object(values)
}

# labels are the Application's labels.
labels := object.get(input.object, ["metadata", "labels"], {})

# tenant_name names the tenant the Application belongs to: its tenantguard.io/tenant
# label, else the Tenant found for it (input.tenant). Undefined when neither is known.
tenant_name := name if {
	# a non-empty string label; an empty label counts as absent
	name := input.object.metadata.labels["tenantguard.io/tenant"]
	is_string(name)
	name != ""
} else := name if {
	name := input.tenant.metadata.name
	is_string(name)
}

# tenant_environment is the environment of the Application's Tenant, when the
# Tenant is known (input.tenant) and its spec.environment is a non-empty string.
tenant_environment := name if {
	name := input.tenant.spec.environment
	is_string(name)
	name != ""
}

# environment_label is the Application's tenantguard.io/environment label when
# it is a non-empty string; an empty label counts as absent.
environment_label := name if {
	name := input.object.metadata.labels["tenantguard.io/environment"]
	is_string(name)
	name != ""
}

# environment is the Application's environment: its Tenant's whenever the
# Tenant is known, and its tenantguard.io/environment label only where no
# Tenant is (a label that contradicts the Tenant is refused by
# app-environment-path). Undefined when neither is known.
environment := name if {
	name := tenant_environment
} else := environment_label

# environment_directory is the repository directory of the Application's environment.
environment_directory := config.environments[environment]

# destination_namespace is where the Application deploys to.
destination_namespace := object.get(input.object, ["spec", "destination", "namespace"], "")
