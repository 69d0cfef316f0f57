#!/usr/bin/env bash
# Installs the Debian packages that the local stack and the test suite run: real servers, no containers.
# Idempotent and quiet when everything is present; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  redis-server redis-sentinel      # sessions and the DataProtection key ring, replicated, with Sentinel
  postgresql                       # the shop's data (Patroni manages it in the stack)
  patroni etcd-server etcd-client  # PostgreSQL high availability and its consensus store
  haproxy nginx                    # the per-region reverse proxies
  dnsmasq dnsutils                 # the DNS name with two A records, and dig to check it
  wrk                              # load generator for benchmarks
  shellcheck docker-compose        # lint of the shell scripts; validation of the compose files
  curl openssl                     # deploy tests: HTTPS through the proxies, a throwaway certificate
  iproute2 procps psmisc lsof      # process and port inspection for the stack controller
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "==> installing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "==> packages installed"
