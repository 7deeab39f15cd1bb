{{/* Names and labels. kubelab's ServiceAccount name is defined in rbac.yaml (generated). */}}

{{- define "kubelab.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kubelab.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "kubelab.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kubelab.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kubelab.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "kubelab.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "kubelab.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "kubelab.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kubelab.postgresql.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kubelab.name" . }}-postgresql
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kubelab.postgresql.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "kubelab.postgresql.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Where kubelab keeps its data: "bundled" (postgresql.enabled), "external" (database.url or
database.existingSecret) or "sqlite". Refuses contradictions and several replicas on SQLite.
*/}}
{{- define "kubelab.database" -}}
{{- $external := or .Values.database.url .Values.database.existingSecret -}}
{{- if and .Values.database.url .Values.database.existingSecret -}}
{{- fail "database.url and database.existingSecret both set: give one (the URL is put into a Secret the chart makes; existingSecret names yours)" -}}
{{- end -}}
{{- if and .Values.postgresql.enabled $external -}}
{{- fail "postgresql.enabled with database.url or database.existingSecret: choose the bundled PostgreSQL or your own, not both" -}}
{{- end -}}
{{- if .Values.postgresql.enabled -}}
bundled
{{- else if $external -}}
external
{{- else -}}
{{- if gt (int .Values.replicaCount) 1 -}}
{{- fail (printf "replicaCount %d needs PostgreSQL: SQLite is one file on one volume, for one replica. Set database.url, database.existingSecret or postgresql.enabled, or replicaCount 1" (int .Values.replicaCount)) -}}
{{- end -}}
sqlite
{{- end -}}
{{- end }}

{{/* The Secret and key holding DATABASE_URL, for "bundled" and "external". */}}
{{- define "kubelab.databaseSecret" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecret -}}
{{- else if .Values.postgresql.enabled -}}
{{- include "kubelab.postgresql.fullname" . -}}
{{- else -}}
{{- include "kubelab.fullname" . }}-database
{{- end -}}
{{- end }}

{{- define "kubelab.databaseSecretKey" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecretKey -}}
{{- else -}}
DATABASE_URL
{{- end -}}
{{- end }}

{{/* --public-url: publicUrl, or the Ingress's host (https with a TLS Secret). */}}
{{- define "kubelab.publicUrl" -}}
{{- if .Values.publicUrl -}}
{{- .Values.publicUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tls.secretName))) .Values.ingress.host -}}
{{- end -}}
{{- end }}

{{/* A value for an environment variable: numbers as integers (values arrive as floats). */}}
{{- define "kubelab.envValue" -}}
{{- if kindIs "float64" . -}}
{{- int64 . | toString | quote -}}
{{- else -}}
{{- toString . | quote -}}
{{- end -}}
{{- end }}
