# METADATA
# title: conftest entry point
# description: |
#   Runs tenantguard's rules on rendered manifests with conftest. conftest hands
#   package main each document as input, or, with --combine, a list of
#   {path, contents} for all files at once; then the Tenants among them give
#   context to the Applications, as they do for tenantguard eval. More Tenants
#   may come from --data files under tenantguard.tenants, keyed by name. Each
#   document becomes a review through tenantguard.main.manifest_review, which
#   finds an Application's Tenant (input.tenant, input.tenantLookup) and the
#   Tenants claiming a Tenant's namespace (input.namespaceClaims) the way the
#   webhook does. Each finding's msg starts with its rule id in brackets, as the
#   webhook prints it.
package main

import data.tenantguard.lib.appset
import data.tenantguard.lib.config.config
import data.tenantguard.lib.tenant
import data.tenantguard.main as tenantguard

violation contains _message(v) if {
	some v in _findings
	v.enforcement == "deny"
}

warn contains _message(v) if {
	some v in _findings
	v.enforcement == "warn"
}

# _findings are the findings on every document, judged with _tenants in place
# of data.tenantguard.tenants: replaced once for all documents, so that what
# is derived from the Tenants is built once, not once per document.
_findings := findings if {
	findings := _judged with data.tenantguard.tenants as _tenants
}

_judged contains v if {
	some doc in _documents
	not _excluded(doc)
	review := tenantguard.manifest_review(doc)
	some v in tenantguard.violations with input as review
}

# An ApplicationSet is judged, besides its own rules, by every Application
# it generates (lib.appset.generated), each as a manifest of its own, and
# each finding re-labelled with the generator element and the template
# field, as the webhook does. A bare template's findings about its {{...}}
# fields are the ApplicationSet rules' to judge.
_judged contains _relabelled(v, doc, g.at) if {
	some doc in _documents
	not _excluded(doc)
	appset.is_applicationset_object(doc)
	some g in appset.generated(doc)
	review := tenantguard.manifest_review(g.object)
	some v in tenantguard.application_violations with input as review
	not _template_field(g, v)
}

_template_field(g, v) if {
	g.template
	appset.dropped(v, g.object)
}

_relabelled(v, doc, at) := object.union(v, {"field": field, "msg": msg}) if {
	field := concat("", ["spec.template.", v.field])
	name := sprintf("%s/%s", [_string(doc, "namespace"), _string(doc, "name")])
	msg := sprintf("ApplicationSet %s: %s → %s: %s", [name, at, field, v.msg])
}

# _string is a metadata field when it is a string, else "", as the webhook reads it.
_string(doc, key) := value if {
	value := doc.metadata[key]
	is_string(value)
} else := ""

# _excluded holds for a document in one of the config's excluded namespaces,
# which the webhook never judges (as the Go pipeline decides for eval).
_excluded(doc) if doc.metadata.namespace in config.excludedNamespaces

_message(v) := object.union(v, {"msg": sprintf("[%s] %s", [v.rule, v.msg])})

# _documents are the documents under review: the input, or every document of
# every file when conftest runs with --combine.
_documents := [input] if {
	not is_array(input)
} else := [doc |
	some file in input
	some doc in _file_documents(file.contents)
]

_file_documents(contents) := contents if is_array(contents)

_file_documents(contents) := [contents] if is_object(contents)

# _tenants are the Tenants of --data files and, with --combine, those among the
# documents, keyed by name; of two documents with the same Tenant name, the
# first counts, and a Tenant document without a name is no Tenant to find, as
# in the webhook. This is the one place the adapter decides it.
_tenants := object.union(_data_tenants, {name: _first_tenant(name) | some name in _tenant_names})

_tenant_documents := [doc | some doc in _documents; tenant.is_tenant(doc)]

_tenant_names := {name |
	some doc in _tenant_documents
	name := doc.metadata.name
	is_string(name)
	name != ""
}

_first_tenant(name) := [doc | some doc in _tenant_documents; doc.metadata.name == name][0]

_data_tenants := data.tenantguard.tenants if {
	is_object(data.tenantguard.tenants)
} else := {}
