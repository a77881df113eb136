package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/tenantguard/tenantguard/test/support/reviews"
)

// attackTenant is a Tenant that exists, so that hostile Applications get
// as far into the pipeline as a real one would.
const attackTenant = "hostile-00"

// attackApplication is a clean Application of attackTenant, made by the
// valid stream's user, for the attacks to distort.
func attackApplication(name string) map[string]any {
	return reviews.Application(name, attackTenant, "staging", "HEAD", 10)
}

// spec returns the spec of an Application built by reviews.Application.
func spec(app map[string]any) map[string]any { return app["spec"].(map[string]any) }

// yamlAliasBody is a "billion laughs" document: a list of strings, then
// levels of lists that each alias the previous level many times. It is about
// 267 KB, and a YAML decoder that expanded the aliases would build 6,500^9
// strings. It is no JSON at all, but it is sent as application/json, which
// a decoder that also reads YAML (as Kubernetes' universal deserializer
// does) would accept.
func yamlAliasBody() []byte {
	const width, levels = 6500, 9
	var b bytes.Buffer
	b.WriteString("a0: &a0 [")
	b.WriteString(strings.TrimSuffix(strings.Repeat(`"lol",`, width), ","))
	b.WriteString("]\n")
	for l := 1; l <= levels; l++ {
		fmt.Fprintf(&b, "a%d: &a%d [", l, l)
		b.WriteString(strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", l-1), width), ","))
		b.WriteString("]\n")
	}
	return b.Bytes()
}

// deepBody is a well-formed Application review whose Helm valuesObject nests
// objects depth levels deep ({"a":{"a":...}}): small on the wire, but a
// recursive decoder or a policy walking it spends stack and time per level.
func deepBody(depth int) []byte {
	const placeholder = "@@deep@@"
	app := attackApplication("hostile-deep")
	spec(app)["source"].(map[string]any)["helm"].(map[string]any)["valuesObject"] = placeholder
	body := reviews.ApplicationRequest("0000eeee-0000-4000-8000-000000000001", "CREATE", validUser, app, nil).Encode()
	nested := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
	return bytes.Replace(body, []byte(`"`+placeholder+`"`), []byte(nested), 1)
}

// manySourcesBody is an Application review listing n sources, each pinned
// to a commit: every source is a violation, so a server without a bound on
// sources builds n findings and a message line for each.
func manySourcesBody(n int) []byte {
	app := attackApplication("hostile-sources")
	delete(spec(app), "source")
	sources := make([]any, n)
	for i := range sources {
		sources[i] = map[string]any{
			"repoURL":        "https://git.example.com/platform/tenants.git",
			"path":           fmt.Sprintf("staging/%s/c%05d", attackTenant, i),
			"targetRevision": pinnedRevision,
		}
	}
	spec(app)["sources"] = sources
	return reviews.ApplicationRequest("0000eeee-0000-4000-8000-000000000002", "CREATE", validUser, app, nil).Encode()
}

// withKindAndOperation is an Application review whose request claims the
// given kind and operation, in kind and requestKind alike.
func withKindAndOperation(uid, kind, operation string) []byte {
	review := reviews.ApplicationRequest(uid, "CREATE", validUser, attackApplication("hostile-kind"), nil).Review()
	req := review["request"].(map[string]any)
	for _, field := range []string{"kind", "requestKind"} {
		k := req[field].(map[string]any)
		req[field] = map[string]any{"group": k["group"], "version": k["version"], "kind": kind}
	}
	req["operation"] = operation
	return reviews.Encode(review)
}

// denseBody is a well-formed Application review whose Helm valuesObject
// holds a list of n empty objects ({"data":[{},{},...]}): 3 bytes each on the
// wire, a Go map and a Rego object of a few hundred bytes each once decoded.
func denseBody(n int) []byte {
	const placeholder = "@@dense@@"
	app := attackApplication("hostile-dense")
	spec(app)["source"].(map[string]any)["helm"].(map[string]any)["valuesObject"] = placeholder
	body := reviews.ApplicationRequest("0000eeee-0000-4000-8000-000000000003", "CREATE", validUser, app, nil).Encode()
	dense := `{"data":[` + strings.Repeat("{},", n-1) + "{}]}"
	return bytes.Replace(body, []byte(`"`+placeholder+`"`), []byte(dense), 1)
}

// denseBodyOf is denseBody filled to about size bytes.
func denseBodyOf(size int) []byte {
	return denseBody((size - len(denseBody(1))) / 3)
}
