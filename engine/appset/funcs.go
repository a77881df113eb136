package appset

import (
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

// withheld are sprig's functions that goTemplate does not offer: Argo CD
// removes the three that read the environment or the network, and
// tenantguard does not run the ones that generate keys and certificates,
// which take seconds each on a review's path; a template calling one is
// refused as one that does not parse.
var withheld = []string{
	"env", "expandenv", "getHostByName",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey", "derivePassword", "bcrypt", "htpasswd",
}

// funcs are the functions of goTemplate, as Argo CD offers them: sprig's
// (v3.3.0) less the withheld ones, and normalize, slugify, toYaml,
// fromYaml and fromYamlArray. The functions that build a string or list of
// a requested length are bounded by maxBytes: a string of at most maxBytes,
// a list of at most maxBytes/8 numbers (as many bytes).
func funcs(maxBytes int) template.FuncMap {
	maxItems := maxBytes / 8
	m := sprig.TxtFuncMap()
	for _, name := range withheld {
		delete(m, name)
	}
	m["normalize"] = normalize
	m["slugify"] = slugify
	m["toYaml"] = toYAML
	m["fromYaml"] = fromYAML
	m["fromYamlArray"] = fromYAMLArray
	repeat := m["repeat"].(func(int, string) string)
	m["repeat"] = func(count int, s string) (string, error) {
		if count > 0 && len(s)*count > maxBytes {
			return "", errTooLarge
		}
		return repeat(count, s), nil
	}
	until := m["until"].(func(int) []int)
	m["until"] = func(count int) ([]int, error) {
		if count > maxItems || -count > maxItems {
			return nil, errTooLarge
		}
		return until(count), nil
	}
	untilStep := m["untilStep"].(func(int, int, int) []int)
	m["untilStep"] = func(start, stop, step int) ([]int, error) {
		if step != 0 && (stop-start)/step > maxItems {
			return nil, errTooLarge
		}
		return untilStep(start, stop, step), nil
	}
	seq := m["seq"].(func(...int) string)
	m["seq"] = func(params ...int) (string, error) {
		for _, p := range params {
			if p > maxItems || -p > maxItems {
				return "", errTooLarge
			}
		}
		return seq(params...), nil
	}
	return m
}

var notDNS = regexp.MustCompile("[^-a-z0-9.]")

// normalize makes a name a DNS subdomain: lower case, any other character
// a dash, at most 253 characters, no dash or dot at either end.
func normalize(name string) string {
	name = notDNS.ReplaceAllString(strings.ToLower(name), "-")
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

var notSlug = regexp.MustCompile("[^a-z0-9]+")

// slugify makes a URL slug of a name: slugify NAME, slugify MAX NAME or
// slugify MAX SMART NAME; MAX defaults to 50 and smart truncation, which
// cuts at a dash, is on by default.
func slugify(args ...any) (string, error) {
	maxLen, smart, name := 50, true, ""
	for i, arg := range args {
		var ok bool
		switch i {
		case len(args) - 1:
			name, ok = arg.(string)
		case 0:
			maxLen, ok = arg.(int)
		case 1:
			smart, ok = arg.(bool)
		}
		if !ok {
			return "", fmt.Errorf("slugify: argument %d is %T", i+1, arg)
		}
	}
	slug := strings.Trim(notSlug.ReplaceAllString(normalize(name), "-"), "-")
	if maxLen <= 0 || len(slug) <= maxLen {
		return slug, nil
	}
	cut := slug[:maxLen]
	if smart && slug[maxLen] != '-' {
		if i := strings.LastIndex(cut, "-"); i > 0 {
			cut = cut[:i]
		}
	}
	return strings.Trim(cut, "-"), nil
}

func toYAML(v any) (string, error) {
	b, err := yaml.Marshal(v)
	return strings.TrimSuffix(string(b), "\n"), err
}

func fromYAML(s string) (map[string]any, error) {
	m := map[string]any{}
	err := yaml.Unmarshal([]byte(s), &m)
	return m, err
}

func fromYAMLArray(s string) ([]any, error) {
	a := []any{}
	err := yaml.Unmarshal([]byte(s), &a)
	return a, err
}
