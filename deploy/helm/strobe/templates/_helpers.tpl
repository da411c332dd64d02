{{- define "strobe.name" -}}{{ .Chart.Name }}{{- end -}}
{{- define "strobe.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "strobe.labels" -}}
app.kubernetes.io/name: {{ include "strobe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
{{- define "strobe.selector" -}}
app.kubernetes.io/name: {{ include "strobe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{/* Seconds of a duration such as 60s, 2m or 500ms (rounded up). */}}
{{- define "strobe.seconds" -}}
{{- $d := toString . -}}
{{- if hasSuffix "ms" $d -}}{{ div (add (trimSuffix "ms" $d | atoi) 999) 1000 }}
{{- else if hasSuffix "s" $d -}}{{ trimSuffix "s" $d | atoi }}
{{- else if hasSuffix "m" $d -}}{{ mul (trimSuffix "m" $d | atoi) 60 }}
{{- else -}}{{ fail (printf "cannot read the duration %q; write it like 60s, 2m or 500ms" $d) }}{{- end -}}
{{- end -}}
