package manifests

import (
	"bytes"

	"github.com/tenantguard/tenantguard/engine/model"
)

// Context is what documents give the judging of others, as a cluster's
// stored objects give it to the webhook: the Tenants an Application belongs
// to, and the PolicyExceptions that may waive a finding. Each keeps the
// order of its documents.
type Context struct {
	// Tenants are the Tenant objects.
	Tenants []map[string]any
	// Exceptions are the PolicyException objects.
	Exceptions []map[string]any
}

// Context reads the Tenants and PolicyExceptions among the documents. Only
// the documents that can be either are decoded. A document that cannot be
// read is an error naming it: use it for files that only give context,
// whose documents are judged nowhere else.
func (in *Inputs) Context() (Context, error) {
	return in.context(true)
}

// ReadableContext reads the Tenants and PolicyExceptions among the
// documents that can be read: for files whose documents eval.EvaluateInputs
// judges next, reporting each document that cannot be read in its place.
func (in *Inputs) ReadableContext() Context {
	c, _ := in.context(false)
	return c
}

// Tenants are the Tenant objects among the documents, as Context reads them.
func (in *Inputs) Tenants() ([]map[string]any, error) {
	c, err := in.context(true)
	return c.Tenants, err
}

// ReadableTenants are the Tenant objects among the documents that can be
// read, as ReadableContext reads them.
func (in *Inputs) ReadableTenants() []map[string]any {
	return in.ReadableContext().Tenants
}

// context reads the Tenants and PolicyExceptions; strict stops at the
// first document that cannot be read, with its error.
func (in *Inputs) context(strict bool) (Context, error) {
	var c Context
	for raw, err := range in.Documents() {
		if err == nil && !raw.mayGiveContext() {
			continue
		}
		var doc Document
		if err == nil {
			doc, err = raw.Decode()
		}
		if err != nil && strict {
			return Context{}, err
		}
		switch kind, _ := model.KindOfObject(doc.Object); kind {
		case model.KindTenant:
			c.Tenants = append(c.Tenants, doc.Object)
		case model.KindPolicyException:
			c.Exceptions = append(c.Exceptions, doc.Object)
		}
	}
	return c, nil
}

// mayGiveContext says whether the document can be a Tenant or a
// PolicyException without decoding it: its bytes hold its kind's name.
func (r RawDocument) mayGiveContext() bool {
	return bytes.Contains(r.data, []byte(model.KindTenant)) ||
		bytes.Contains(r.data, []byte(model.KindPolicyException))
}
