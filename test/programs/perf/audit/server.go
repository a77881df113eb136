package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/tenantguard/tenantguard/test/support/serverproc"
)

// repoURL is the repository of every Application.
const repoURL = "https://git.example.com/platform/tenants.git"

// admitConfig allows the Applications' repository: they are admitted clean.
// auditConfig allows another one only: each Application breaks app-repo-allowed.
const (
	admitConfig = "allowedRepos: [" + repoURL + "]\n"
	auditConfig = "allowedRepos: [https://git.example.com/platform/elsewhere.git]\n"
)

// auditingServer is the server that audits, whose log tells when an audit ended.
type auditingServer struct{ *serverproc.Server }

// auditLine is the server's log line of a completed audit.
type auditLine struct {
	applications, tenants, findings int
	duration, judging               time.Duration
}

// waitForAudit reads the server's log until an audit of at least apps
// Applications is logged.
func (p *auditingServer) waitForAudit(apps int, limit time.Duration) (auditLine, error) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if line, ok := p.auditLogged(apps); ok {
			return line, nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return auditLine{}, fmt.Errorf("no audit of %d Applications logged within %s\nserver log:\n%s", apps, limit, p.LogTail(20))
}

func (p *auditingServer) auditLogged(apps int) (auditLine, bool) {
	f, err := os.Open(p.LogPath)
	if err != nil {
		return auditLine{}, false
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var entry struct {
			Msg                             string
			Applications, Tenants, Findings int
			Duration, Judging               string
		}
		if json.Unmarshal(scanner.Bytes(), &entry) != nil || entry.Msg != "audited" || entry.Applications < apps {
			continue
		}
		d, err := time.ParseDuration(entry.Duration)
		j, jerr := time.ParseDuration(entry.Judging)
		if err != nil || jerr != nil {
			continue
		}
		return auditLine{entry.Applications, entry.Tenants, entry.Findings, d, j}, true
	}
	return auditLine{}, false
}
