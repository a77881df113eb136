{{/* Object names. With the release name "tenantguard" they match config/default. */}}
{{- define "tenantguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tenantguard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tenantguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tenantguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tenantguard.labels" -}}
{{ include "tenantguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "tenantguard.serviceAccountName" -}}
{{- default (include "tenantguard.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "tenantguard.webhookService" -}}
{{- include "tenantguard.fullname" . }}-webhook
{{- end }}

{{- define "tenantguard.certificate" -}}
{{- include "tenantguard.fullname" . }}-serving-cert
{{- end }}

{{- define "tenantguard.tlsSecret" -}}
{{- default (printf "%s-webhook-tls" (include "tenantguard.fullname" .)) .Values.tls.secretName }}
{{- end }}

{{- define "tenantguard.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Both webhook configurations share these; only the name, path and rules differ. */}}
{{- define "tenantguard.webhookCommon" -}}
admissionReviewVersions: ["v1"]
sideEffects: None
failurePolicy: {{ .Values.webhook.failurePolicy }}
timeoutSeconds: {{ .Values.webhook.timeoutSeconds }}
{{- /* Tenants are cluster-scoped: a namespaceSelector never applies to them. */}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ concat (list "kube-system" .Release.Namespace) .Values.webhook.excludedNamespaces | uniq | toJson }}
{{- end }}

{{/*
The requests the server would admit untouched anyway, skipped before they are
sent. Each mirrors a check of the engine's pipeline, so none skips a request a
rule reads: an UPDATE that leaves spec, labels and finalizers as they were (Argo
CD's status and operation writes) is passed by both handlers. The mutating
webhook fills nothing in on an object being deleted, so it skips every UPDATE of
one; the validating webhook skips only the finalizer removals that deletion
needs, and judges any other update of an object being deleted. Not skipped: Argo
CD's controllers, which create and update child Applications (app-of-apps), and
tenantguard's own service account, whose supervisor writes each tenant's
Application through the webhooks like any client.
*/}}
{{- define "tenantguard.notStatusOnly" -}}
- name: not-status-only
  expression: >-
    request.operation != 'UPDATE' ||
    object.?spec != oldObject.?spec ||
    object.metadata.?labels != oldObject.metadata.?labels ||
    object.metadata.?finalizers != oldObject.metadata.?finalizers
{{- end }}

{{- define "tenantguard.mutatingMatchConditions" -}}
matchConditions:
  {{- include "tenantguard.notStatusOnly" . | nindent 2 }}
  - name: not-deleting
    expression: request.operation != 'UPDATE' || !has(oldObject.metadata.deletionTimestamp)
{{- end }}

{{- define "tenantguard.validatingMatchConditions" -}}
matchConditions:
  {{- include "tenantguard.notStatusOnly" . | nindent 2 }}
  - name: not-releasing-finalizers
    expression: >-
      request.operation != 'UPDATE' || !has(oldObject.metadata.deletionTimestamp) ||
      object.?spec != oldObject.?spec ||
      object.metadata.?labels != oldObject.metadata.?labels ||
      !object.metadata.?finalizers.orValue([]).all(f, f in oldObject.metadata.?finalizers.orValue([]))
{{- end }}

{{- define "tenantguard.webhookAnnotations" -}}
{{- if eq .Values.tls.source "certManager" -}}
annotations:
  cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "tenantguard.certificate" .) }}
{{- end }}
{{- end }}

{{- define "tenantguard.clientConfig" -}}
clientConfig:
  service:
    name: {{ include "tenantguard.webhookService" .root }}
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
  {{- if eq .root.Values.tls.source "secret" }}
  caBundle: {{ required "tls.caBundle is required when tls.source is secret" .root.Values.tls.caBundle }}
  {{- end }}
{{- end }}

{{- /* The cluster config: clusterConfig, with the users and groups of exceptions.approvers added to its exceptions section. */}}
{{- define "tenantguard.clusterConfig" -}}
{{- $config := deepCopy .Values.clusterConfig -}}
{{- $approvers := .Values.exceptions.approvers -}}
{{- if or $approvers.users $approvers.groups -}}
{{- $section := deepCopy (default dict $config.exceptions) -}}
{{- with $approvers.users }}{{ $_ := set $section "approvers" (concat (default list $section.approvers) . | uniq) }}{{ end -}}
{{- with $approvers.groups }}{{ $_ := set $section "approverGroups" (concat (default list $section.approverGroups) . | uniq) }}{{ end -}}
{{- $_ := set $config "exceptions" $section -}}
{{- end -}}
{{- toYaml $config -}}
{{- end }}
