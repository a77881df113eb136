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
#   webhook does. The PolicyExceptions among the documents, and those of --data
#   files under tenantguard.exceptions (a list), waive the findings they name
#   until they expire, judged at data.tenantguard.now (RFC 3339) when a --data
#   file sets it, else at the time conftest runs. Each finding's msg starts
#   with its rule id in brackets, as the webhook prints it; a waived finding is
#   no violation but a warning, whatever its enforcement, its msg ending
#   "(waived by PolicyException NAME until EXPIRES)", as the webhook warns.
package main

import data.tenantguard.lib.appset
import data.tenantguard.lib.config.config
import data.tenantguard.lib.exceptions
import data.tenantguard.lib.tenant
import data.tenantguard.main as tenantguard

violation contains _message(v) if {
	some v in _findings
	v.enforcement == "deny"
	not v.waivedBy
}

warn contains _message(v) if {
	some v in _findings
	v.enforcement == "warn"
	not v.waivedBy
}

warn contains _message(v) if {
	some v in _findings
	v.waivedBy
}

# _findings are the findings on every document, judged with _tenants,
# _exceptions and _now in place of data.tenantguard.tenants, .exceptions and
# .now: replaced once for all documents, so that what is derived from them
# is built once, not once per document.
_findings := findings if {
	findings := _judged with data.tenantguard.tenants as _tenants
		with data.tenantguard.exceptions as _exceptions
		with data.tenantguard.now as _now
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

_message(v) := object.union(v, {"msg": sprintf("[%s] %s%s", [v.rule, v.msg, _waived_suffix(v)])})

# _waived_suffix ends a waived finding's msg as Finding.String() ends it in
# the webhook's warnings and eval's reports.
_waived_suffix(v) := sprintf(" (waived by PolicyException %s until %s)", [v.waivedBy.name, v.waivedBy.expires]) if {
	v.waivedBy
} else := ""

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

# _exceptions are the PolicyExceptions among the documents, then those of
# --data files under tenantguard.exceptions; of two with the same name, the
# first counts, as in eval, and one without a name is none, as no cluster
# could store it.
_exceptions := [_first_exception(name) | some name in _exception_names]

_exception_documents := array.concat(
	[doc | some doc in _documents; exceptions.is_exception(doc)],
	[doc | some doc in _data_exceptions; exceptions.is_exception(doc)],
)

_exception_names := {name |
	some doc in _exception_documents
	name := doc.metadata.name
	is_string(name)
	name != ""
}

_first_exception(name) := [doc | some doc in _exception_documents; doc.metadata.name == name][0]

_data_exceptions := data.tenantguard.exceptions if {
	is_array(data.tenantguard.exceptions)
} else := []

# _now is the time the exceptions are judged at: data.tenantguard.now when a
# --data file sets it, to judge as of another time (such as after an
# exception's expiry), else the time conftest runs. The engine forbids
# time.now_ns(); this package is conftest's alone.
_now := data.tenantguard.now if {
	is_string(data.tenantguard.now)
} else := time.format(time.now_ns())
