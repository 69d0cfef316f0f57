#!/bin/sh
# Scales alerts.yml's durations to the metrics interval, as the stack controller does (AlertRules.Scale in
# src/StatelessApp.Stack/Servers/AlertRules.cs): every `for: Ns` and every range window `[Ns` is multiplied by
# FACTOR (METRICS_INTERVAL_SECONDS), so an alert waits the same number of evaluations at any interval. POSIX sh + awk.
# tests/StatelessApp.DeployTests compares it with the controller.
#   scale-durations.sh FACTOR < alerts.yml > scaled.yml
set -eu
if [ $# -ne 1 ]; then
  echo "usage: scale-durations.sh FACTOR < alerts.yml > scaled.yml" >&2
  exit 2
fi
case "$1" in
  '' | *[!0-9]* | 0) echo "scale-durations.sh: FACTOR must be a whole number of seconds, at least 1, not '$1'" >&2; exit 2 ;;
esac
awk -v factor="$1" '
  {
    line = $0
    done = ""
    while (match(line, /(for:[ \t]*|\[)[0-9]+s/)) {
      start = RSTART
      length_ = RLENGTH
      token = substr(line, start, length_)
      digits = token
      sub(/^(for:[ \t]*|\[)/, "", digits)
      sub(/s$/, "", digits)
      head = substr(token, 1, length(token) - length(digits) - 1)
      done = done substr(line, 1, start - 1) head sprintf("%d", digits * factor) "s"
      line = substr(line, start + length_)
    }
    print done line
  }
'
