# Values in messages (package tenantguard.lib, whose METADATA is in violation.rego).
#
# Writes a value read from the input into a message. The input is any JSON or
# YAML (the webhook is called directly, conftest reads arbitrary files), so a
# label, a name or a path may be a number, a boolean, an object, a list or
# null, which sprintf's %s and %q print as garbage (%q prints 123 as '{').
# Every rule writes such values through show or quote, which print strings as
# they always have and anything else as its JSON text, and shorten a very long
# value so that it cannot balloon a message.
package tenantguard.lib

# show writes a value for a message: a string as it is, anything else as its
# JSON text (5, true, {"a":1}, null), shortened to max_shown characters and "…".
show(value) := _shorten(value) if {
	is_string(value)
} else := _shorten(json.marshal(value))

# quote writes a value for a message the way %q writes a string: a string in
# double quotes, Go-escaped, anything else as its JSON text (unquoted), shortened
# like show; a shortened string keeps its "…" inside the quotes.
quote(value) := sprintf("%q", [_shorten(value)]) if {
	is_string(value)
} else := _shorten(json.marshal(value))

# max_shown is how many characters of a value a message shows at most.
max_shown := 256

_shorten(text) := text if {
	count(text) <= max_shown
} else := concat("", [substring(text, 0, max_shown), "…"])
