#!/bin/sh
# Test exec credential plugin: records KUBERNETES_EXEC_INFO, prints an ExecCredential with the token $1.
printf '%s\n' "$KUBERNETES_EXEC_INFO" >> "${MEMWHY_EXEC_LOG:-/dev/null}"
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"}}\n' "$PLUGIN_API_VERSION" "$1"
