// Package supervisor turns each Tenant into a running tenant: its Namespace
// (with the environment's quota, limits and default-deny network policy when
// the cluster config asks for them), its Argo CD AppProject and the
// Application that deploys the tenant's chart from the platform repository.
//
// It is a controller in `tenantguard serve`, running on the elected leader
// while the webhooks serve on every replica. Every object is written by
// server-side apply with the field manager tenantguard-supervisor, and the
// Application goes through tenantguard's own webhooks like any client's: the
// mutating webhook fills in its revision and tenant defaults, the validating
// webhook judges it, with the supervisor's service account as the trusted
// identity for production paths. No decision of the rules is made here.
//
// The supervisor owns an object when the object's controller owner reference
// names the Tenant (its UID); it never adopts an object of the same name that
// it does not own, and never deletes one. Drift in what it wrote is put back:
// it watches what it made and applies again when an object no longer carries
// what it applied. A finalizer on the Tenant deletes the Application first,
// waits until Argo CD has pruned it, then deletes the AppProject and the
// Namespace.
//
// The files follow the concerns: reconcile (the order of the steps),
// namespace, project, application (what each object is), apply (reading,
// ownership, drift and server-side apply), status (conditions, events),
// deletion, watch (what triggers a reconcile), metrics.
package supervisor
