// Package dockerfile reads what tenantguard's Dockerfile says its image
// runs, so that the image tests hold the image `make image` assembles to it,
// and the install tests the chart and the kustomize bases to the same user,
// entrypoint and command.
package dockerfile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Stage is what the Dockerfile's final stage says the image runs.
type Stage struct {
	// User is the USER instruction's argument, "uid:gid".
	User string
	// Entrypoint and Cmd are the exec-form ENTRYPOINT and CMD.
	Entrypoint, Cmd []string
	// Labels are the keys of the LABEL instructions.
	Labels []string
}

// ReadFinalStage reads the final stage of the Dockerfile at path: the
// instructions after its last FROM, with line continuations joined.
func ReadFinalStage(path string) (Stage, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stage{}, err
	}
	defer f.Close()
	var d Stage
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
			return Stage{}, fmt.Errorf("%s: %w", path, err)
		}
		line = ""
	}
	return d, scanner.Err()
}

// apply records one instruction; FROM starts the stage anew.
func (d *Stage) apply(instruction string) error {
	keyword, args, _ := strings.Cut(instruction, " ")
	var err error
	switch strings.ToUpper(keyword) {
	case "FROM":
		*d = Stage{}
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
