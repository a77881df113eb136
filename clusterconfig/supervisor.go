package clusterconfig

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Supervisor says what the supervisor of `tenantguard serve` makes of each
// Tenant: its Namespace, its Argo CD AppProject and the Application that
// deploys the tenant's chart (docs/supervisor.md).
type Supervisor struct {
	// ArgoCDNamespace is the namespace of Argo CD, where the supervisor writes
	// each tenant's AppProject and Application. Defaults to argocd.
	ArgoCDNamespace string `json:"argocdNamespace"`
	// RepoURL is the platform repository that holds the tenant chart of every
	// environment. Defaults to none: Tenants then get no Application, and the
	// condition ApplicationReady=False with reason NoRepository says so.
	RepoURL string `json:"repoURL"`
	// ChartDirectory is the chart's directory inside each environment's
	// directory: an Application of a staging tenant reads
	// environments[staging]/ChartDirectory. Empty reads the environment's
	// directory itself. Defaults to tenant.
	ChartDirectory string `json:"chartDirectory"`
	// ValueFiles are the Helm value files of the Application, relative to the
	// chart. Defaults to values.yaml and values-images.yaml, the file that
	// promotion copies from staging to production.
	ValueFiles []string `json:"valueFiles"`
	// NamespaceLabels are labels on every tenant namespace besides the tenant
	// and environment labels. Defaults to the Pod Security labels enforcing,
	// auditing and warning at the restricted level.
	NamespaceLabels map[string]string `json:"namespaceLabels"`
	// Notifications are the Argo CD Notifications subscriptions of the
	// Applications of each environment: environment → subscriptions. Defaults to none.
	Notifications map[string][]Subscription `json:"notifications"`
	// NamespaceResources are the objects the supervisor keeps in the
	// namespaces of each environment's tenants: environment → objects.
	// Defaults to none.
	NamespaceResources map[string]NamespaceResources `json:"namespaceResources"`
}

// Subscription is an Argo CD Notifications subscription, written on an
// Application as the annotation
// notifications.argoproj.io/subscribe.<trigger>.<service>: <recipients>.
type Subscription struct {
	// Trigger is the notifications trigger, such as on-sync-succeeded.
	Trigger string `json:"trigger"`
	// Service is the notifications service, such as slack.
	Service string `json:"service"`
	// Recipients are the service's recipients, separated by semicolons, such as a Slack channel.
	Recipients string `json:"recipients"`
}

// NamespaceResources are objects the platform keeps in a tenant namespace;
// the tenant's AppProject leaves them to the platform.
type NamespaceResources struct {
	// ResourceQuota, when set, is the spec of the ResourceQuota "tenant".
	ResourceQuota *corev1.ResourceQuotaSpec `json:"resourceQuota,omitempty"`
	// LimitRange, when set, is the spec of the LimitRange "tenant".
	LimitRange *corev1.LimitRangeSpec `json:"limitRange,omitempty"`
	// DefaultDenyNetworkPolicy, when true, adds the NetworkPolicy
	// "default-deny", which selects every pod and admits no traffic in or out;
	// the tenant's chart adds the policies that admit what it needs.
	DefaultDenyNetworkPolicy bool `json:"defaultDenyNetworkPolicy,omitempty"`
}

// NotificationsAnnotationPrefix starts the annotation of a subscription.
const NotificationsAnnotationPrefix = "notifications.argoproj.io/subscribe."

// Annotation is the annotation that subscribes an Application.
func (s Subscription) Annotation() string {
	return NotificationsAnnotationPrefix + s.Trigger + "." + s.Service
}

// DefaultSupervisor is the supervisor section used when the cluster config sets none.
func DefaultSupervisor() Supervisor {
	return Supervisor{
		ArgoCDNamespace: "argocd",
		ChartDirectory:  "tenant",
		ValueFiles:      []string{"values.yaml", "values-images.yaml"},
		NamespaceLabels: map[string]string{
			"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/audit":   "restricted",
			"pod-security.kubernetes.io/warn":    "restricted",
		},
		Notifications:      map[string][]Subscription{},
		NamespaceResources: map[string]NamespaceResources{},
	}
}

// reservedNamespaceLabels are written by the supervisor from the Tenant itself.
var reservedNamespaceLabels = []string{"tenantguard.io/tenant", "tenantguard.io/environment"}

func (c *ClusterConfig) validateSupervisor(p *field.Path) field.ErrorList {
	s := c.Supervisor
	var errs field.ErrorList
	for _, msg := range content.IsDNS1123Label(s.ArgoCDNamespace) {
		errs = append(errs, field.Invalid(p.Child("argocdNamespace"), s.ArgoCDNamespace, msg))
	}
	if strings.ContainsAny(s.RepoURL, " \t\n") {
		errs = append(errs, field.Invalid(p.Child("repoURL"), s.RepoURL, "must be a repository URL without spaces"))
	}
	if dir := s.ChartDirectory; dir != "" && (path.IsAbs(dir) || path.Clean(dir) != dir || dir == "." || dir == ".." || strings.HasPrefix(dir, "../")) {
		errs = append(errs, field.Invalid(p.Child("chartDirectory"), dir, "must be a clean relative directory such as tenant"))
	}
	errs = append(errs, nonEmptyStrings(s.ValueFiles, p.Child("valueFiles"), false)...)
	for _, key := range sortedKeys(s.NamespaceLabels) {
		errs = append(errs, validateLabel(p.Child("namespaceLabels").Key(key), key, s.NamespaceLabels[key])...)
	}
	errs = append(errs, c.validateNotifications(p.Child("notifications"))...)
	for _, env := range sortedKeys(s.NamespaceResources) {
		errs = append(errs, c.knownEnvironment(p.Child("namespaceResources").Key(env), env)...)
	}
	return errs
}

func validateLabel(p *field.Path, key, value string) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range content.IsLabelKey(key) {
		errs = append(errs, field.Invalid(p, key, msg))
	}
	for _, msg := range content.IsLabelValue(value) {
		errs = append(errs, field.Invalid(p, value, msg))
	}
	for _, reserved := range reservedNamespaceLabels {
		if key == reserved {
			errs = append(errs, field.Forbidden(p, "the supervisor writes this label from the Tenant"))
		}
	}
	return errs
}

func (c *ClusterConfig) validateNotifications(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, env := range sortedKeys(c.Supervisor.Notifications) {
		errs = append(errs, c.knownEnvironment(p.Key(env), env)...)
		for i, s := range c.Supervisor.Notifications[env] {
			entry := p.Key(env).Index(i)
			if s.Trigger == "" {
				errs = append(errs, field.Required(entry.Child("trigger"), "such as on-sync-succeeded"))
			}
			if s.Service == "" {
				errs = append(errs, field.Required(entry.Child("service"), "such as slack"))
			}
			if s.Recipients == "" {
				errs = append(errs, field.Required(entry.Child("recipients"), "such as a Slack channel"))
			}
			if s.Trigger != "" && s.Service != "" {
				for _, msg := range content.IsLabelKey(s.Annotation()) {
					errs = append(errs, field.Invalid(entry, s.Annotation(), fmt.Sprintf("the annotation it makes is not valid: %s", msg)))
				}
			}
		}
	}
	return errs
}

// knownEnvironment refuses an environment the environments key does not list.
func (c *ClusterConfig) knownEnvironment(p *field.Path, env string) field.ErrorList {
	if _, ok := c.Environments[env]; ok {
		return nil
	}
	return field.ErrorList{field.NotSupported(p, env, sortedKeys(c.Environments))}
}

// SubscriptionAnnotations are the notifications annotations of an
// Application of environment env.
func (s Supervisor) SubscriptionAnnotations(env string) map[string]string {
	out := map[string]string{}
	for _, sub := range s.Notifications[env] {
		out[sub.Annotation()] = sub.Recipients
	}
	return out
}
