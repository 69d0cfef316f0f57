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

# The cgroup v2 hierarchy's mount point, which iptables' `-m cgroup --path` is relative to: /sys/fs/cgroup on a pure
# v2 host, /sys/fs/cgroup/unified on a hybrid one (the stack's CgroupV2Root decides the same way).
cgroup_v2_root() {
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    echo /sys/fs/cgroup
  elif [ -e /sys/fs/cgroup/unified/cgroup.controllers ]; then
    echo /sys/fs/cgroup/unified
  else
    fail "no cgroup v2 hierarchy (neither /sys/fs/cgroup nor /sys/fs/cgroup/unified has cgroup.controllers)"
  fi
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

# load_compose_env GIVEN SCRATCH: reads a compose env file (deploy/compose/compose-env.sh's output) into the
# associative array `env` and sets `env_file`: GIVEN, or, when empty, one generated for the topology at SCRATCH.
load_compose_env() {
  # shellcheck disable=SC2034 # env_file and env are this function's results, read by the sourcing script
  env_file=${1:-$2}
  if [ -z "$1" ]; then
    "$(dirname "${BASH_SOURCE[0]}")/../compose/compose-env.sh" -o "$env_file" 2>/dev/null ||
      fail "deploy/compose/compose-env.sh failed: run it by hand to see why"
  fi
  [ -r "$env_file" ] || refuse "cannot read the env file $env_file"
  declare -gA env=()
  local line
  # shellcheck disable=SC2034 # see above
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line == *=* ]] && [[ $line != \#* ]] && env[${line%%=*}]=${line#*=}
  done <"$env_file"
}
