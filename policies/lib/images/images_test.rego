package tenantguard.lib.images_test

import data.tenantguard.lib.images

test_tag_keys_match_at_any_depth if {
	images.is_tag_key("imageTag")
	images.is_tag_key("conduit.image.tag")
	not images.is_tag_key("image.tagged")
	not images.is_tag_key("myimageTag")
}

test_tag_values_walk_objects_and_arrays if {
	values := {"imageTag": "a1", "workers": [{"image": {"tag": "b2"}}], "replicas": 2}
	images.tag_values(values) == {{"key": "imageTag", "value": "a1"}, {"key": "workers[0].image.tag", "value": "b2"}}
}

test_tag_keys_come_from_the_config if {
	values := {"version": "c3", "imageTag": "a1"}
	found := images.tag_values(values) with data.tenantguard.config.imageTagKeys as ["version"]
	found == {{"key": "version", "value": "c3"}}
}

test_tag_values_find_keys_ending_in_an_index_or_written_with_dots if {
	values := {"tags": ["t0", "t1"], "a.image.tag": "d1", "mytag": "no"}
	found := images.tag_values(values) with data.tenantguard.config.imageTagKeys as ["tags[1]", "image.tag"]
	found == {{"key": "tags[1]", "value": "t1"}, {"key": "a.image.tag", "value": "d1"}}
}

test_tag_values_find_a_tag_under_deeply_nested_lists if {
	opening := concat("", ["[" | some _ in numbers.range(1, 500)])
	closing := concat("", ["]" | some _ in numbers.range(1, 500)])
	values := json.unmarshal(concat("", [opening, `{"image":{"tag":"v1"}}`, closing]))
	found := images.tag_values(values)
	count(found) == 1
	some f in found
	f.value == "v1"
}
