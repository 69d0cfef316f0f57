#!/usr/bin/env bash
# Runs the test suite as a new user would on a fresh Debian 12 machine: in a container of a Debian 12 minbase image
# (no iptables, no servers, nothing but ca-certificates and git), with this machine's .NET SDK mounted read-only,
# `git clone` of this repository's HEAD (committed work only) and `bash .ci/run`. Needs root (docker).
#   fresh-machine-check.sh [ARGS…]     with ARGS: tests/run ARGS instead (a subset, e.g. --filter "FullyQualifiedName~Cut_the_network")
# Installs docker.io and mmdebstrap if absent, starts dockerd if none runs (and stops it again at the end), builds the
# base image once (mmdebstrap + docker import, cached as statelessapp-fresh:bookworm). Prints the suite's summary line
# and the wall time; the logs land in .stack/fresh-machine/.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
image=statelessapp-fresh:bookworm
out="$repo/.stack/fresh-machine"
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "fresh-machine-check.sh: run as root (docker, and the drills need root in the container)" >&2; exit 1; }

tools=()
command -v dockerd >/dev/null || tools+=(docker.io)
command -v mmdebstrap >/dev/null || tools+=(mmdebstrap)
if [ ${#tools[@]} -gt 0 ]; then
  echo "==> installing ${tools[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tools[@]}" >/dev/null
fi

# No systemd on the machines this runs on: dockerd is started by hand, and only what we started is stopped.
dockerd_pid=""
workdir=$(mktemp -d)
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  rm -rf "$workdir"
  if [ -n "$dockerd_pid" ]; then
    echo "==> stopping the dockerd this script started (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if ! docker info >/dev/null 2>&1; then
  echo "==> starting dockerd (log: $out/dockerd.log)"
  dockerd >"$out/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see $out/dockerd.log" >&2; exit 1; }
fi

if ! docker image inspect "$image" >/dev/null 2>&1; then
  # The mirror this machine already uses (deb822 sources first, then the one-line format).
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "==> building $image from $mirror (mmdebstrap, about a minute or two)"
  mmdebstrap --variant=minbase --include=ca-certificates,git bookworm "$workdir/rootfs.tar" "$mirror" >"$out/mmdebstrap.log" 2>&1 \
    || { tail -n 20 "$out/mmdebstrap.log"; exit 1; }
  docker import "$workdir/rootfs.tar" "$image" >/dev/null
  rm -f "$workdir/rootfs.tar"
fi

# The point of the exercise: the suite must install what it needs itself.
if docker run --rm "$image" sh -c 'command -v iptables || test -e /usr/sbin/iptables' >/dev/null; then
  echo "fresh-machine-check.sh: $image has iptables; it must not (rebuild it: docker rmi $image)" >&2
  exit 1
fi

[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] \
  || echo "==> note: uncommitted changes are not tested (the container clones HEAD $(git -C "$repo" rev-parse --short HEAD))"
git -C "$repo" bundle create "$workdir/repo.bundle" HEAD >/dev/null 2>&1

# The .NET SDK of this machine, read-only, and NuGet as this machine restores: its user config, its NUGET_*/DOTNET_*
# settings and its extra CA certificates (a proxy's, for instance). The package folder stays the container's own.
sdk="$(dirname "$(readlink -f "$(command -v dotnet)")")"
mounts=(-v "$sdk:$sdk:ro" -v "$workdir/repo.bundle:/fresh/repo.bundle:ro")
[ -f "$HOME/.nuget/NuGet/NuGet.Config" ] && mounts+=(-v "$HOME/.nuget/NuGet/NuGet.Config:/root/.nuget/NuGet/NuGet.Config:ro")
[ -d /usr/local/share/ca-certificates ] && mounts+=(-v /usr/local/share/ca-certificates:/fresh/ca-certificates:ro)
environment=()
while IFS='=' read -r name _; do
  case "$name" in NUGET_*|DOTNET_*) environment+=(-e "$name") ;; esac
done < <(env)

# Every capability this machine has (a sandboxed host may lack some, which --privileged would ask for; Docker 20.10
# knows none after audit_read), and the host's cgroup hierarchy read-write in its namespace: the partition drill makes
# cgroups and iptables rules.
names=(chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable net_bind_service
  net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin
  sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap mac_override
  mac_admin syslog wake_alarm block_suspend audit_read)
bounding=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
capabilities=()
for i in "${!names[@]}"; do
  (( (bounding >> i) & 1 )) && capabilities+=(--cap-add "${names[$i]}")
done

# shellcheck disable=SC2016  # expanded in the container, not here
inside='set -euo pipefail
if [ -d /fresh/ca-certificates ]; then cp /fresh/ca-certificates/*.crt /usr/local/share/ca-certificates/ 2>/dev/null || true; update-ca-certificates >/dev/null; fi
ln -sf "$SDK/dotnet" /usr/local/bin/dotnet
git -c advice.detachedHead=false clone -q /fresh/repo.bundle /root/statelessapp
cd /root/statelessapp
echo "==> in the container: $(git log -1 --format="%h %s" | cut -c1-100); iptables: $(command -v iptables || echo none)"
status=0
# .ci/run takes no arguments: a subset goes to tests/run, which .ci/run runs.
if [ $# -gt 0 ]; then bash tests/run "$@" || status=$?; else bash .ci/run || status=$?; fi
cp -r .stack/test-results /fresh/results/ 2>/dev/null || true
cp -r .stack/drills /fresh/results/ 2>/dev/null || true
exit $status'

rm -rf "$out/results"; mkdir -p "$out/results"
echo "==> running $([ $# -gt 0 ] && echo "tests/run $*" || echo "bash .ci/run") in a fresh container of $image (log: $out/run.log)"
start=$SECONDS
status=0
docker run --rm --name "statelessapp-fresh-$$" "${capabilities[@]}" \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
  --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw --shm-size 4g \
  "${mounts[@]}" -v "$out/results:/fresh/results" "${environment[@]}" -e SDK="$sdk" -e DOTNET_ROOT="$sdk" \
  "$image" bash -c "$inside" fresh "$@" 2>&1 | tee "$out/run.log" || status=$?
elapsed=$((SECONDS - start))
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/run.log" | tail -n 1 || true)
echo "==> fresh machine: ${summary:-no summary line (see $out/run.log)}, exit $status, in $((elapsed / 60)) min $((elapsed % 60)) s"
exit $status
