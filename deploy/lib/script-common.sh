# shellcheck shell=bash
# Helpers shared by the deploy scripts (sourced, not run). The sourcing script sets `script` to its own name first,
# so that every message says which script refused or failed.

fail() { echo "${script:?}: $*" >&2; exit 1; }
refuse() { echo "${script:?}: $*" >&2; echo "Run deploy/${script:?} -h for usage." >&2; exit 2; }

is_ipv4() {
  [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
  local octet
  for octet in "${BASH_REMATCH[@]:1}"; do [ "$octet" -le 255 ] || return 1; done
}

# One word as it would be typed: bare when safe, else in single quotes.
quote() {
  if [[ $1 =~ ^[A-Za-z0-9_./:@=,+%-]+$ ]]; then
    printf '%s' "$1"
  else
    local single="'" escaped="'\\''"
    printf "'%s'" "${1//$single/$escaped}"
  fi
}
