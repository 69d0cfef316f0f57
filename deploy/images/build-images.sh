#!/usr/bin/env bash
# Builds every image the compose files use, tagged as they name them (deploy/images/images.txt, the one list).
#   build-images.sh                on the official base images, the Dockerfiles' defaults: what `docker compose build`
#                                  builds, for any machine that can pull them
#   build-images.sh --local-base   on the local Debian base (make-local-base.sh makes it when missing), for a machine
#                                  that reaches Debian's mirror and NuGet but no image registry: every server from
#                                  Debian's packages, the app as a self-contained publish (no .NET image)
#     --only NAME    only this image (its name in images.txt, e.g. statelessapp-redis:local; repeatable)
# Prints, per image, the seconds its build took and its size; fails on the first image that does not build.
set -euo pipefail
script=images/build-images.sh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=deploy/lib/script-common.sh
source "$here/../lib/script-common.sh"

local_base=0
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --local-base) local_base=1; shift ;;
    --only) [ $# -ge 2 ] || refuse "--only needs an image name"; only+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) refuse "unknown argument: $1" ;;
  esac
done
command -v docker >/dev/null || fail "docker is missing (deploy/local/install-prerequisites.sh --images)"

summary=()
total_start=$(date +%s%N)
base=""
if [ "$local_base" -eq 1 ]; then
  base=$("$here/make-local-base.sh")
  summary+=("$(printf '%-28s %7.1f s (made, or found)' "$base" "$(( ($(date +%s%N) - total_start) / 1000000 ))e-3")")
fi

# The base-image arguments of a Dockerfile: its ARGs named *_IMAGE before the first FROM (every FROM names one).
base_image_args() {
  awk '/^FROM /{ exit } /^ARG [A-Z0-9_]+_IMAGE=/{ sub(/^ARG /, ""); sub(/=.*/, ""); print }' "$1"
}

# The app's self-contained publish: the Dockerfile's publish line, for this machine's Linux runtime, with the runtime.
publish_app() {  # OUTPUT
  local rid
  case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64) rid=linux-arm64 ;;
    *) fail "no .NET runtime identifier known for $(uname -m)" ;;
  esac
  # Its own artifacts folder: the work tree's bin/ and obj/ (framework-dependent builds) stay as they are.
  (cd "$root" && dotnet publish src/StatelessApp.Web -c Release -r "$rid" --self-contained -o "$1" -nologo \
    --artifacts-path "$scratch/artifacts" -v quiet) </dev/null >&2
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
while read -r image context dockerfile local_dockerfile _; do
  case "$image" in ''|'#'*) continue ;; esac
  if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $image "* ]]; then continue; fi
  start=$(date +%s%N)
  args=()
  if [ "$local_base" -eq 1 ] && [ "$local_dockerfile" != - ]; then
    echo "==> $image: self-contained publish, then $local_dockerfile on $base" >&2
    context="$scratch/${image%%:*}"
    publish_app "$context/app"
    dockerfile=$local_dockerfile
  else
    echo "==> $image: $dockerfile${base:+ on $base}" >&2
    context="$root/$context"
  fi
  if [ "$local_base" -eq 1 ]; then
    while read -r arg; do args+=(--build-arg "$arg=$base"); done < <(base_image_args "$root/$dockerfile")
  fi
  docker build "${args[@]}" -f "$root/$dockerfile" -t "$image" "$context" </dev/null >&2 || fail "$image did not build"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  size=$(docker image inspect -f '{{.Size}}' "$image")
  summary+=("$(printf '%-28s %7.1f s %6d MB' "$image" "${ms}e-3" $((size / 1000000)))")
done <"$here/images.txt"

echo "built on ${base:-the official base images}:"
printf '%s\n' "${summary[@]}"
printf '%-28s %7.1f s\n' total "$(( ($(date +%s%N) - total_start) / 1000000 ))e-3"
