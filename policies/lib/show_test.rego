package tenantguard.lib_test

import data.tenantguard.lib

test_show_writes_strings_as_they_are if {
	lib.show("shop") == "shop"
	lib.show("") == ""
	lib.show(`say "hi"`) == `say "hi"`
}

test_show_writes_other_values_as_json if {
	lib.show(123) == "123"
	lib.show(1.5) == "1.5"
	lib.show(true) == "true"
	lib.show(false) == "false"
	lib.show(null) == "null"
	lib.show({"a": 1}) == `{"a":1}`
	lib.show(["x", 1]) == `["x",1]`
}

test_quote_writes_strings_as_percent_q_does if {
	lib.quote("shop") == `"shop"`
	lib.quote("") == `""`
	lib.quote(`say "hi"`) == sprintf("%q", [`say "hi"`])
	lib.quote("<a&b>\t") == sprintf("%q", ["<a&b>\t"])
}

test_quote_writes_other_values_as_json_unquoted if {
	# %q would print 123 as '{' and 5 as '\x05'
	lib.quote(123) == "123"
	lib.quote(5) == "5"
	lib.quote(true) == "true"
	lib.quote(null) == "null"
	lib.quote({"a": 1}) == `{"a":1}`
	lib.quote([1, "x"]) == `[1,"x"]`
}

_long := concat("", [x | some _ in numbers.range(1, 300); x := "a"])

_first := substring(_long, 0, 256)

test_show_shortens_a_long_string if {
	count(_long) == 300
	lib.show(_long) == concat("", [_first, "…"])
	count(lib.show(_long)) == 257
}

test_quote_shortens_a_long_string_inside_the_quotes if {
	lib.quote(_long) == concat("", [`"`, _first, `…"`])
}

test_a_long_value_of_another_type_is_shortened if {
	shown := lib.show({"key": _long})
	shown == concat("", [substring(json.marshal({"key": _long}), 0, 256), "…"])
	lib.quote({"key": _long}) == shown
}

test_a_value_of_max_shown_characters_is_not_shortened if {
	lib.show(_first) == _first
	lib.show(concat("", [_first, "a"])) == concat("", [_first, "…"])
}

test_shortening_counts_characters_not_bytes if {
	long := concat("", [x | some _ in numbers.range(1, 300); x := "é"])
	lib.show(long) == concat("", [substring(long, 0, 256), "…"])
	count(lib.show(long)) == 257
}
