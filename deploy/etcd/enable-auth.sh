#!/bin/sh
# Turns etcd authentication on once (user root, password ETCD_ROOT_PASSWORD), so that only Patroni, holding the
# password, can touch the leader key. The container form of what `./stack up` does after etcd starts
# (src/StatelessApp.Stack/Servers/EtcdAuthentication.cs): same commands, same order, idempotent.
# Needs: ETCDCTL_ENDPOINTS (comma-separated client URLs), ETCD_ROOT_PASSWORD. The password goes on stdin and in
# the environment, never on a command line.
set -eu
: "${ETCDCTL_ENDPOINTS:?ETCDCTL_ENDPOINTS must list the etcd client URLs}"
: "${ETCD_ROOT_PASSWORD:?ETCD_ROOT_PASSWORD must be set}"
export ETCDCTL_API=3

# Already on, with this password: nothing to do.
if ETCDCTL_USER="root:${ETCD_ROOT_PASSWORD}" etcdctl user get root >/dev/null 2>&1; then
  echo "etcd authentication: already enabled"
  exit 0
fi

if ! output=$(printf '%s\n' "$ETCD_ROOT_PASSWORD" | etcdctl user add root --interactive=false 2>&1); then
  case "$output" in
    *"already exists"*) ;;
    *) echo "etcd: could not create the root user: $output (a cluster created with another ETCD_ROOT_PASSWORD?)" >&2; exit 1 ;;
  esac
fi

ETCDCTL_USER="root:${ETCD_ROOT_PASSWORD}" etcdctl auth enable
echo "etcd authentication: enabled"
