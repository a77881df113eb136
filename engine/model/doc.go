// Package model reads the objects tenantguard admits, Argo CD Applications,
// Tenants and PolicyExceptions, from their JSON form: which kind an object
// is, its sources, labels and destination, a Tenant's owned namespace and
// effective arch, and which of several Tenants of one name counts. Every
// stage and every runner (the webhooks, eval, the tests) reads objects
// through it, so that each of these answers is written once.
package model
