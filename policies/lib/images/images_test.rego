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
