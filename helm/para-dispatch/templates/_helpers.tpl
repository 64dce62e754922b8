{{/* The chart name, overridable. */}}
{{- define "para-dispatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of the release's resources. */}}
{{- define "para-dispatch.fullname" -}}
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

{{- define "para-dispatch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the service's pods; stable across upgrades. */}}
{{- define "para-dispatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "para-dispatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "para-dispatch.labels" -}}
helm.sh/chart: {{ include "para-dispatch.chart" . }}
{{ include "para-dispatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "para-dispatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "para-dispatch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Where session Jobs run: a namespace of their own, apart from the service's Secrets. */}}
{{- define "para-dispatch.sessionsNamespace" -}}
{{- default (printf "%s-sessions" .Release.Name) .Values.sessionsNamespace }}
{{- end }}

{{/* The Secret names of each secret value: the operator's, or the chart's own. */}}
{{- define "para-dispatch.githubSecret" -}}
{{- default (include "para-dispatch.fullname" .) .Values.github.existingSecret }}
{{- end }}
{{- define "para-dispatch.setupSecret" -}}
{{- default (printf "%s-setup" (include "para-dispatch.fullname" .)) .Values.github.existingSecret }}
{{- end }}
{{- define "para-dispatch.sealingSecret" -}}
{{- default (printf "%s-sealing" (include "para-dispatch.fullname" .)) .Values.sealing.existingSecret }}
{{- end }}
{{- define "para-dispatch.databaseSecret" -}}
{{- default (include "para-dispatch.fullname" .) .Values.database.existingSecret }}
{{- end }}
{{- define "para-dispatch.databasePasswordKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretPasswordKey }}{{ else }}database-password{{ end }}
{{- end }}

{{/* Labels of session pods, as SessionJobBuilder sets them. */}}
{{- define "para-dispatch.sessionPodLabels" -}}
app.kubernetes.io/managed-by: para-dispatch
app.kubernetes.io/component: session
{{- end }}
