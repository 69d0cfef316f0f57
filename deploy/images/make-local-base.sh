#!/usr/bin/env bash
# Makes the local Debian base image: Debian 12 (bookworm), variant minbase plus ca-certificates, from this machine's
# own apt sources, imported into the local Docker engine. For a machine that reaches Debian's mirror but no image
# registry: build-images.sh --local-base builds every image of the stack on it, each server from Debian's packages.
# Like Debian's official images it starts no service while packages install (policy-rc.d), and like their slim
# variant it leaves out manuals, docs and translations. Idempotent: does nothing when the image exists.
#   make-local-base.sh [--tag NAME] [--force]
#     --tag NAME   the image's name (default statelessapp-debian:bookworm)
#     --force      make it again even if it exists
# Prints the image's name on stdout (and nothing else): build-images.sh reads it. Needs root (mmdebstrap) and docker.
set -euo pipefail
script=images/make-local-base.sh
# shellcheck source=deploy/lib/script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/script-common.sh"

tag=statelessapp-debian:bookworm
suite=bookworm
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) [ $# -ge 2 ] || refuse "--tag needs a name"; tag=$2; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) refuse "unknown argument: $1" ;;
  esac
done

command -v docker >/dev/null || fail "docker is missing (deploy/local/install-prerequisites.sh --images)"
if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$script: $tag exists" >&2
  echo "$tag"
  exit 0
fi
command -v mmdebstrap >/dev/null || fail "mmdebstrap is missing (deploy/local/install-prerequisites.sh --images)"

# This machine's Debian sources of the suite (and its -updates and -security), one-line style: deb822 files
# (*.sources) and classic ones (sources.list, *.list) alike.
sources() {
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no")
          for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++)
            if (suites[s] ~ "^" suite "(-updates|-security)?$") print "deb " uris[u] " " suites[s] " " components
        types = ""; enabled = ""; nu = 0; ns = 0; components = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
      key == "types" { types = $0 }
      key == "enabled" { enabled = tolower($0) }
      key == "uris" { nu = split($0, uris, " ") }
      key == "suites" { ns = split($0, suites, " ") }
      key == "components" { components = $0 }
      END { flush() }' "$file"
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v suite="$suite" '$1 == "deb" { line = $0; sub(/\[[^]]*\] */, "", line); split(line, f, " ")
      if (f[3] ~ "^" suite "(-updates|-security)?$") print line }' "$file"
  done
}
mapfile -t mirrors < <(sources)
[ ${#mirrors[@]} -gt 0 ] || fail "no apt source of Debian $suite on this machine (/etc/apt/sources.list*)"

# The image's apt behaves like this machine's where that matters: a snapshot mirror's Release files may be past
# their Valid-Until date, and this machine accepts that.
options=()
eval "$(apt-config shell valid_until Acquire::Check-Valid-Until)"
[ "${valid_until:-}" != false ] || options+=(--aptopt='Acquire::Check-Valid-Until "false"')

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "$script: making $tag from ${mirrors[*]}" >&2
# shellcheck disable=SC2016 # mmdebstrap gives the hook the chroot as $1
mmdebstrap --variant=minbase --include=ca-certificates --quiet "${options[@]}" \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook='printf "#!/bin/sh\nexit 101\n" > "$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
  "$suite" "$scratch/rootfs.tar" "${mirrors[@]}" >&2
docker import --change 'CMD ["bash"]' --message "Debian $suite minbase + ca-certificates (mmdebstrap)" \
  "$scratch/rootfs.tar" "$tag" >&2
echo "$tag"
