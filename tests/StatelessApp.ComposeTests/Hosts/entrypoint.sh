#!/usr/bin/env bash
# Starts a test "host": the kernel interfaces an engine needs made writable, its own sshd host keys, sshd in the
# background, then dockerd in the foreground (the container lives as long as the engine).
set -euo pipefail
# Not --privileged (this machine's engine lacks CAP_SYS_RESOURCE, which --privileged asks for): the container gets
# every other capability, and remounts its read-only /sys and cgroup folders writable, as --privileged would give them.
mount -o remount,rw /sys
awk '$3 == "cgroup" { print $2 }' /proc/mounts | while read -r cgroup; do
  mount -o remount,bind,rw "$cgroup"
done
mkdir -p /run/sshd
ssh-keygen -A >/dev/null
/usr/sbin/sshd -E /var/log/sshd.log
exec dockerd --host=unix:///var/run/docker.sock >>/var/log/dockerd.log 2>&1
