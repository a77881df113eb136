// Package server is the webhook's bounded HTTPS server and the ports beside
// it (metrics, probes, opt-in profiles): every listener capped in
// connections and timed out, TLS 1.2 or newer from a certificate reloaded on
// rotation, HTTP/2 off unless asked for. It serves what it is given and
// knows nothing of reviews, the supervisor or the audit.
package server
