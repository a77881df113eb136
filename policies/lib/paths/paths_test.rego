package tenantguard.lib.paths_test

import data.tenantguard.lib.paths

test_clean_paths_are_only_trimmed if {
	paths.normalize("staging/shop") == "staging/shop"
	paths.normalize("/staging/shop/") == "staging/shop"
	paths.normalize("") == ""
	paths.normalize("..foo/.bar") == "..foo/.bar"
}

test_dot_and_empty_segments_are_dropped if {
	paths.normalize("./staging//shop/.") == "staging/shop"
	paths.normalize(".") == ""
	paths.normalize("/") == ""
	paths.normalize("//") == ""
}

test_parent_segments_are_resolved if {
	paths.normalize("staging/../production") == "production"
	paths.normalize("staging/a/../b") == "staging/b"
	paths.normalize("a/b/../../c") == "c"
	paths.normalize("a/../b/../c/./d/..") == "c"
	paths.normalize("staging/shop/../../../production") == "../production"
}

test_paths_climbing_above_the_root_keep_their_parent_segments if {
	paths.normalize("../x") == "../x"
	paths.normalize("../../a/..") == "../.."
	paths.normalize("a/../..") == ".."
	paths.normalize("../a/b/../c") == "../a/c"
	paths.normalize("a/b/../../../c") == "../c"
}

test_normalization_has_no_depth_limit if {
	names := [sprintf("d%d", [i]) | some i in numbers.range(1, 200)]
	parents := [".." | some _ in numbers.range(1, 200)]
	deep := concat("/", array.concat(array.concat(["staging"], names), array.concat(parents, ["..", "production", "shop"])))
	paths.normalize(deep) == "production/shop"
}

test_nested_parent_segments_at_depth_resolve if {
	# a/b/c/../../d/../../e reads e
	paths.normalize("a/b/c/../../d/../../e") == "e"
	paths.normalize("a/b/c/../../d/../../../e") == "../e"
}

test_normalize_agrees_with_a_stack_on_many_paths if {
	every p in _cases {
		paths.normalize(p[0]) == p[1]
	}
}

_cases := [
	["a/..", ""],
	["a/../", ""],
	["/a/b/..", "a"],
	["a/./../b", "b"],
	["../..", "../.."],
	["a/b/c/../../..", ""],
	["a/b/c/../../../..", ".."],
	["a/../b/../../c/d/..", "../c"],
	["x/y/../../../../z", "../../z"],
	["staging/./a/.././../staging/b", "staging/b"],
]

test_within if {
	paths.within("staging", "staging")
	paths.within("staging/shop", "staging")
	not paths.within("stagingfoo", "staging")
	not paths.within("production/x", "staging")
	paths.within("shop", "")
	not paths.within("..", "")
	not paths.within("../staging/x", "staging")
	paths.within("..x/y", "")
}

test_under_normalizes_first if {
	paths.under("staging/../staging/shop", "staging")
	not paths.under("staging/../production", "staging")
	not paths.under("staging/../../staging/x", "staging")
}
