#!/usr/bin/env bash
# Puts one site of the two-region stack (region a, region b or the witness w) on a host over SSH: checks the host,
# creates the cross-host networks if missing, copies the bundle (the committed tree: `git archive HEAD`; outside a
# git repository, the folder minus build output and local state), writes its env file (generated here by
# deploy/compose/compose-env.sh: the same file for all three hosts, and no password in it), ships the site's
# secrets (deploy/compose/site-secrets.sh: only the files this site's services use, each folder owned by its
# service's uid), runs `docker compose up -d --build --wait` with the site's compose file, and reports.
# docs/deploy.md has the whole walk.
#
# Compose: the v2 plugin (`docker compose`) when the host has it, else Debian's docker-compose 1.29, which has no
# `up --wait`: then `up -d` and deploy/compose/wait-healthy.sh, which polls the containers' health within --timeout.
#
# --etcd-only starts the site's etcd member alone and waits for nothing: a member of a new three-member cluster
# serves no client request (so passes no health check) until a second member is up (etcd 3.4 serves clients only
# once the cluster has accepted it), so the first deploy starts etcd on all three sites before any full run.
# The SSH user is root, or a user in the docker group with passwordless sudo: the secrets step runs under `sudo -n`
# (it replaces folders owned by the services' uids and gives the new ones to them).
#
# --dry-run prints every command it would run and runs none of them: no host is contacted. It still checks the
# arguments and builds the site's secrets locally, so a dry run that passes has everything the real run needs.
# No password or key is ever printed: files travel on ssh's stdin and are shown as "< (what, not shown)".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
networks=(region-a:A_NETWORK region-b:B_NETWORK witness:W_NETWORK)

usage() {
  cat <<'USAGE'
Usage: deploy/deploy-region.sh --region a|b|w --host [USER@]HOST --public-a IP --public-b IP --tls DIR [options]

Puts one site of the stack on HOST over SSH, waits until every container is healthy and reports.
First deploy: --etcd-only for w, a and b, then w, a and b in full (docs/deploy.md).

Required:
  --region a|b|w        the site: region a, region b, or the witness w
  --host [USER@]HOST    where to put it (SSH; key-based login, the user may run docker)
  --public-a IP         public address of region A's host   } the witness DNS answers with both;
  --public-b IP         public address of region B's host   } the same on every host
  --tls DIR             the deployment's TLS material (deploy/issue-certificates.sh); the same for all hosts

Options:
  --secrets FILE        the passwords, KEY=VALUE (names: deploy/secrets.env.example); a password set in the
                        environment wins. Use the SAME passwords for all three hosts; each gets only its own.
  --dir DIR             folder on the host (default /opt/stateless); the SSH user must be root or have
                        passwordless sudo (the secret folders are given to the services' uids), and own DIR
                        or be root
  --tls-cert FILE       the proxies' public certificate chain (PEM) and its private key (regions a and b; both
  --tls-key FILE        or neither). Without them the proxies serve their node certificate (deployment CA)
  --ca-bundle FILE      ship this CA bundle instead of TLS_DIR/ca.crt (CA rotation: docs/deploy.md)
  --timeout SECONDS     how long to wait for health (default 600)
  --no-build            use the site's images already on the host (loaded with docker load, or pulled from your
                        registry) instead of building them there
  --etcd-only           start only the site's etcd member, wait for nothing (the first deploy's first pass)
  --dry-run             print every command, run none, contact no host
  -h, --help            this text

Exit status: 0 when the site is up and healthy; 2 for bad arguments; 1 when a step fails (the message names it).
USAGE
}

script=deploy-region.sh
# shellcheck source=SCRIPTDIR/lib/script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/script-common.sh"

region="" host="" public_a="" public_b="" secrets_file="" dir=/opt/stateless tls_dir="" tls_cert="" tls_key="" ca_bundle=""
timeout=600 dry_run=0 etcd_only=0 build=--build
while [ $# -gt 0 ]; do
  case "$1" in
    --region | --host | --public-a | --public-b | --secrets | --dir | --tls | --tls-cert | --tls-key | --ca-bundle | --timeout)
      if [ $# -lt 2 ] || [ -z "$2" ] || [[ $2 == --* ]]; then refuse "$1 needs a value"; fi
      case "$1" in
        --region) region=$2 ;;
        --host) host=$2 ;;
        --public-a) public_a=$2 ;;
        --public-b) public_b=$2 ;;
        --secrets) secrets_file=$2 ;;
        --dir) dir=$2 ;;
        --tls) tls_dir=$2 ;;
        --tls-cert) tls_cert=$2 ;;
        --ca-bundle) ca_bundle=$2 ;;
        --tls-key) tls_key=$2 ;;
        --timeout) timeout=$2 ;;
      esac
      shift 2
      ;;
    --dry-run) dry_run=1; shift ;;
    --etcd-only) etcd_only=1; shift ;;
    --no-build) build=--no-build; shift ;;
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
[ -n "$tls_dir" ] || refuse "--tls DIR is required (the output of deploy/issue-certificates.sh)"
[ -r "$tls_dir/ca.crt" ] || refuse "$tls_dir has no ca.crt: run deploy/issue-certificates.sh --out $tls_dir"
[ -z "$ca_bundle" ] || [ -r "$ca_bundle" ] || refuse "cannot read the CA bundle $ca_bundle"

case "$region" in
  a) compose_file=deploy/compose/region-a.yml ;;
  b) compose_file=deploy/compose/region-b.yml ;;
  w) compose_file=deploy/compose/witness.yml ;;
esac
project="stateless-$region"
ssh_options=(-o BatchMode=yes -o ConnectTimeout=10)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step=0

# Prints a command (shell-quoted, as it would be typed) and runs it unless --dry-run; a failure names the step.
# With --input FILE LABEL the command reads FILE on stdin, shown as "< (LABEL)" so that no content is printed; with
# --output FILE its standard output goes to FILE.
run() {
  local input="" label="" output=""
  if [ "$1" = --output ]; then output=$2; shift 2; fi
  if [ "$1" = --input ]; then input=$2 label=$3; shift 3; fi
  step=$((step + 1))
  local shown="" word
  for word in "$@"; do shown="$shown${shown:+ }$(quote "$word")"; done
  [ -z "$input" ] || shown="$shown < ($label)"
  echo "+ $shown"
  [ "$dry_run" -eq 1 ] && return 0
  local status=0
  if [ -n "$input" ]; then
    "$@" <"$input" || status=$?
  elif [ -n "$output" ]; then
    "$@" >"$output" || status=$?
  else
    "$@" || status=$?
  fi
  [ "$status" -eq 0 ] || fail "step $step failed (exit $status): $shown"
}
remote() { run ssh "${ssh_options[@]}" "$host" "$@"; }
# Like remote, and sets `answer` to the command's output (in a dry run, which runs nothing: to DRY_RUN_ANSWER).
remote_answer() {
  local dry_run_answer=$1
  shift
  run --output "$work/answer" ssh "${ssh_options[@]}" "$host" "$@"
  if [ "$dry_run" -eq 1 ]; then answer=$dry_run_answer; else answer=$(cat "$work/answer"); fi
}
remote_input() { local input=$1 label=$2; shift 2; run --input "$input" "$label" ssh "${ssh_options[@]}" "$host" "$@"; }

echo "==> region $region on $host (${dir}; compose file $compose_file)$([ "$dry_run" -eq 1 ] && echo ', DRY RUN: nothing is run')"

echo "==> 1. the env file (generated here from deploy/topology.env; no password in it)"
env_args=(-o "$work/env" --public-a "$public_a" --public-b "$public_b" --http-port 80 --secrets-dir "$dir/secrets")
# Local and harmless (a temporary file), so it runs in a dry run too: it proves the inputs are complete.
shown="deploy/compose/compose-env.sh"
for word in "${env_args[@]}"; do shown="$shown $(quote "$word")"; done
echo "+ $shown"
"$root/deploy/compose/compose-env.sh" "${env_args[@]}" 2>/dev/null || fail "deploy/compose/compose-env.sh failed: run it by hand to see why"
network_subnet() { grep -E "^$1=" "$work/env" | cut -d= -f2; }

echo "==> 1b. the site's secrets (only what its own services use; built here, never printed)"
secrets_args=(--site "$region" --tls "$tls_dir" --env "$work/env" -o "$work/secrets")
[ -z "$secrets_file" ] || secrets_args+=(--passwords "$secrets_file")
[ -z "$ca_bundle" ] || secrets_args+=(--ca-bundle "$ca_bundle")
[ -z "$tls_cert" ] || secrets_args+=(--proxy-cert "$tls_cert" --proxy-key "$tls_key")
shown="deploy/compose/site-secrets.sh"
for word in "${secrets_args[@]}"; do shown="$shown $(quote "$word")"; done
echo "+ $shown"
# Local, like step 1: it proves every password and certificate this site needs is there, in a dry run too.
status=0
site_secrets_output=$("$root/deploy/compose/site-secrets.sh" "${secrets_args[@]}" 2>&1) || status=$?
if [ "$status" -ne 0 ]; then
  reason=$(grep -m1 'site-secrets.sh: ' <<<"$site_secrets_output" || true)
  reason=${reason#*site-secrets.sh: }
  # Its refusals (exit 2: a missing or unusable password, bad TLS material) are this script's refusals.
  if [ "$status" -eq 2 ]; then refuse "${reason:-deploy/compose/site-secrets.sh refused: run it by hand to see why}"; fi
  fail "deploy/compose/site-secrets.sh failed: ${reason:-run it by hand to see why}"
fi
tar -czf "$work/secrets.tar.gz" -C "$work/secrets" .
services_shipped=$(find "$work/secrets" -mindepth 1 -maxdepth 1 -type d | wc -l)

echo "==> 2. the host: Docker with compose, a Swarm manager, root or passwordless sudo (docs/deploy.md, 'Hosts and networks')"
# Which compose the host has: the v2 plugin, or Debian's docker-compose 1.29 (no `up --wait`: step 6 polls instead).
remote_answer "docker compose" "if docker compose version >/dev/null 2>&1; then echo 'docker compose'; elif docker-compose version >/dev/null 2>&1; then echo docker-compose; else echo 'this host has neither docker compose nor docker-compose: see docs/deploy.md' >&2; exit 1; fi; test \"\$(docker info --format '{{.Swarm.ControlAvailable}}')\" = true || { echo 'this host is not a Docker Swarm manager: see docs/deploy.md' >&2; exit 1; }"
case "$answer" in
  "docker compose" | docker-compose) compose_cli=$answer compose="$answer -p $project --env-file .env -f $compose_file" ;;
  *) fail "step $step: the host answered '$answer', not which compose it has" ;;
esac
[ "$dry_run" -eq 1 ] || echo "    compose on the host: $answer"
remote "test \"\$(id -u)\" -eq 0 || sudo -n true || { echo 'the SSH user is neither root nor allowed passwordless sudo: see docs/deploy.md' >&2; exit 1; }"

echo "==> 3. the three cross-host networks (encrypted overlay, the topology's subnets), created once"
for entry in "${networks[@]}"; do
  name="stateless-${entry%%:*}"
  subnet=$(network_subnet "${entry#*:}")
  # Docker's own address picks (a node's other networks) from the upper half: the lower half holds the fixed ones.
  ip_range=$(network_subnet "${entry#*:}_DYNAMIC")
  remote "docker network inspect $name >/dev/null 2>&1 || docker network create --driver overlay --attachable --opt encrypted --subnet $subnet --ip-range $ip_range $name"
done

if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "==> 4. the bundle: the committed tree (git archive HEAD), nothing else"
  if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
    echo "    note: uncommitted changes are NOT deployed (the bundle is HEAD)"
  fi
  run git -C "$root" archive --format=tar.gz -o "$work/bundle.tar.gz" HEAD
else
  # Not a git repository yet (a solution fresh from `dotnet new`): the folder, minus build output, local state and
  # env files, secret folders. The same fixed list as the deploy tests' listing (RepositoryFiles.SkippedFolders).
  echo "==> 4. the bundle: the folder as it is (not a git repository), minus build output, local state and .env files"
  run tar -czf "$work/bundle.tar.gz" -C "$root" --exclude=./.git --exclude=bin --exclude=obj --exclude=.stack \
    --exclude=TestResults --exclude=artifacts --exclude=.vs --exclude=.idea --exclude=.env --exclude=secrets .
fi
run scp -q "${ssh_options[@]}" "$work/bundle.tar.gz" "$host:/tmp/stateless-bundle.tar.gz"
remote "mkdir -p $dir && tar -xzf /tmp/stateless-bundle.tar.gz -C $dir && rm -f /tmp/stateless-bundle.tar.gz"

echo "==> 5. the env file and the site's secrets on the host (each service folder owned by its service's uid)"
remote_input "$work/env" "env file: topology, no password" "umask 077 && cat > $dir/.env"
# As root (directly or by sudo -n): the old folders belong to the services' uids, and so must the new ones. Each
# service's folder is refilled in place, never replaced: a running container's mount holds the folder itself, and a
# replaced one would leave it an empty, deleted folder (found on three engines: etcd lost its certificate at the
# second run). Folders of services the site no longer has are removed.
remote_input "$work/secrets.tar.gz" "secrets of site $region: $services_shipped service folders, not shown" "as_root=; test \"\$(id -u)\" -eq 0 || as_root='sudo -n'; \$as_root sh -c 'umask 077 && rm -rf $dir/secrets.new && mkdir -p $dir/secrets.new $dir/secrets && tar -xzf - -C $dir/secrets.new && for old in $dir/secrets/*/; do test -d \"\$old\" || continue; test -d $dir/secrets.new/\$(basename \"\$old\") || rm -rf \"\$old\"; done && for new in $dir/secrets.new/*/; do service=\$(basename \"\$new\"); mkdir -p $dir/secrets/\$service && find $dir/secrets/\$service -mindepth 1 -delete && cp -a \"\$new.\" $dir/secrets/\$service/ || exit 1; done && rm -rf $dir/secrets.new && bash $dir/deploy/compose/site-secrets.sh --owners-only $dir/secrets --env $dir/.env'"

if [ "$etcd_only" -eq 1 ]; then
  echo "==> 6. the etcd member alone (healthy once a second member is up: the full runs wait for that)"
  remote "cd $dir && $compose up -d $build --no-deps etcd-$region"
  remote "cd $dir && $compose ps etcd-$region"
  echo "==> region $region: $([ "$dry_run" -eq 1 ] && echo 'dry run complete, nothing was run' || echo 'etcd member started')"
  exit 0
fi

echo "==> 6. up, and wait until every container is healthy (at most ${timeout}s)"
if [ "$compose_cli" = "docker compose" ]; then
  remote "cd $dir && $compose up -d $build --wait --wait-timeout $timeout"
else
  # docker-compose 1.29 waits for the depends_on conditions itself, then the poll covers the rest (apps, proxy).
  remote "cd $dir && timeout $timeout $compose up -d $build && sh deploy/compose/wait-healthy.sh $project $timeout"
fi

echo "==> 7. report"
remote "cd $dir && $compose ps"
if [ "$region" != w ]; then
  public=$([ "$region" = a ] && echo "$public_a" || echo "$public_b")
  # The deployment CA when the proxies serve their node certificate; the system's trust for an operator's chain.
  ca_option=()
  [ -n "$tls_cert" ] || ca_option=(--cacert "${ca_bundle:-$tls_dir/ca.crt}")
  run curl -fsS --max-time 10 "${ca_option[@]}" -o /dev/null -w "%{http_code} from https://$public/health/ready\n" "https://$public/health/ready"
fi
echo "==> region $region: $([ "$dry_run" -eq 1 ] && echo 'dry run complete, nothing was run' || echo 'up and healthy')"
