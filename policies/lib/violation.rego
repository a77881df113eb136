# METADATA
# title: Violation builder
# description: |
#   Builds the violation object every rule returns, taking the rule id and its
#   default enforcement from the METADATA of the rule that calls it, so that the
#   id is written once per rule.
package tenantguard.lib

# violation builds a rule's finding from the annotation chain of the calling rule
# (rego.metadata.chain()), the field path, the offending value and the message.
violation(chain, field, value, msg) := {
	"rule": _custom(chain).id,
	"enforcement": object.get(_custom(chain), "enforcement", "deny"),
	"field": field,
	"value": value,
	"msg": msg,
}

_custom(chain) := custom if {
	some entry in chain
	custom := entry.annotations.custom
	custom.id
}
