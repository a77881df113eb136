package tenantguard.rules.change.change_image_promoted_test

import data.tenantguard.rules.change.change_image_promoted as rule

_text(content) := {"mode": "file", "size": count(content), "binary": false, "content": content}

_promotion(old, new, staging_base) := {
	"path": "production/shop/values-images.yaml", "status": "modified", "environment": "production",
	"old": old, "new": new,
	"staging": {"path": "staging/shop/values-images.yaml", "head": new, "base": staging_base, "equal": true},
}

_findings(f) := found if {
	found := rule.violation with input as {"kind": "ChangeSet", "mergeBase": "0123456789abcdef0123456789abcdef01234567", "files": [f]}
}

test_a_tag_staging_had_at_the_base_passes if {
	count(_findings(_promotion(_text("imageTag: a1\n"), _text("imageTag: b2\n"), _text("imageTag: b2\n")))) == 0
}

test_a_tag_staging_did_not_have_is_refused_at_its_line if {
	f := _promotion(_text("imageTag: a1\n"), _text("# release\nimageTag: c3\n"), _text("imageTag: b2\n"))
	some v in _findings(f)
	v.rule == "change-image-promoted"
	v.line == 2
	v.value == "c3"
	v.msg == concat("", [
		`production/shop/values-images.yaml sets imageTag to "c3", which staging/shop/values-images.yaml did not have at the base commit `,
		`0123456789ab (it had "b2"); an image tag reaches production only after staging ran it: merge the staging update first, then promote`,
	])
}

test_a_nested_tag_key_is_read if {
	f := _promotion(_text("conduit:\n  image:\n    tag: a1\n"), _text("conduit:\n  image:\n    tag: c3\n"), _text("conduit:\n  image:\n    tag: a1\n"))
	some v in _findings(f)
	v.line == 3
	contains(v.msg, "sets conduit.image.tag to \"c3\"")
}

test_a_tag_unchanged_in_production_passes if {
	count(_findings(_promotion(_text("imageTag: a1\nreplicas: 2\n"), _text("imageTag: a1\nreplicas: 3\n"), _text("imageTag: b2\n")))) == 0
}

test_a_new_staging_file_is_named if {
	some v in _findings(_promotion(null, _text("imageTag: c3\n"), null))
	contains(v.msg, "(it did not exist)")
}

test_a_staging_file_without_the_key_is_named if {
	some v in _findings(_promotion(null, _text("imageTag: c3\n"), _text("replicas: 1\n")))
	contains(v.msg, "(it set no such key)")
}

test_a_numeric_tag_is_found_on_its_line if {
	some v in _findings(_promotion(null, _text("imageTag: 1.5\n"), null))
	v.line == 1
}

test_text_that_is_not_yaml_or_binary_sets_no_tag if {
	count(_findings(_promotion(null, _text("imageTag: [\n"), null))) == 0
	count(_findings(_promotion(null, {"mode": "file", "size": 3, "binary": true}, null))) == 0
}
