package decode

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/tenantguard/tenantguard/clusterconfig"
	"github.com/tenantguard/tenantguard/engine/model"
)

// sourceStringFields are the source fields the pipeline reads as strings.
// targetRevision is not among them: a revision of another type (YAML reads an
// unquoted 1234567 as a number) is the rules' to judge, with a message that
// says so, in every runner alike; the defaults leave it alone.
var sourceStringFields = []string{"repoURL", "path", "chart", "ref"}

// checkApplication refuses an Application whose fields the pipeline reads are of
// the wrong type or past the limits, so that neither defaults nor rules guess
// at their meaning or spend time out of proportion on them.
func checkApplication(app map[string]any, limits clusterconfig.Limits) field.ErrorList {
	if app == nil {
		return nil
	}
	specPath := field.NewPath("spec")
	raw, present := app["spec"]
	if !present || raw == nil {
		return field.ErrorList{field.Required(specPath, "an Application needs a spec")}
	}
	spec, ok := raw.(map[string]any)
	if !ok {
		return field.ErrorList{mustBe(specPath, raw, "an object")}
	}
	errs := checkObject(spec, specPath, "source")
	errs = append(errs, checkSourceList(spec["sources"], specPath.Child("sources"), limits.MaxSources)...)
	if len(errs) > 0 {
		return errs
	}
	errs = append(errs, checkObject(spec, specPath, "sourceHydrator")...)
	if hydrator, ok := spec["sourceHydrator"].(map[string]any); ok {
		errs = append(errs, checkObject(hydrator, specPath.Child("sourceHydrator"), "drySource")...)
	}
	errs = append(errs, checkHydratorPaths(spec, limits.MaxFieldBytes)...)
	sources := model.Sources(app)
	for _, src := range sources {
		errs = append(errs, checkStrings(src.Fields, src.Path, sourceStringFields, limits.MaxFieldBytes)...)
		errs = append(errs, checkPathLists(src, limits)...)
	}
	if len(errs) > 0 {
		return errs
	}
	if errs := checkPathBytes(spec, sources, limits.MaxPathBytes); len(errs) > 0 {
		return errs
	}
	return checkValuesText(sources, limits)
}

// checkObject refuses parent[name] when it is set to anything but an object.
func checkObject(parent map[string]any, parentPath *field.Path, name string) field.ErrorList {
	value, present := parent[name]
	if !present || value == nil {
		return nil
	}
	if _, ok := value.(map[string]any); !ok {
		return field.ErrorList{mustBe(parentPath.Child(name), value, "an object")}
	}
	return nil
}

func checkSourceList(value any, path *field.Path, maxSources int) field.ErrorList {
	if value == nil {
		return nil
	}
	list, ok := value.([]any)
	if !ok {
		return field.ErrorList{mustBe(path, value, "a list of sources")}
	}
	if len(list) > maxSources {
		return field.ErrorList{overLimit(path, len(list), fmt.Sprintf("must list at most %d sources", maxSources), "limits.maxSources")}
	}
	var errs field.ErrorList
	for i, entry := range list {
		if _, ok := entry.(map[string]any); !ok {
			errs = append(errs, mustBe(path.Index(i), entry, "an object"))
		}
	}
	return errs
}

func checkStrings(obj map[string]any, path *field.Path, names []string, maxBytes int) field.ErrorList {
	var errs field.ErrorList
	for _, name := range names {
		value, present := obj[name]
		s, ok := value.(string)
		switch {
		case present && value != nil && !ok:
			errs = append(errs, mustBe(path.Child(name), value, "a string"))
		case len(s) > maxBytes:
			errs = append(errs, overLimit(path.Child(name), shorten([]byte(s)),
				fmt.Sprintf("must be at most %d bytes, not %d", maxBytes, len(s)), "limits.maxFieldBytes"))
		}
	}
	return errs
}

func mustBe(path *field.Path, value any, want string) *field.Error {
	return field.Invalid(path, value, fmt.Sprintf("must be %s, not %s", want, jsonType(value)))
}

// jsonType names the JSON type of a decoded value, for error messages.
func jsonType(value any) string {
	switch value.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	default:
		return "a number"
	}
}
