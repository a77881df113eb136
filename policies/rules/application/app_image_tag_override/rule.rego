# METADATA
# title: Production Applications do not override image tags
# description: |
#   In production, the image tags come only from values-images.yaml, which
#   reaches production/ by a pull request that promotes it from staging/. An
#   override in the Application itself bypasses that promotion, so a
#   production Application (tenantguard.io/environment label, else its Tenant)
#   may not set an image tag key (cluster config imageTagKeys, by default
#   imageTag and image.tag; a value path matches a key it equals or ends with
#   "." + key, such as conduit.image.tag) in a Helm parameter or file
#   parameter, in helm.valuesObject, in the helm.values YAML, nor set a tag or
#   digest in a kustomize image. Staging Applications may override.
# custom:
#   id: app-image-tag-override
#   enforcement: deny
#   reads:
#     - metadata.labels["tenantguard.io/environment"]
#     - spec.source.helm.parameters[*].name
#     - spec.source.helm.fileParameters[*].name
#     - spec.source.helm.valuesObject
#     - spec.source.helm.values
#     - spec.source.kustomize.images
#     - spec.sources[*].helm
#     - spec.sources[*].kustomize.images
package tenantguard.rules.application.app_image_tag_override

import data.tenantguard.lib
import data.tenantguard.lib.application as app
import data.tenantguard.lib.common
import data.tenantguard.lib.images

# The rule asks its findings only of a production Application that is not
# the common one (common.application) and may override an image tag
# (_may_override): none of the findings below can hold on another, and the
# rule stops here.
violation contains v if {
	common.application == false
	app.environment == "production"
	_may_override
	some v in _violations
}

# gate holds for an Application of one source without kustomize, Helm
# parameters, file parameters or a values string, whose valuesObject may set
# no image tag. Written for lib.common's application, which is generated from
# every rule's gate (lib/common/gates.rego).
gate if {
	object.filter(input.object.spec, ["sources", "sourceHydrator"]) == {} # spec.source is the one source
	source := input.object.spec.source
	object.filter(source, ["chart", "kustomize"]) == {}
	helm := object.get(source, "helm", {})
	object.filter(helm, ["parameters", "fileParameters", "values"]) == {}
	values := json.marshal(object.get(helm, "valuesObject", {})) # as app.helm_values writes it
	not images.may_set_tag(values)
}

# _may_override holds when a source sets Helm parameters, file parameters or
# kustomize images, or Helm values whose JSON text may hold an image tag key
# (images.may_set_tag). (Written without every, whose body is not partially
# evaluated against the cluster config when the policies are loaded.)
_may_override if {
	some src in app.sources
	src.source.helm.parameters
}

_may_override if {
	some src in app.sources
	src.source.helm.fileParameters
}

_may_override if {
	some src in app.sources
	src.source.kustomize.images
}

_may_override if {
	some values in app.helm_values
	images.may_set_tag(values.json)
}

# A Helm parameter or file parameter named like an image tag key.
_violations contains v if {
	app.environment == "production"
	some src in app.sources
	some kind in ["parameters", "fileParameters"]
	params := src.source.helm[kind]
	is_array(params)
	some i, p in params
	is_string(p.name)
	images.is_tag_key(p.name)
	field := sprintf("%s.helm.%s[%d].name", [src.path, kind, i])
	detail := sprintf("%s %s = %s", [_parameter_kind[kind], lib.quote(p.name), _parameter_value(p)])
	v := lib.violation(rego.metadata.chain(), field, p.name, _message(field, detail))
}

# A valuesObject entry at an image tag key.
_violations contains v if {
	app.environment == "production"
	some values in app.helm_values
	values.field == "valuesObject"
	is_object(values.values)
	images.may_set_tag(values.json)
	some found in images.tag_values(values.values)
	field := sprintf("%s.helm.valuesObject.%s", [values.path, found.key])
	detail := sprintf("%s = %s", [found.key, lib.quote(found.value)])
	v := lib.violation(rego.metadata.chain(), field, found.value, _message(field, detail))
}

# An entry of the helm.values YAML at an image tag key.
_violations contains v if {
	app.environment == "production"
	some values in app.helm_values
	values.field == "values"
	images.may_set_tag(values.json)
	some found in images.tag_values(values.values)
	field := sprintf("%s.helm.values", [values.path])
	detail := sprintf("%s = %s", [found.key, lib.quote(found.value)])
	v := lib.violation(rego.metadata.chain(), field, found.value, _message(field, detail))
}

# A kustomize image that sets a tag or a digest.
_violations contains v if {
	app.environment == "production"
	some src in app.sources
	images := src.source.kustomize.images
	is_array(images)
	some i, image in images
	is_string(image)
	_sets_tag(image)
	field := sprintf("%s.kustomize.images[%d]", [src.path, i])
	v := lib.violation(rego.metadata.chain(), field, image, _message(field, sprintf("image %s", [lib.quote(image)])))
}

_message(field, detail) := sprintf(
	concat("", [
		"%s: %s overrides the image tag of a production Application with %s; ",
		"production image tags come only from values-images.yaml: ",
		"remove the override, set the tag in staging/ and promote values-images.yaml to production/ through a pull request",
	]),
	[app.display_name, field, detail],
)

_parameter_kind := {"parameters": "parameter", "fileParameters": "file parameter"}

# _sets_tag holds for a kustomize image ([old=]name[:tag][@digest]) whose name,
# on either side of "=", has a digest or a tag; the tag is the part after ":"
# in the last path segment, so registry:5000/app has none.
_sets_tag(image) if {
	some part in split(image, "=")
	contains(part, "@")
}

_sets_tag(image) if {
	some part in split(image, "=")
	segments := split(part, "/")
	contains(segments[count(segments) - 1], ":")
}

_parameter_value(p) := lib.quote(p.value) if {
	"value" in object.keys(p)
} else := lib.quote(p.path) if {
	"path" in object.keys(p)
} else := "(no value)"
