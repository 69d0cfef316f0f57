#!/usr/bin/env bash
# Rolls one region's app containers to another image of the shop, one at a time, on that region's host (run it there,
# in the folder deploy-region.sh deployed to): the compose equivalent of `./stack upgrade` and `./stack rollback`
# (docs/operations.md, "Upgrade and rollback"). NOT RUN HERE: the repository's tests check its dry run only.
#
# Images: every release is an immutable tag, statelessapp-web:TAG (build it on the host from the new bundle:
# `docker build -t statelessapp-web:TAG .`). The compose files run statelessapp-web:local; this script points that tag at
# the release, so a recreated container runs it while the others keep the image they started with.
#
# Upgrade: point :local at TAG, run the NEW image's migrate (it refuses a migration the running version cannot live
# with: expand/contract; then :local goes back and nothing else is touched), then per app container of the region:
# stop (SIGTERM: readiness fails first, the proxies take it out within the 2 s drain delay, in-flight requests finish),
# recreate from :local, wait until Docker reports it healthy, wait for the proxies' rise (2 checks 500 ms apart), next.
# Rollback: the same roll to the previous tag, without migration (the schema stays expanded; the old image ran on it).
# The tags live in DIR/.app-release (CURRENT= and PREVIOUS=).
#
# Order: upgrade the region WITHOUT the PostgreSQL primary first, then the other (the local stack's reason:
# docs/operations.md). --dry-run prints every command and runs none.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy/upgrade-region.sh --region a|b (--tag TAG | --rollback) [options]

Rolls region a's or b's two app containers, one at a time, to statelessapp-web:TAG (or back to the previous tag).
Run it on the region's host.

Required:
  --region a|b          the region whose app containers roll
  --tag TAG             the image tag to roll to (statelessapp-web:TAG must exist on this host)
  --rollback            instead of --tag: roll back to the previous tag (DIR/.app-release), no migration

Options:
  --dir DIR             the deployed folder (default /opt/stateless)
  --rise-wait SECONDS   after a container is healthy, how long the proxies need to take it back (default 2)
  --timeout SECONDS     how long one container may take to become healthy (default 120)
  --dry-run             print every command, run none
  -h, --help            this text

Exit status: 0 when every container runs the tag and is healthy; 2 for bad arguments; 1 when a step fails.
USAGE
}

script=upgrade-region.sh
# shellcheck source=SCRIPTDIR/lib/script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/script-common.sh"

region="" tag="" rollback=0 dir=/opt/stateless rise_wait=2 timeout=120 dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --region | --tag | --dir | --rise-wait | --timeout)
      if [ $# -lt 2 ] || [ -z "$2" ] || [[ $2 == --* ]]; then refuse "$1 needs a value"; fi
      case "$1" in
        --region) region=$2 ;;
        --tag) tag=$2 ;;
        --dir) dir=$2 ;;
        --rise-wait) rise_wait=$2 ;;
        --timeout) timeout=$2 ;;
      esac
      shift 2
      ;;
    --rollback) rollback=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) refuse "unknown argument '$1'" ;;
  esac
done

case "$region" in a | b) ;; "") refuse "--region is required (a or b)" ;; *) refuse "--region must be a or b, not '$region'" ;; esac
[[ $rise_wait =~ ^[0-9]+$ ]] || refuse "--rise-wait must be a whole number of seconds, not '$rise_wait'"
[[ $timeout =~ ^[0-9]+$ ]] || refuse "--timeout must be a whole number of seconds, not '$timeout'"
if [ "$rollback" -eq 1 ] && [ -n "$tag" ]; then refuse "give --tag or --rollback, not both"; fi
if [ "$rollback" -eq 0 ] && [ -z "$tag" ]; then refuse "--tag TAG or --rollback is required"; fi
[ -z "$tag" ] || [[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || refuse "--tag must be a Docker tag (letters, digits, _ . -), not '$tag'"
[ "$tag" != local ] || refuse "--tag local is the tag this script moves: give the release's own tag"

image=statelessapp-web
compose="docker compose -p stateless-$region --env-file .env -f deploy/compose/region-$region.yml"
apps=("app-${region}1" "app-${region}2")
state="$dir/.app-release"
current="" previous=""
if [ -r "$state" ]; then
  current=$(sed -n 's/^CURRENT=//p' "$state")
  previous=$(sed -n 's/^PREVIOUS=//p' "$state")
fi

# Prints a command as it would be typed and runs it (in DIR) unless --dry-run; a failure names the command and
# returns its status (set -e then ends the script, unless the caller checks it).
run() {
  local shown="" word status=0
  for word in "$@"; do shown="$shown${shown:+ }$(quote "$word")"; done
  echo "+ $shown"
  [ "$dry_run" -eq 1 ] && return 0
  (cd "$dir" && "$@") || status=$?
  [ "$status" -eq 0 ] || echo "$script: failed (exit $status): $shown" >&2
  return "$status"
}

# The seconds since the script started, for the report of each step.
started=$SECONDS
elapsed() { echo "$((SECONDS - started))s"; }

if [ "$rollback" -eq 1 ]; then
  [ -n "$previous" ] || fail "no previous tag in $state: nothing to roll back to"
  tag=$previous
  echo "==> region $region: rollback from ${current:-?} to $tag; no migration down (expand/contract: the schema stays expanded, $tag ran on it)"
else
  echo "==> region $region: upgrade from ${current:-the image tagged local} to $tag"
  run docker image inspect --format '{{.Id}}' "$image:$tag"
  if [ -z "$current" ]; then
    # The image the region runs now gets a tag of its own, so that a rollback has something to go back to.
    current="before-$tag"
    run docker tag "$image:local" "$image:$current"
  fi
fi

run docker tag "$image:$tag" "$image:local"
if [ "$rollback" -eq 0 ]; then
  echo "==> migrate with $tag ($(elapsed))"
  if ! run $compose run --rm --no-deps migrate; then
    run docker tag "$image:$current" "$image:local"
    fail "the new image's migrate failed: no container was touched, :local points at $current again"
  fi
fi

for app in "${apps[@]}"; do
  echo "==> $app: drain and stop ($(elapsed))"
  run $compose stop --timeout 15 "$app"
  echo "==> $app: start on $tag ($(elapsed))"
  run $compose up -d --no-deps --no-build "$app"
  echo "==> $app: wait until healthy ($(elapsed))"
  run bash -c "for _ in \$(seq $timeout); do [ \"\$(docker inspect --format '{{.State.Health.Status}}' \$($compose ps -q $app))\" = healthy ] && exit 0; sleep 1; done; exit 1"
  run sleep "$rise_wait"
  echo "==> $app: healthy and back in the proxies ($(elapsed))"
done

if [ "$dry_run" -eq 0 ]; then
  printf 'CURRENT=%s\nPREVIOUS=%s\n' "$tag" "$current" >"$state"
fi
echo "==> region $region runs $image:$tag ($(elapsed)); $state: CURRENT=$tag PREVIOUS=$current"
