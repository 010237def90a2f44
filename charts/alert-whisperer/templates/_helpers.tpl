{{/*
Chart name, truncated to 63 characters (the DNS label limit).
*/}}
{{- define "aw.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: release + chart name, unless the release name already contains the chart name.
*/}}
{{- define "aw.fullname" -}}
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
The full name with a suffix, still within 63 characters. Call with (list $ "suffix").
*/}}
{{- define "aw.suffixed" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "aw.fullname" $root | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{- define "aw.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels of one component (web, worker, migrate): stable across upgrades.
*/}}
{{- define "aw.selectorLabels" -}}
{{- $root := index . 0 }}
app.kubernetes.io/name: {{ include "aw.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "aw.labels" -}}
{{- $root := index . 0 }}
helm.sh/chart: {{ include "aw.chart" $root }}
{{ include "aw.selectorLabels" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: alert-whisperer
{{- end }}

{{- define "aw.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aw.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret with the app's credentials: the chart's own or the existing one. */}}
{{- define "aw.secretName" -}}
{{- default (include "aw.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "aw.image" -}}
{{- $root := index . 0 }}
{{- $img := index . 1 }}
{{- printf "%s:%s" $img.repository (default $root.Chart.AppVersion $img.tag) }}
{{- end }}

{{/*
Required values, checked once with messages naming the value.
*/}}
{{- define "aw.validate" -}}
{{- if not .Values.publicURL }}
{{- fail "publicURL is required: the portal's public URL (AUTH_URL), e.g. https://aw.example.com" }}
{{- end }}
{{- if and (not .Values.database.url) (not .Values.database.existingSecret) }}
{{- fail "database.url or database.existingSecret is required: the PostgreSQL the app runs on" }}
{{- end }}
{{- if not .Values.secrets.existingSecret }}
{{- if not .Values.secrets.authSecret }}
{{- fail "secrets.authSecret (or secrets.existingSecret) is required: openssl rand -base64 32" }}
{{- end }}
{{- if not .Values.secrets.encryptionKey }}
{{- fail "secrets.encryptionKey (or secrets.existingSecret) is required: openssl rand -base64 32" }}
{{- end }}
{{- end }}
{{- if and (eq .Values.realtime.mode "pusher") (or (not .Values.realtime.pusher.appId) (not .Values.realtime.pusher.key)) }}
{{- fail "realtime.pusher.appId and realtime.pusher.key are required when realtime.mode is pusher" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.ingress.host) }}
{{- fail "ingress.host is required when ingress.enabled" }}
{{- end }}
{{- end }}

{{/*
Environment shared by web, worker and the migration Job.
*/}}
{{- define "aw.env" -}}
- name: NODE_ENV
  value: production
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ default (include "aw.fullname" .) .Values.database.existingSecret }}
      key: {{ if .Values.database.existingSecret }}{{ .Values.database.existingSecretKey }}{{ else }}DATABASE_URL{{ end }}
- name: AUTH_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "aw.secretName" . }}
      key: AUTH_SECRET
- name: APP_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "aw.secretName" . }}
      key: APP_ENCRYPTION_KEY
- name: SMTP_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "aw.secretName" . }}
      key: SMTP_URL
      optional: true
- name: METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "aw.secretName" . }}
      key: METRICS_TOKEN
      optional: true
- name: AUTH_URL
  value: {{ .Values.publicURL | quote }}
- name: TRUST_PROXY
  value: "true"
{{- if eq .Values.realtime.mode "pusher" }}
- name: PUSHER_APP_ID
  value: {{ .Values.realtime.pusher.appId | quote }}
- name: PUSHER_KEY
  value: {{ .Values.realtime.pusher.key | quote }}
{{- with .Values.realtime.pusher.cluster }}
- name: PUSHER_CLUSTER
  value: {{ . | quote }}
{{- end }}
{{- with .Values.realtime.pusher.host }}
- name: PUSHER_HOST
  value: {{ . | quote }}
{{- end }}
- name: PUSHER_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "aw.secretName" . }}
      key: PUSHER_SECRET
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Writable scratch space under a read-only root filesystem. */}}
{{- define "aw.scratchMounts" -}}
- name: tmp
  mountPath: /tmp
- name: next-cache
  mountPath: /app/apps/web/.next/cache
{{- end }}
{{- define "aw.scratchVolumes" -}}
- name: tmp
  emptyDir: {}
- name: next-cache
  emptyDir: {}
{{- end }}
