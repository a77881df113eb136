// Package audit judges the Applications and Tenants already stored in the
// cluster, which the webhooks never see until someone writes them: after
// tenantguard starts, after each reload of the policies or cluster config,
// and every interval, on the elected leader of `tenantguard serve`.
//
// It is a runner like `tenantguard eval`, not a second judge: each stored
// object is read as the review of its creation by nobody in particular
// (decode.Manifest) and judged by webhook/pipeline with the Tenants of the
// webhook's cache, so a rule that needs an old object or a user has nothing to
// say. Its findings become OpenReports (a Report per namespace of
// Applications, a ClusterReport for Tenants), a PolicyCompliant condition on
// each Tenant and Prometheus metrics; `tenantguard audit` prints the same
// findings with eval's writers.
//
// Its work is bounded: Applications are listed from the API server a page at
// a time and judged by a fixed number of workers, only the findings are kept
// (at most MaxResults per report, with the true totals), and nothing is
// cached beside the manager's Tenant informer, which the webhooks already hold.
package audit
