# METADATA
# title: Image tags in Helm values
# description: |
#   Where Helm values set an image tag: the value paths of the cluster
#   config's imageTagKeys (by default imageTag and image.tag), matched at any
#   depth (conduit.image.tag ends with ".image.tag"). Read by the rule that
#   keeps image tags out of production Applications and by the rule that lets
#   a tag reach production only after staging ran it.
package tenantguard.lib.images

import data.tenantguard.lib.config.config

# tag_keys are the value paths that hold an image tag.
tag_keys := [key | some key in config.imageTagKeys; is_string(key); key != ""]

# is_tag_key holds for a dotted value path equal to a tag key or ending with
# "." and the key.
is_tag_key(path) if {
	some key in tag_keys
	path == key
}

is_tag_key(path) if {
	some key in tag_keys
	endswith(path, concat("", [".", key]))
}

# tag_values holds each dotted value path under values that is an image tag
# key, with the value set there, walking nested objects and arrays (arrays as
# [i]). A set, since {"image.tag": 1, "image": {"tag": 2}} has the path twice.
# A path is written out only when its last step can end a tag key: writing
# every path costs its depth, which made the walk quadratic in the depth of
# the values (9,000 nested lists took seconds).
tag_values(values) := {{"key": key, "value": value} |
	walk(values, [path, value])
	_may_end_tag_key(path[count(path) - 1])
	key := dotted(path)
	is_tag_key(key)
}

# _may_end_tag_key holds for the last step of a value path whose dotted form
# may end with a tag key: the key's last dotted segment holds no ".", so the
# step, a name, ends with it; an array index ends a key only when a segment
# ends with "]".
_may_end_tag_key(step) if {
	is_string(step)
	some segment in _last_segments
	endswith(step, segment)
}

_may_end_tag_key(step) if {
	is_number(step)
	some segment in _last_segments
	endswith(segment, "]")
}

# _last_segments are the last dotted segments of the tag keys (tag for image.tag).
_last_segments := {parts[count(parts) - 1] |
	some key in tag_keys
	parts := split(key, ".")
}

# dotted writes a value path the way Helm's --set does: a.b[0].c.
dotted(path) := concat("", [_segment(i, p) | some i, p in path])

_segment(_, p) := sprintf("[%d]", [p]) if is_number(p)

_segment(i, p) := p if {
	is_string(p)
	i == 0
}

_segment(i, p) := concat("", [".", p]) if {
	is_string(p)
	i > 0
}

# may_set_tag holds when the JSON text of Helm values may hold an image tag
# key. A value path that matches a key ends with the key's last dotted segment
# (tag for image.tag), and so does the last object key of the path, which JSON
# writes escaped character by character: without any such segment in the text
# there is no match. A segment that ends with "]" could match an array index,
# which the text does not show: its needle is "", found in every text.
may_set_tag(json_text) if {
	some needle in tag_needles
	contains(json_text, needle)
}

# tag_needles are what the JSON text of Helm values holds when they may set
# an image tag (may_set_tag).
tag_needles := {_needle(parts[count(parts) - 1]) |
	some key in tag_keys
	parts := split(key, ".")
}

_needle(segment) := "" if {
	endswith(segment, "]")
} else := trim_suffix(trim_prefix(json.marshal(segment), `"`), `"`)
