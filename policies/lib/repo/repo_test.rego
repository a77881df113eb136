package tenantguard.lib.repo_test

import data.tenantguard.lib.repo

test_normalize_lowercases_scheme_and_host_and_drops_git_and_slashes if {
	repo.normalize(" HTTPS://Git.Example.com/Org/Repo.git/ ") == "https://git.example.com/Org/Repo"
	repo.normalize("git@Git.Example.com:org/repo.git") == "git@git.example.com:org/repo"
	repo.normalize("ssh://git@Host:2222/org/repo") == "ssh://git@host:2222/org/repo"
}

test_location_reads_host_and_path if {
	repo.location("https://user@Git.Example.com:8443/org/repo.git?ref=x#y") == {"host": "git.example.com", "path": "org/repo.git"}
	repo.location("git@git.example.com:org/repo.git") == {"host": "git.example.com", "path": "org/repo.git"}
	repo.location("ssh://git@git.example.com:22/org/repo") == {"host": "git.example.com", "path": "org/repo"}
	repo.location("git.example.com/org/repo//dir") == {"host": "git.example.com", "path": "org/repo//dir"}
	not repo.location("")
	not repo.location("/org/repo")
}

test_repository_is_the_lowercased_path_without_git if {
	repo.repository("https://git.example.com/Org/Repo.git/") == {"host": "git.example.com", "path": "org/repo"}
	repo.repository("git@git.example.com:org/repo.git") == {"host": "git.example.com", "path": "org/repo"}
}
