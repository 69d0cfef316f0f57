#!/usr/bin/env bash
# Installs the Debian packages of every program that the local stack and the test suite run (real servers, no
# containers), then checks that each program is really there: a program still missing fails here, named with its
# package, before any test starts. The list is deploy/local/programs.txt.
#   install-prerequisites.sh           install what is missing (needs root or sudo only then), then check
#   install-prerequisites.sh --check   only check; exit 1 naming each missing program
#   install-prerequisites.sh --images  the same for the programs that build the container images instead
#                                      (deploy/images/programs.txt: Docker's engine, mmdebstrap); tests/run installs both
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
table="$here/programs.txt"

check_only=0
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    --images) table="$here/../images/programs.txt" ;;
    *) echo "usage: install-prerequisites.sh [--check] [--images]" >&2; exit 2 ;;
  esac
done

programs=() packages=() places=()
while read -r program package where _; do
  case "$program" in ''|'#'*) continue ;; esac
  programs+=("$program"); packages+=("$package"); places+=("$where")
done <"$table"

# PostgreSQL's server programs: $PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin (as the stack and the
# test fixtures look for them), else PATH.
postgres_bin() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  echo "$dir"
}

found() {  # program where
  if [ "$2" = include ]; then
    [ -f "/usr/include/$1" ]
    return
  fi
  if [ "$2" = pg ]; then
    local bin
    bin=$(postgres_bin)
    if [ -n "$bin" ] && [ -x "$bin/$1" ]; then return 0; fi
  fi
  command -v "$1" >/dev/null 2>&1
}

if [ "$check_only" -eq 0 ]; then
  missing=()
  for p in "${packages[@]}"; do
    [ "$p" = - ] && continue
    case " ${missing[*]} " in *" $p "*) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "==> packages installed"
  fi
fi

absent=0
for i in "${!programs[@]}"; do
  if ! found "${programs[$i]}" "${places[$i]}"; then
    if [ "${packages[$i]}" = - ]; then
      echo "missing program: ${programs[$i]} (not a Debian package; see $table)" >&2
    else
      echo "missing program: ${programs[$i]} (Debian package ${packages[$i]})" >&2
    fi
    absent=$((absent + 1))
  fi
done
if [ "$absent" -gt 0 ]; then
  echo "install-prerequisites.sh: $absent program(s) missing; install them (as root: bash $here/install-prerequisites.sh)" >&2
  exit 1
fi
