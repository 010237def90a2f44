{{/*
Chart name, truncated to 63 characters (the DNS label limit).
*/}}
{{- define "aw-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: release + chart name, unless the release name already contains the chart name.
Truncated to 63 characters.
*/}}
{{- define "aw-operator.fullname" -}}
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

{{/*
A name derived from the full name with a suffix, still within 63 characters.
*/}}
{{- define "aw-operator.suffixed" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "aw-operator.fullname" $root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{- define "aw-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: stable across upgrades (a Deployment's selector is immutable).
*/}}
{{- define "aw-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aw-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "aw-operator.labels" -}}
helm.sh/chart: {{ include "aw-operator.chart" . }}
{{ include "aw-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: alert-whisperer
{{- end }}

{{- define "aw-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aw-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret with the site credentials (apiKey, hmacSecret). */}}
{{- define "aw-operator.siteSecretName" -}}
{{- default (include "aw-operator.suffixed" (list . "site")) .Values.credentials.existingSecret }}
{{- end }}

{{/* The chart creates the site Secret only without existingSecret and with both values given. */}}
{{- define "aw-operator.createSiteSecret" -}}
{{- if and (not .Values.credentials.existingSecret) .Values.credentials.apiKey .Values.credentials.hmacSecret }}true{{- end }}
{{- end }}

{{/* The Secret with the receiver token, if any. */}}
{{- define "aw-operator.receiverSecretName" -}}
{{- default (include "aw-operator.suffixed" (list . "receiver")) .Values.receiver.existingSecret }}
{{- end }}

{{- define "aw-operator.receiverTokenEnabled" -}}
{{- if or .Values.receiver.existingSecret .Values.receiver.token }}true{{- end }}
{{- end }}

{{/* In-cluster URL of the Alertmanager webhook receiver. */}}
{{- define "aw-operator.receiverURL" -}}
{{- printf "http://%s.%s.svc:%v/api/v1/alertmanager" (include "aw-operator.fullname" .) .Release.Namespace .Values.service.port }}
{{- end }}

{{- define "aw-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "aw-operator.activationSecretName" -}}
{{- default (printf "%s-activation" .Values.hybridActivation.name) .Values.ssmAgent.activationSecret }}
{{- end }}
