package tenantguard.lib.reads_test

import data.tenantguard.lib.reads

_repo := "https://git.example.com/platform/tenants.git"

_app(spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "shop", "namespace": "argocd"},
	"spec": object.union({"project": "tenant-shop", "destination": {"namespace": "tenant-shop"}}, spec),
}

_git(path) := {"repoURL": _repo, "path": path, "targetRevision": "HEAD"}

# _reads maps each field read to its readings.
_reads(spec) := found if {
	found := {r.field: r.paths | some r in reads.all} with input as {"operation": "CREATE", "object": _app(spec)}
}

_files(files) := _reads({"source": object.union(_git("staging/shop"), {"helm": {"valueFiles": files}})})

test_source_paths_are_read_normalized if {
	_reads({"sources": [_git("staging/shop"), _git("staging/a/../../production")]}) == {
		"spec.sources[0].path": ["staging/shop"],
		"spec.sources[1].path": ["production"],
	}
}

test_git_source_without_path_reads_the_root if {
	_reads({"source": {"repoURL": _repo}}) == {"spec.source.path": [""]}
}

test_ref_and_chart_sources_without_path_read_nothing if {
	_reads({"sources": [
		{"repoURL": _repo, "ref": "values"},
		{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.2.3"},
	]}) == {}
}

test_other_kinds_read_nothing if {
	obj := object.union(_app({"source": _git("production")}), {"kind": "AppProject"})
	count(reads.all) == 0 with input as {"operation": "CREATE", "object": obj}
}

test_relative_and_absolute_value_files if {
	_files(["values.yaml", "../../production/v.yaml", "/production/v.yaml", "/staging/v.yaml"]) == {
		"spec.source.path": ["staging/shop"],
		"spec.source.helm.valueFiles[0]": ["staging/shop/values.yaml"],
		"spec.source.helm.valueFiles[1]": ["production/v.yaml"],
		"spec.source.helm.valueFiles[2]": ["production/v.yaml"],
		"spec.source.helm.valueFiles[3]": ["staging/v.yaml"],
	}
}

test_non_string_value_files_are_not_reads if {
	_files([3, null, {"a": "b"}]) == {"spec.source.path": ["staging/shop"]}
}

test_file_parameters_are_read_like_value_files if {
	source := object.union(_git("staging/shop"), {"helm": {"fileParameters": [
		{"name": "config", "path": "config.json"},
		{"name": "secret", "path": "../../production/secret.json"},
		{"name": "broken"},
	]}})
	_reads({"source": source}) == {
		"spec.source.path": ["staging/shop"],
		"spec.source.helm.fileParameters[0].path": ["staging/shop/config.json"],
		"spec.source.helm.fileParameters[1].path": ["production/secret.json"],
	}
}

test_ref_value_files_read_from_the_ref_source_root if {
	spec := {"sources": [
		{"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.2.3", "helm": {"valueFiles": [
			"$values/staging/shop/values.yaml", "$values/../production/x.yaml", "values.yaml",
		]}},
		{"repoURL": "https://git.example.com/other.git", "targetRevision": "HEAD", "ref": "values"},
	]}
	_reads(spec) == {
		"spec.sources[0].helm.valueFiles[0]": ["staging/shop/values.yaml"],
		"spec.sources[0].helm.valueFiles[1]": ["../production/x.yaml"],
	}
}

test_a_file_naming_no_ref_source_is_substituted_like_argo_cd if {
	# $values is an unknown variable, empty: /production/x.yaml from the root
	_files(["$values/production/x.yaml", "$nope"]) == {
		"spec.source.path": ["staging/shop"],
		"spec.source.helm.valueFiles[0]": ["production/x.yaml"],
		"spec.source.helm.valueFiles[1]": ["staging/shop"],
	}
}

test_a_ref_source_that_is_a_chart_is_not_a_repository_read if {
	spec := {"sources": [
		object.union(_git("staging/shop"), {"helm": {"valueFiles": ["$oci/production/x.yaml"]}}),
		{"repoURL": "oci://registry.example.com/values", "chart": "values", "targetRevision": "1.0.0", "ref": "oci"},
	]}
	_reads(spec) == {"spec.sources[0].path": ["staging/shop"]}
}

test_the_first_of_two_ref_sources_with_one_name_counts if {
	spec := {"sources": [
		object.union(_git("staging/shop"), {"helm": {"valueFiles": ["$values/staging/x.yaml"]}}),
		{"repoURL": _repo, "ref": "values"},
		{"repoURL": "https://git.example.com/other.git", "ref": "values"},
	]}
	_reads(spec)["spec.sources[0].helm.valueFiles[0]"] == ["staging/x.yaml"]
}

test_build_variables_are_substituted if {
	_files([
		"$ARGOCD_APP_NAME/values.yaml",
		"${ARGOCD_APP_NAMESPACE}.yaml",
		"/$ARGOCD_APP_SOURCE_PATH/../../production/x.yaml",
		"values-${ARGOCD_APP_REVISION_SHORT}.yaml",
		"$UNKNOWN/../x.yaml",
		"a$$b.yaml",
		"${}x${.yaml",
		"$/x.yaml",
		"$1x.yaml",
	]) == {
		"spec.source.path": ["staging/shop"],
		"spec.source.helm.valueFiles[0]": ["staging/shop/shop/values.yaml"],
		"spec.source.helm.valueFiles[1]": ["staging/shop/tenant-shop.yaml"],
		"spec.source.helm.valueFiles[2]": ["production/x.yaml"],
		"spec.source.helm.valueFiles[3]": ["staging/shop/values-${ARGOCD_APP_REVISION_SHORT}.yaml"],
		"spec.source.helm.valueFiles[4]": ["../x.yaml"],
		"spec.source.helm.valueFiles[5]": ["staging/shop/a$b.yaml"],
		"spec.source.helm.valueFiles[6]": ["staging/shop/x.yaml"],
		"spec.source.helm.valueFiles[7]": ["staging/shop/$/x.yaml"],
		"spec.source.helm.valueFiles[8]": ["staging/shop/x.yaml"],
	}
}

test_a_variable_that_may_hold_slashes_makes_a_file_unknowable if {
	_files(["$KUBE_API_VERSIONS/x.yaml", "${KUBE_API_VERSIONS}"])["spec.source.helm.valueFiles[0]"] == []
	_files(["KUBE_API_VERSIONS.yaml"])["spec.source.helm.valueFiles[0]"] == ["staging/shop/KUBE_API_VERSIONS.yaml"]
}

test_a_repository_url_variable_makes_a_url_into_the_repository if {
	_files(["$ARGOCD_APP_SOURCE_REPO_URL/production/x.yaml"])["spec.source.helm.valueFiles[0]"] == ["production/x.yaml"]
}

test_chart_source_files_are_inside_the_chart if {
	source := {"repoURL": "https://charts.example.com", "chart": "shop", "targetRevision": "1.2.3", "helm": {"valueFiles": ["values.yaml", "/x.yaml", "../../production/y.yaml"]}}
	_reads({"source": source}) == {}
}

# URLs into the platform repository

_url(url) := _files([url])["spec.source.helm.valueFiles[0]"]

test_urls_into_other_repositories_are_not_reads if {
	not _url("https://example.com/production/values.yaml")
	not _url("https://git.example.com/platform/other/production/values.yaml")
	not _url("https://git.example.com/platform/tenants-old/production/values.yaml")
	not _url("s3://bucket/production/values.yaml")
}

test_urls_into_the_repository_read_the_path_after_it if {
	_url("https://git.example.com/platform/tenants.git/production/values.yaml") == ["production/values.yaml"]
	_url("https://git.example.com/platform/tenants/staging/values.yaml") == ["staging/values.yaml"]
	_url("HTTPS://Git.Example.COM/Platform/Tenants.git/production/values.yaml?x=1#y") == ["production/values.yaml"]
	_url("https://user@git.example.com:8443/platform/tenants.git/staging/../production/v.yaml") == ["production/v.yaml"]
	_url("https://git.example.com/platform/tenants.git/%70roduction/v.yaml") == ["production/v.yaml"]
	_url("https://git.example.com/platform/tenants.git/a%zz/v.yaml") == ["a%zz/v.yaml"]
}

test_ssh_repository_urls_match_https_file_urls if {
	source := object.union(_git("staging/shop"), {"repoURL": "git@git.example.com:platform/tenants.git", "helm": {"valueFiles": [
		"https://git.example.com/platform/tenants/-/raw/main/production/values.yaml",
	]}})
	_reads({"source": source})["spec.source.helm.valueFiles[0]"] == ["production/values.yaml", "values.yaml"]
}

test_raw_file_urls_of_forges_read_the_path_after_the_ref if {
	_url("https://git.example.com/platform/tenants/-/raw/main/staging/v.yaml") == ["staging/v.yaml", "v.yaml"]
	_url("https://git.example.com/platform/tenants/raw/branch/main/staging/v.yaml") == ["staging/v.yaml", "v.yaml"]
	_url("https://git.example.com/platform/tenants/raw/main/staging/v.yaml") == ["staging/v.yaml", "v.yaml"]
	_url("https://git.example.com/platform/tenants/raw/refs/heads/main/staging/v.yaml") == ["staging/v.yaml", "v.yaml"]
	_url("https://git.example.com/platform/tenants/raw/x/staging/production/v.yaml") == ["staging/production/v.yaml", "production/v.yaml", "v.yaml"]
}

test_raw_githubusercontent_reads_a_github_repository if {
	source := object.union(_git("staging/shop"), {"repoURL": "https://github.com/Platform/Tenants", "helm": {"valueFiles": [
		"https://raw.githubusercontent.com/platform/tenants/main/production/values.yaml",
		"https://raw.githubusercontent.com/platform/tenants/refs/heads/main/staging/values.yaml",
		"https://raw.githubusercontent.com/platform/other/main/production/values.yaml",
	]}})
	found := _reads({"source": source})
	found["spec.source.helm.valueFiles[0]"] == ["production/values.yaml", "values.yaml"]
	found["spec.source.helm.valueFiles[1]"] == ["staging/values.yaml", "values.yaml"]
	not found["spec.source.helm.valueFiles[2]"]
}

test_a_raw_url_without_a_file_or_too_deep_has_no_reading if {
	_url("https://git.example.com/platform/tenants/-/raw/main") == []
	deep := concat("/", [x | some _ in numbers.range(1, 70); x := "a"])
	_url(concat("/", ["https://git.example.com/platform/tenants.git/staging", deep, "v.yaml"])) == []
}

test_the_longest_matching_repository_counts if {
	spec := {"sources": [
		object.union(_git("staging/shop"), {"helm": {"valueFiles": ["https://git.example.com/platform/tenants/sub/staging/v.yaml"]}}),
		{"repoURL": "https://git.example.com/platform/tenants/sub.git", "ref": "sub"},
	]}
	_reads(spec)["spec.sources[0].helm.valueFiles[0]"] == ["staging/v.yaml"]
}

# kustomize components

test_kustomize_components_are_read_from_the_source_path if {
	source := object.union(_git("staging/shop"), {"kustomize": {"components": [
		"../components/a", "../../production/b", "/c", 7,
		"https://git.example.com/platform/tenants//production/d?ref=main",
		"git.example.com/platform/tenants/staging/e",
		"git@git.example.com:platform/tenants.git//production/f",
		"https://github.com/other/repo//g",
	]}})
	_reads({"source": source}) == {
		"spec.source.path": ["staging/shop"],
		"spec.source.kustomize.components[0]": ["staging/components/a"],
		"spec.source.kustomize.components[1]": ["production/b"],
		"spec.source.kustomize.components[2]": ["staging/shop/c"],
		"spec.source.kustomize.components[4]": ["production/d"],
		"spec.source.kustomize.components[5]": ["staging/e"],
		"spec.source.kustomize.components[6]": ["production/f"],
	}
}

# the hydrator

test_hydrator_paths_are_read if {
	spec := {"sourceHydrator": {
		"drySource": _git("staging/shop"),
		"syncSource": {"targetBranch": "env/staging", "path": "production/shop"},
		"hydrateTo": {"targetBranch": "env/staging-next", "path": "staging/../x"},
	}}
	_reads(spec) == {
		"spec.sourceHydrator.drySource.path": ["staging/shop"],
		"spec.sourceHydrator.syncSource.path": ["production/shop"],
		"spec.sourceHydrator.hydrateTo.path": ["x"],
	}
}

test_hydrator_sync_source_without_path_reads_the_root if {
	spec := {"sourceHydrator": {"drySource": _git("staging/shop"), "syncSource": {"targetBranch": "env/staging"}, "hydrateTo": {"targetBranch": "next"}}}
	_reads(spec) == {"spec.sourceHydrator.drySource.path": ["staging/shop"], "spec.sourceHydrator.syncSource.path": [""]}
}
