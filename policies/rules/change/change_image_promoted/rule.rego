# METADATA
# title: An image tag reaches production only after staging ran it
# description: |
#   An image tag (cluster config imageTagKeys) that a change writes into a
#   production file must be the one the staging counterpart already had at
#   the same key at the base commit (the merge base): a release reaches
#   production only after it ran in staging. Updating staging and production
#   in one pull request, or writing a tag staging never had, is refused.
# custom:
#   id: change-image-promoted
#   enforcement: deny
#   reads:
#     - input.files[*].new.content
#     - input.files[*].old.content
#     - input.files[*].staging.base.content
#     - input.mergeBase
package tenantguard.rules.change.change_image_promoted

import data.tenantguard.lib
import data.tenantguard.lib.changes
import data.tenantguard.lib.images

violation contains v if {
	some f in changes.files
	is_object(f.staging)
	written := _tags(f.new)
	some found in written
	not found in _tags(f.old)
	not found in _tags(f.staging.base)
	msg := sprintf(
		concat("", [
			"%s sets %s to %s, which %s did not have at the base commit %s (%s); ",
			"an image tag reaches production only after staging ran it: merge the staging update first, then promote",
		]),
		[
			f.path, found.key, lib.quote(found.value), f.staging.path, changes.short(input.mergeBase),
			_staging_had(f.staging.base, found.key),
		],
	)
	v := changes.violation(rego.metadata.chain(), f.path, _line(changes.text(f.new), found), found.value, msg)
}

# _tags are the image tags a file version sets; none when it is absent, not
# text or not YAML.
_tags(version) := images.tag_values(yaml.unmarshal(text)) if {
	text := changes.text(version)
	yaml.is_valid(text)
} else := set()

# _staging_had says what staging had at the key at the base commit.
_staging_had(base, key) := "it did not exist" if {
	base == null
} else := sprintf("it had %s", [concat(", ", sort([lib.quote(t.value) | some t in _tags(base); t.key == key]))]) if {
	some t in _tags(base)
	t.key == key
} else := "it set no such key"

# _line is the first line that writes the key's last segment and the value.
_line(content, found) := min(numbers) if {
	is_string(content)
	parts := split(found.key, ".")
	needle := concat("", [parts[count(parts) - 1], ":"])
	value := lib.show(found.value)
	numbers := {n |
		some i, line in changes.lines(content)
		contains(line, needle)
		contains(line, value)
		n := i + 1
	}
	count(numbers) > 0
} else := 0
