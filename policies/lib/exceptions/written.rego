# Reading a PolicyException under review (package tenantguard.lib.exceptions,
# whose METADATA is in exceptions.rego): the rules under
# rules/policyexception judge an exception as it is written, with the helpers
# below; exceptions.rego decides what an exception in force waives.
package tenantguard.lib.exceptions

import data.tenantguard.lib

# is_exception holds for a tenantguard.io PolicyException.
is_exception(obj) if {
	obj.kind == "PolicyException"
	startswith(obj.apiVersion, "tenantguard.io/")
}

# display_name names an exception in a message: "PolicyException <name>".
display_name(obj) := sprintf("PolicyException %s", [lib.show(name)]) if {
	name := obj.metadata.name
} else := "PolicyException <unnamed>"

# spec is an exception's spec; {} when it is missing or not an object.
spec(obj) := obj.spec if is_object(obj.spec)

else := {}

# match is an exception's spec.match; {} when it is missing or not an object.
match(obj) := spec(obj).match if is_object(spec(obj).match)

else := {}
