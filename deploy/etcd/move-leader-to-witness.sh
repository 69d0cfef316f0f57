#!/bin/sh
# Hands etcd's leadership to the witness member, as `./stack up` does (src/StatelessApp.Stack/Servers/EtcdLeadership.cs:
# with a data region's member leading, losing that region makes etcd extend Patroni's leader lease to its full TTL).
# Runs inside the etcd-auth job's container of a region, which holds root's client certificate, the root password
# file and ETCDCTL_ENDPOINTS/CACERT/CERT/KEY; it is fed on stdin, so the compose files need no change:
#   docker compose -p stateless-a --env-file .env -f deploy/compose/region-a.yml \
#     run --rm -T --no-deps --entrypoint sh etcd-auth -s < deploy/etcd/move-leader-to-witness.sh
# The password goes from its file into etcdctl's environment (ETCDCTL_PASSWORD), never onto a command line.
# Idempotent: prints the leader and does nothing when the witness already leads.
#   move-leader-to-witness.sh [MEMBER_NAME]   (default etcd-w, the witness member's ETCD_NAME)
set -eu
witness_name=${1:-etcd-w}
: "${ETCDCTL_ENDPOINTS:?run this in the etcd-auth container (ETCDCTL_ENDPOINTS lists the members)}"
password_file=${ETCD_ROOT_PASSWORD_FILE:-/run/secrets/etcd-root-password}
[ -r "$password_file" ] || { echo "move-leader-to-witness.sh: cannot read $password_file" >&2; exit 1; }
ETCDCTL_API=3
ETCDCTL_USER=root
ETCDCTL_PASSWORD=$(cat "$password_file")
export ETCDCTL_API ETCDCTL_USER ETCDCTL_PASSWORD

# One try: 0 when the witness leads (already or now), 1 with the reason on stderr when it cannot tell or move.
# etcdctl must not read this script's stdin (sh -s is reading it): every call gets /dev/null.
try_move() {
  members=$(etcdctl member list </dev/null) || return 1
  # A member that does not answer is named on stderr; the others' status still says who leads.
  statuses=$(etcdctl endpoint status </dev/null) || true
  # Fields are separated by ", " (a field may hold a space: "20 kB"). member list: ID, status, name, peer URLs, client
  # URLs, learner. endpoint status: endpoint, ID, version, DB size, is leader, ...
  witness_id=$(printf '%s\n' "$members" | awk -F', ' -v name="$witness_name" '$3 == name { print $1 }')
  leader=$(printf '%s\n' "$statuses" | awk -F', ' '$5 == "true" { print $1 " " $2; exit }')
  [ -n "$witness_id" ] || { echo "move-leader-to-witness.sh: no member named $witness_name in: $members" >&2; return 1; }
  [ -n "$leader" ] || { echo "move-leader-to-witness.sh: no member reports itself leader: $statuses" >&2; return 1; }
  leader_endpoint=${leader% *}
  leader_id=${leader#* }
  if [ "$leader_id" = "$witness_id" ]; then
    echo "etcd: $witness_name ($witness_id) already leads"
    return 0
  fi
  # move-leader must be sent to the current leader; etcdctl refuses a flag whose ETCDCTL_ variable is also set.
  env -u ETCDCTL_ENDPOINTS etcdctl --endpoints="$leader_endpoint" move-leader "$witness_id" </dev/null || return 1
  echo "etcd: leadership moved from $leader_id to $witness_name ($witness_id)"
}

# Right after a deploy a member may still be joining, or an election under way: a few tries, a few seconds apart.
tries=5
try=1
until try_move; do
  [ "$try" -lt "$tries" ] || { echo "move-leader-to-witness.sh: gave up after $tries tries" >&2; exit 1; }
  try=$((try + 1))
  sleep 3
done
