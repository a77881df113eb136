// Package image checks tenantguard's container image: the one `make image`
// assembles (an OCI layout, see image_test.go) and the Dockerfile it must stay
// in step with. The install tests use ReadDockerfile to hold the chart and the
// kustomize bases to the same user, entrypoint and command.
package image

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Dockerfile is what the Dockerfile's final stage says the image runs.
type Dockerfile struct {
	// User is the USER instruction's argument, "uid:gid".
	User string
	// Entrypoint and Cmd are the exec-form ENTRYPOINT and CMD.
	Entrypoint, Cmd []string
	// Labels are the keys of the LABEL instructions.
	Labels []string
}

// ReadDockerfile reads the final stage of the Dockerfile at path: the
// instructions after its last FROM, with line continuations joined.
func ReadDockerfile(path string) (Dockerfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return Dockerfile{}, err
	}
	defer f.Close()
	var d Dockerfile
	var line string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		text := strings.TrimSpace(scanner.Text())
		if strings.HasPrefix(text, "#") {
			continue
		}
		if rest, ok := strings.CutSuffix(text, "\\"); ok {
			line += rest + " "
			continue
		}
		if err := d.apply(line + text); err != nil {
			return Dockerfile{}, fmt.Errorf("%s: %w", path, err)
		}
		line = ""
	}
	return d, scanner.Err()
}

// apply records one instruction; FROM starts the stage anew.
func (d *Dockerfile) apply(instruction string) error {
	keyword, args, _ := strings.Cut(instruction, " ")
	var err error
	switch strings.ToUpper(keyword) {
	case "FROM":
		*d = Dockerfile{}
	case "USER":
		d.User = strings.TrimSpace(args)
	case "ENTRYPOINT":
		err = json.Unmarshal([]byte(args), &d.Entrypoint)
	case "CMD":
		err = json.Unmarshal([]byte(args), &d.Cmd)
	case "LABEL":
		for _, pair := range strings.Fields(args) {
			key, _, _ := strings.Cut(pair, "=")
			d.Labels = append(d.Labels, key)
		}
	}
	if err != nil {
		return fmt.Errorf("%s is not in exec form (a JSON array): %w", keyword, err)
	}
	return nil
}
