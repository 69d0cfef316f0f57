#!/usr/bin/env bash
# Puts one site of the two-region stack (region a, region b or the witness w) on a host over SSH: checks the host,
# creates the cross-host networks if missing, copies the bundle (the committed tree: `git archive HEAD`; outside a
# git repository, the folder minus build output and local state), writes its env file (generated here by
# deploy/compose/compose-env.sh: the same file for all three hosts), runs
# `docker compose up -d --build --wait` with the site's compose file, and reports. docs/deploy.md has the whole walk.
#
# --dry-run prints every command it would run and runs none of them: no host is contacted. It still checks the
# arguments and that every password is present, so a dry run that passes has everything the real run needs.
# No password is ever printed: the env file travels on ssh's stdin and is shown as "< (env file ...)".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secret_keys=(REDIS_PASSWORD POSTGRES_SUPERUSER_PASSWORD POSTGRES_REPLICATION_PASSWORD SHOP_DB_PASSWORD
  PATRONI_REST_PASSWORD ETCD_ROOT_PASSWORD)
networks=(region-a:A_NETWORK region-b:B_NETWORK witness:W_NETWORK)

usage() {
  cat <<'USAGE'
Usage: deploy/deploy-region.sh --region a|b|w --host [USER@]HOST --public-a IP --public-b IP [options]

Puts one site of the stack on HOST over SSH, waits until every container is healthy and reports.
Deploy the witness first, then region a, then region b (docs/deploy.md).

Required:
  --region a|b|w        the site: region a, region b, or the witness w
  --host [USER@]HOST    where to put it (SSH; key-based login, the user may run docker)
  --public-a IP         public address of region A's host   } the witness DNS answers with both;
  --public-b IP         public address of region B's host   } the same on every host

Options:
  --secrets FILE        the six passwords, KEY=VALUE (names: deploy/secrets.env.example); a password set in the
                        environment wins. Use the SAME passwords for all three hosts.
  --dir DIR             folder on the host (default /opt/stateless)
  --tls-cert FILE       certificate chain (PEM) and its private key: the proxies serve HTTPS on 443
  --tls-key FILE        (regions a and b; both or neither; see docs/deploy.md "TLS")
  --timeout SECONDS     how long to wait for health (default 600)
  --dry-run             print every command, run none, contact no host
  -h, --help            this text

Exit status: 0 when the site is up and healthy; 2 for bad arguments; 1 when a step fails (the message names it).
USAGE
}

script=deploy-region.sh
# shellcheck source=SCRIPTDIR/lib/script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/script-common.sh"

region="" host="" public_a="" public_b="" secrets_file="" dir=/opt/stateless tls_cert="" tls_key="" timeout=600 dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --region | --host | --public-a | --public-b | --secrets | --dir | --tls-cert | --tls-key | --timeout)
      if [ $# -lt 2 ] || [ -z "$2" ] || [[ $2 == --* ]]; then refuse "$1 needs a value"; fi
      case "$1" in
        --region) region=$2 ;;
        --host) host=$2 ;;
        --public-a) public_a=$2 ;;
        --public-b) public_b=$2 ;;
        --secrets) secrets_file=$2 ;;
        --dir) dir=$2 ;;
        --tls-cert) tls_cert=$2 ;;
        --tls-key) tls_key=$2 ;;
        --timeout) timeout=$2 ;;
      esac
      shift 2
      ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) refuse "unknown argument '$1'" ;;
  esac
done

[ -n "$region" ] || refuse "--region is required (a, b or w)"
case "$region" in a | b | w) ;; *) refuse "--region must be a, b or w, not '$region'" ;; esac
[ -n "$host" ] || refuse "--host is required ([USER@]HOST)"
[[ $host =~ ^([A-Za-z0-9._-]+@)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] || refuse "--host '$host' is not [USER@]HOST"
[ -n "$public_a" ] || refuse "--public-a is required (region A host's public IPv4 address)"
[ -n "$public_b" ] || refuse "--public-b is required (region B host's public IPv4 address)"
is_ipv4 "$public_a" || refuse "--public-a '$public_a' is not an IPv4 address"
is_ipv4 "$public_b" || refuse "--public-b '$public_b' is not an IPv4 address"
[ "$public_a" != "$public_b" ] || refuse "--public-a and --public-b are the same address: the regions need a host each"
[[ $dir =~ ^/[A-Za-z0-9._/-]+$ ]] || refuse "--dir '$dir' must be an absolute path (letters, digits, . _ - /)"
if ! [[ $timeout =~ ^[0-9]+$ ]] || [ "$timeout" -lt 30 ]; then
  refuse "--timeout '$timeout' must be a number of seconds, at least 30"
fi
if [ -n "$tls_cert$tls_key" ]; then
  if [ -z "$tls_cert" ] || [ -z "$tls_key" ]; then refuse "--tls-cert and --tls-key go together"; fi
  [ "$region" != w ] || refuse "the witness has no proxy: --tls-cert/--tls-key are for regions a and b"
  [ -r "$tls_cert" ] || refuse "cannot read the certificate $tls_cert"
  [ -r "$tls_key" ] || refuse "cannot read the key $tls_key"
fi
if [ -n "$secrets_file" ] && [ ! -r "$secrets_file" ]; then
  refuse "cannot read the secrets file $secrets_file"
fi

# Every password present (from the environment or the file), checked by name only.
missing=()
for key in "${secret_keys[@]}"; do
  if [ -z "${!key:-}" ] && ! { [ -n "$secrets_file" ] && grep -Eq "^${key}=.+" "$secrets_file"; }; then
    missing+=("$key")
  fi
done
[ ${#missing[@]} -eq 0 ] || refuse "missing password(s): ${missing[*]} (environment or --secrets FILE; names: deploy/secrets.env.example)"

case "$region" in
  a) compose_file=deploy/compose/region-a.yml ;;
  b) compose_file=deploy/compose/region-b.yml ;;
  w) compose_file=deploy/compose/witness.yml ;;
esac
project="stateless-$region"
compose="docker compose -p $project --env-file .env -f $compose_file"
ssh_options=(-o BatchMode=yes -o ConnectTimeout=10)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step=0

# Prints a command (shell-quoted, as it would be typed) and runs it unless --dry-run; a failure names the step.
# With --input FILE LABEL the command reads FILE on stdin, shown as "< (LABEL)" so that no content is printed.
run() {
  local input="" label=""
  if [ "$1" = --input ]; then input=$2 label=$3; shift 3; fi
  step=$((step + 1))
  local shown="" word
  for word in "$@"; do shown="$shown${shown:+ }$(quote "$word")"; done
  [ -z "$input" ] || shown="$shown < ($label)"
  echo "+ $shown"
  [ "$dry_run" -eq 1 ] && return 0
  local status=0
  if [ -n "$input" ]; then "$@" <"$input" || status=$?; else "$@" || status=$?; fi
  [ "$status" -eq 0 ] || fail "step $step failed (exit $status): $shown"
}
remote() { run ssh "${ssh_options[@]}" "$host" "$@"; }
remote_input() { local input=$1 label=$2; shift 2; run --input "$input" "$label" ssh "${ssh_options[@]}" "$host" "$@"; }

echo "==> region $region on $host (${dir}; compose file $compose_file)$([ "$dry_run" -eq 1 ] && echo ', DRY RUN: nothing is run')"

echo "==> 1. the env file (generated here from deploy/topology.env; holds the passwords, never printed)"
env_args=(-o "$work/env" --public-a "$public_a" --public-b "$public_b" --http-port 80)
[ -z "$tls_cert" ] || env_args+=(--tls --https-port 443)
[ -z "$secrets_file" ] || env_args+=(--secrets "$secrets_file")
# Local and harmless (a temporary file), so it runs in a dry run too: it proves the inputs are complete.
shown="deploy/compose/compose-env.sh"
for word in "${env_args[@]}"; do shown="$shown $(quote "$word")"; done
echo "+ $shown"
"$root/deploy/compose/compose-env.sh" "${env_args[@]}" 2>/dev/null || fail "deploy/compose/compose-env.sh failed: run it by hand to see why"
network_subnet() { grep -E "^$1=" "$work/env" | cut -d= -f2; }

echo "==> 2. the host: Docker with compose, a Swarm manager (docs/deploy.md, 'Hosts and networks')"
remote "docker compose version >/dev/null && test \"\$(docker info --format '{{.Swarm.ControlAvailable}}')\" = true || { echo 'this host is not a Docker Swarm manager with docker compose: see docs/deploy.md' >&2; exit 1; }"

echo "==> 3. the three cross-host networks (encrypted overlay, the topology's subnets), created once"
for entry in "${networks[@]}"; do
  name="stateless-${entry%%:*}"
  subnet=$(network_subnet "${entry#*:}")
  remote "docker network inspect $name >/dev/null 2>&1 || docker network create --driver overlay --attachable --opt encrypted --subnet $subnet $name"
done

if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "==> 4. the bundle: the committed tree (git archive HEAD), nothing else"
  if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
    echo "    note: uncommitted changes are NOT deployed (the bundle is HEAD)"
  fi
  run git -C "$root" archive --format=tar.gz -o "$work/bundle.tar.gz" HEAD
else
  # Not a git repository yet (a solution fresh from `dotnet new`): the folder, minus build output, local state and
  # env files (passwords). The same fixed list as the deploy tests' listing (RepositoryFiles.SkippedFolders).
  echo "==> 4. the bundle: the folder as it is (not a git repository), minus build output, local state and .env files"
  run tar -czf "$work/bundle.tar.gz" -C "$root" --exclude=./.git --exclude=bin --exclude=obj --exclude=.stack \
    --exclude=TestResults --exclude=artifacts --exclude=.vs --exclude=.idea --exclude=.env .
fi
run scp -q "${ssh_options[@]}" "$work/bundle.tar.gz" "$host:/tmp/stateless-bundle.tar.gz"
remote "mkdir -p $dir && tar -xzf /tmp/stateless-bundle.tar.gz -C $dir && rm -f /tmp/stateless-bundle.tar.gz"

echo "==> 5. the env file on the host (mode 600)"
remote_input "$work/env" "env file: topology + 6 passwords, not shown" "umask 077 && cat > $dir/.env"
if [ -n "$tls_cert" ]; then
  cat "$tls_cert" "$tls_key" >"$work/proxy.pem"
  # Owned by uid 99, the user the official haproxy image runs as: readable by the proxy, by nobody else.
  remote_input "$work/proxy.pem" "certificate chain + private key, not shown" "umask 077 && cat > $dir/deploy/compose/tls/proxy.pem && chown 99:99 $dir/deploy/compose/tls/proxy.pem"
fi

echo "==> 6. up, and wait until every container is healthy (at most ${timeout}s)"
remote "cd $dir && $compose up -d --build --wait --wait-timeout $timeout"

echo "==> 7. report"
remote "cd $dir && $compose ps"
if [ "$region" != w ]; then
  public=$([ "$region" = a ] && echo "$public_a" || echo "$public_b")
  run curl -fsS --max-time 10 -o /dev/null -w "%{http_code} from http://$public/health/ready\n" "http://$public/health/ready"
fi
echo "==> region $region: $([ "$dry_run" -eq 1 ] && echo 'dry run complete, nothing was run' || echo 'up and healthy')"
