#!/bin/sh
# Turns etcd authentication on once (user root, password ETCD_ROOT_PASSWORD) and gives Patroni its own user, patroni
# (password ETCD_PATRONI_PASSWORD), whose role reads and writes /service/<PATRONI_SCOPE>/ and nothing else. The
# container form of what `./stack up` does after etcd starts (src/StatelessApp.Stack/Servers/EtcdAuthentication.cs):
# same commands, same order, idempotent.
# Needs: ETCDCTL_ENDPOINTS (comma-separated https client URLs), ETCDCTL_CACERT/CERT/KEY (TLS with a client
# certificate), ETCD_ROOT_PASSWORD, ETCD_PATRONI_PASSWORD, PATRONI_SCOPE. Passwords go on stdin and in the
# environment (ETCDCTL_PASSWORD), never on a command line.
set -eu
: "${ETCDCTL_ENDPOINTS:?ETCDCTL_ENDPOINTS must list the etcd client URLs}"
: "${ETCD_ROOT_PASSWORD:?ETCD_ROOT_PASSWORD must be set}"
: "${ETCD_PATRONI_PASSWORD:?ETCD_PATRONI_PASSWORD must be set}"
: "${PATRONI_SCOPE:?PATRONI_SCOPE must be set}"
export ETCDCTL_API=3

as_root() { ETCDCTL_USER=root ETCDCTL_PASSWORD="$ETCD_ROOT_PASSWORD" etcdctl "$@"; }
# A step that reports "already ..." has nothing left to do.
step() {
  what=$1
  shift
  if ! output=$(as_root "$@" 2>&1); then
    case "$output" in
      *already*) ;;
      *) echo "etcd: could not $what: $output" >&2; exit 1 ;;
    esac
  fi
}

if ! as_root user get root >/dev/null 2>&1; then
  if ! output=$(printf '%s\n' "$ETCD_ROOT_PASSWORD" | etcdctl user add root --interactive=false 2>&1); then
    case "$output" in
      *"already exists"*) ;;
      *) echo "etcd: could not create the root user: $output (a cluster created with another ETCD_ROOT_PASSWORD?)" >&2; exit 1 ;;
    esac
  fi
  step "enable authentication" auth enable
  echo "etcd authentication: enabled"
else
  echo "etcd authentication: already enabled"
fi

as_root role get patroni >/dev/null 2>&1 || step "create the patroni role" role add patroni
# Granting again what the role already has changes nothing.
step "limit the patroni role to its prefix" role grant-permission patroni readwrite "/service/$PATRONI_SCOPE/" --prefix=true
if as_root user get patroni >/dev/null 2>&1; then
  printf '%s\n' "$ETCD_PATRONI_PASSWORD" | as_root user passwd patroni --interactive=false >/dev/null
else
  printf '%s\n' "$ETCD_PATRONI_PASSWORD" | as_root user add patroni --interactive=false >/dev/null
fi
step "give the patroni user its role" user grant-role patroni patroni
echo "etcd: user patroni limited to /service/$PATRONI_SCOPE/"
