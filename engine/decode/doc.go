// Package decode turns an admission request into a Review: the operation, the
// user, and the new and old objects as JSON maps. It refuses what the rest of the
// pipeline cannot read (an unknown kind, a body that is not a JSON object, a
// field of the wrong type) with an error that names the field, which the handler
// answers with 400 Bad Request.
package decode
