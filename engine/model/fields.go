package model

// String returns the string at path in obj, "" when any step is missing or
// not of the expected type.
func String(obj map[string]any, path ...string) string {
	value, _ := Field(obj, path...).(string)
	return value
}

// Field returns the value at path in obj, nil when any step is missing or not an object.
func Field(obj map[string]any, path ...string) any {
	var value any = obj
	for _, key := range path {
		m, ok := value.(map[string]any)
		if !ok {
			return nil
		}
		value = m[key]
	}
	return value
}

// Name is an object's metadata.name.
func Name(obj map[string]any) string { return String(obj, "metadata", "name") }

// Namespace is an object's metadata.namespace.
func Namespace(obj map[string]any) string { return String(obj, "metadata", "namespace") }

// Label returns the value of an object's label when it is a string.
func Label(obj map[string]any, key string) string {
	return String(obj, "metadata", "labels", key)
}

// DestinationNamespace is the namespace an Application deploys to.
func DestinationNamespace(app map[string]any) string {
	return String(app, "spec", "destination", "namespace")
}

// ClipAt is how many bytes of a value a message shows.
const ClipAt = 64

// Clip shortens a value for a message, so that a client sending a huge value
// gets a short answer and fills no log: the first 64 bytes and "...".
func Clip(s string) string {
	if len(s) <= ClipAt {
		return s
	}
	return s[:ClipAt] + "..."
}
