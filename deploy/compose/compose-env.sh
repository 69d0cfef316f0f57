#!/usr/bin/env bash
# Writes the env file that docker-compose reads (`--env-file FILE`) for docker-compose.yml and the per-region files.
# It is GENERATED from the one definition of the topology (deploy/topology.env), so the compose files hold no
# address, port, name or password of their own:
#   1. every key of deploy/topology.env, verbatim — except that addresses and networks move from loopback to the
#      container address space: the same host part under COMPOSE_ADDRESS_BASE (127.1.0.10 → 10.201.0.10 with the
#      default 10.200.0.0). Containers cannot use 127.x: inside a container 127.0.0.0/8 is its own loopback.
#      As for `./stack`, a variable set in the environment overrides a key the file defines.
#   2. values derived from them that compose cannot compute (the initial Redis primary's address, etcd's member
#      list and client URLs (TLS), each PostgreSQL node's region for the app, the proxies' published and public
#      addresses);
#   3. SECRETS_DIR: the host folder that holds one sub-folder of secret files per service, which each container
#      mounts at /run/secrets (written by deploy/compose/site-secrets.sh; docs/deploy.md, "Secrets").
# The file holds NO password (they live only in SECRETS_DIR's files); it is still created with mode 600.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
topology_file="$root/deploy/topology.env"

usage() {
  cat <<USAGE
Usage: deploy/compose/compose-env.sh -o FILE [options]

Writes the docker-compose env file (mode 600, no password in it) from deploy/topology.env.

Options:
  -o, --output FILE     where to write (required); e.g. .env for docker-compose.yml at the repository root
  --secrets-dir DIR     where the per-service secret folders live ON THE DOCKER HOST (absolute; default
                        deploy/compose/secrets of this checkout); deploy/compose/site-secrets.sh fills it
  --public-a ADDR       region A's public address (real hosts): the proxies then publish on 0.0.0.0 and the
  --public-b ADDR       witness DNS answers with these two addresses. Default (one Docker host): the proxies
                        publish on the topology's loopback addresses, exactly where ./stack puts them
  --http-port PORT      host port the proxies publish for HTTP (it only redirects to HTTPS; default 80 with
                        --public-*, else PROXY_HTTP_PORT)
  --https-port PORT     host port the proxies publish for HTTPS (default 443 with --public-*, else PROXY_PORT)
  --topology FILE       the topology to read (default deploy/topology.env; the compose tests move its addresses)
  --dry-run             print what would be written, write nothing
  -h, --help            this text

Environment: COMPOSE_ADDRESS_BASE (default 10.200.0.0) moves the container networks if they clash with yours.
USAGE
}

die() { echo "compose-env.sh: $*" >&2; exit 1; }

output="" secrets_dir="$root/deploy/compose/secrets" public_a="" public_b="" http_port="" https_port="" dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    -o|--output) [ $# -ge 2 ] || die "$1 needs a file"; output=$2; shift 2 ;;
    --secrets-dir) [ $# -ge 2 ] || die "$1 needs a folder"; secrets_dir=$2; shift 2 ;;
    --public-a) [ $# -ge 2 ] || die "$1 needs an address"; public_a=$2; shift 2 ;;
    --public-b) [ $# -ge 2 ] || die "$1 needs an address"; public_b=$2; shift 2 ;;
    --http-port) [ $# -ge 2 ] || die "$1 needs a port"; http_port=$2; shift 2 ;;
    --https-port) [ $# -ge 2 ] || die "$1 needs a port"; https_port=$2; shift 2 ;;
    --topology) [ $# -ge 2 ] || die "$1 needs a file"; topology_file=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see -h)" ;;
  esac
done
[ -n "$output" ] || die "-o FILE is required (see -h)"
[ -r "$topology_file" ] || die "cannot read $topology_file"

is_ipv4() {
  local IFS=. octet
  # shellcheck disable=SC2206 # splitting on dots is the point
  local parts=($1)
  [[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || return 1
  for octet in "${parts[@]}"; do [ "$octet" -le 255 ] || return 1; done
}
is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }
to_int() { local IFS=.; read -r a b c d <<<"$1"; echo $(((a << 24) | (b << 16) | (c << 8) | d)); }
to_ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }

if [ -n "$public_a$public_b" ]; then
  if [ -z "$public_a" ] || [ -z "$public_b" ]; then die "--public-a and --public-b go together (the DNS answers with both)"; fi
  is_ipv4 "$public_a" || die "--public-a '$public_a' is not an IPv4 address"
  is_ipv4 "$public_b" || die "--public-b '$public_b' is not an IPv4 address"
fi
[ -z "$http_port" ] || is_port "$http_port" || die "--http-port '$http_port' is not a port number"
[ -z "$https_port" ] || is_port "$https_port" || die "--https-port '$https_port' is not a port number"
[[ $secrets_dir =~ ^/[A-Za-z0-9._/-]+$ ]] || die "--secrets-dir '$secrets_dir' must be an absolute path (letters, digits, . _ - /)"

base="${COMPOSE_ADDRESS_BASE:-10.200.0.0}"
if ! is_ipv4 "$base" || [[ $base != *.0.0 ]]; then die "COMPOSE_ADDRESS_BASE '$base' must be an IPv4 address ending in .0.0"; fi
loopback=$(to_int 127.0.0.0)
base_int=$(to_int "$base")

# Moves a loopback address (or network) of the topology into the container space: same offset from the base.
translate() {
  local value=$1 address=${1%%/*} suffix=""
  [[ $value == */* ]] && suffix="/${value#*/}"
  local moved=$((base_int + $(to_int "$address") - loopback))
  (((moved >> 24) == (base_int >> 24))) || die "$address does not fit under COMPOSE_ADDRESS_BASE $base"
  echo "$(to_ip "$moved")$suffix"
}

# 1. The topology, read like the controller reads it (TopologyFile.Read): KEY=VALUE, an environment variable
#    overrides a key the file defines.
declare -A topology=() original=()
keys=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line#"${line%%[![:space:]]*}"}"
  [ -z "$line" ] || [[ $line == \#* ]] && continue
  key=${line%%=*}
  value=${line#*=}
  [ -n "${!key:-}" ] && value=${!key}
  topology[$key]=$value
  original[$key]=$value
  keys+=("$key")
done <"$topology_file"
# The proxies extend deploy/compose/proxies/${STACK_PROXY_KIND}.yml: only the kinds that have such a file.
proxy_kind=${topology[STACK_PROXY_KIND]:-}
[ -f "$root/deploy/compose/proxies/$proxy_kind.yml" ] || die "STACK_PROXY_KIND '$proxy_kind' must be haproxy or nginx"

lines=("# GENERATED by deploy/compose/compose-env.sh from deploy/topology.env: do not edit, regenerate." "# Holds no password (they are files under SECRETS_DIR).")
for key in "${keys[@]}"; do
  value=${topology[$key]}
  case "$key" in
    *_ADDR | *_NETWORK) value=$(translate "$value") ;;
  esac
  topology[$key]=$value
  lines+=("$key=$value")
done

# 2. Derived values.
region_key() { echo "${1^^}"; }
primary=$(region_key "${topology[REDIS_INITIAL_PRIMARY]}")
lines+=("REDIS_INITIAL_PRIMARY_ADDR=${topology[${primary}_REDIS_ADDR]}")
peer_port=${topology[ETCD_PEER_PORT]}
client_port=${topology[ETCD_CLIENT_PORT]}
# etcd speaks TLS only, peers and clients alike.
lines+=("ETCD_INITIAL_CLUSTER=etcd-a=https://${topology[A_ETCD_ADDR]}:$peer_port,etcd-b=https://${topology[B_ETCD_ADDR]}:$peer_port,etcd-w=https://${topology[W_ETCD_ADDR]}:$peer_port")
lines+=("ETCD_ENDPOINTS=${topology[A_ETCD_ADDR]}:$client_port,${topology[B_ETCD_ADDR]}:$client_port,${topology[W_ETCD_ADDR]}:$client_port")
lines+=("ETCD_CLIENT_URLS=https://${topology[A_ETCD_ADDR]}:$client_port,https://${topology[B_ETCD_ADDR]}:$client_port,https://${topology[W_ETCD_ADDR]}:$client_port")
# The failure detectors' timings that depend on the distance (the rule lives in deploy/lib/failure-timeouts.sh).
timeouts=$(SITE_RTT_A_B=${topology[SITE_RTT_A_B]:-} SITE_RTT_A_W=${topology[SITE_RTT_A_W]:-} SITE_RTT_B_W=${topology[SITE_RTT_B_W]:-} \
  "$root/deploy/lib/failure-timeouts.sh" 2>&1) || die "${timeouts%%$'\n'*}"
while IFS= read -r line; do lines+=("$line"); done <<<"$timeouts"
# node_regions KIND PORT: "address:PORT=region,…" for every node of KIND, from the site prefix of its key (A_KIND_ADDR is
# in region a): the app's Database:NodeRegions (PostgreSQL, in the host:port form of ConnectionStrings__Shop,
# deploy/compose/site-secrets.sh) and Redis:NodeRegions (the data nodes as the Sentinels announce them), so an instance
# reads from its own region's nodes.
node_regions() {
  local key regions=""
  for key in "${keys[@]}"; do
    [[ $key =~ ^([A-Z])_${1}_ADDR$ ]] || continue
    regions+="${regions:+,}${topology[$key]}:$2=${BASH_REMATCH[1],,}"
  done
  echo "$regions"
}
lines+=("POSTGRES_NODE_REGIONS=$(node_regions POSTGRES "${topology[POSTGRES_PORT]}")")
lines+=("REDIS_NODE_REGIONS=$(node_regions REDIS "${topology[REDIS_PORT]}")")
# Docker hands out addresses for a container's other networks from the upper half of each site network, so they
# never take a node's fixed address (all in the lower half, or compose stops with "Address already in use").
for site in A B W; do
  network=${topology[${site}_NETWORK]}
  prefix=${network#*/}
  if ! [[ $prefix =~ ^[0-9]+$ ]] || [ "$prefix" -lt 8 ] || [ "$prefix" -gt 24 ]; then
    die "${site}_NETWORK '${original[${site}_NETWORK]}' needs a prefix of /8 to /24"
  fi
  half=$((1 << (31 - prefix)))
  start=$(to_int "${network%/*}")
  for key in "${keys[@]}"; do
    [[ $key == "${site}"_*_ADDR ]] || continue
    offset=$(($(to_int "${topology[$key]}") - start))
    if [ "$offset" -lt 0 ] || [ "$offset" -ge "$half" ]; then
      die "$key '${original[$key]}' must lie in the lower half of ${site}_NETWORK '${original[${site}_NETWORK]}' (the upper half is Docker's to hand out)"
    fi
  done
  lines+=("${site}_NETWORK_DYNAMIC=$(to_ip $((start + half)))/$((prefix + 1))")
done

if [ -n "$public_a" ]; then
  # Real hosts: the proxies take the host's public traffic; the witness DNS answers with the public addresses.
  lines+=("PUBLISH_A_PROXY=0.0.0.0" "PUBLISH_B_PROXY=0.0.0.0" "PUBLISH_W_DNS=0.0.0.0")
  lines+=("PUBLIC_A_PROXY=$public_a" "PUBLIC_B_PROXY=$public_b")
  https_port=${https_port:-443}
  http_port=${http_port:-80}
else
  # One Docker host: published where ./stack listens (the topology's own loopback addresses), so a client (and
  # the stack's tests) cannot tell the two apart.
  lines+=("PUBLISH_A_PROXY=${original[A_PROXY_ADDR]}" "PUBLISH_B_PROXY=${original[B_PROXY_ADDR]}" "PUBLISH_W_DNS=${original[W_DNS_ADDR]}")
  lines+=("PUBLIC_A_PROXY=${original[A_PROXY_ADDR]}" "PUBLIC_B_PROXY=${original[B_PROXY_ADDR]}")
  https_port=${https_port:-${topology[PROXY_PORT]}}
  http_port=${http_port:-${topology[PROXY_HTTP_PORT]}}
fi
# Inside its container a proxy listens on the topology's PROXY_PORT (HTTPS) and PROXY_HTTP_PORT (redirects only);
# these are the host ports Docker publishes them on (PUBLISH_HTTPS_PORT is also the redirects' target port).
lines+=("PUBLISH_HTTP_PORT=$http_port" "PUBLISH_HTTPS_PORT=$https_port")
lines+=("SECRETS_DIR=$secrets_dir")

if [ "$dry_run" -eq 1 ]; then
  echo "compose-env.sh: dry run, would write $output (mode 600):"
  printf '%s\n' "${lines[@]}"
  exit 0
fi

umask 077
temporary="$output.tmp.$$"
printf '%s\n' "${lines[@]}" >"$temporary"
mv "$temporary" "$output"
echo "compose-env.sh: wrote $output (${#keys[@]} topology keys; no password: they are files under $secrets_dir)" >&2
