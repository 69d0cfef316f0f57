#!/usr/bin/env bash
# The failure detectors' timings that depend on the distance between the sites, derived from the topology's round
# trips: the one place this rule lives (docs/latency.md, "Timeouts at distance", says why each value). The stack
# controller (src/StatelessApp.Stack/Distance/FailureTimeouts.cs) and deploy/compose/compose-env.sh both run it.
# Reads SITE_RTT_A_B, SITE_RTT_A_W and SITE_RTT_B_W (whole ms) from the environment; prints KEY=VALUE lines:
#   ETCD_HEARTBEAT_INTERVAL   1.5 × the largest round trip between etcd members, at least etcd's 100 ms default
#   ETCD_ELECTION_TIMEOUT     10 × the heartbeat (etcd's guide), at least its 1,000 ms default
#   SENTINEL_FAILOVER_TIMEOUT_W, _A, _B   each site's Sentinel failover-timeout: 3,000 ms at the witness, then a step
#                             of 600 ms + the largest round trip per site. Two Sentinels that start an election together
#                             split the vote and retry after 2 × their own timeout (+ up to 1 s of Sentinel's jitter):
#                             steps that differ by more than that jitter plus a vote's round trip never retry together.
# Every other detector (Sentinel's down-after, replication, Patroni, the app's WAIT and confirmation) holds unchanged up
# to the largest round trip accepted here, 100 ms. Beyond it Patroni's own timings would have to grow too: etcd waits 1 to 2
# election timeouts before it elects a new leader, and Patroni (retry_timeout 3 s) must ride that out, or a primary
# demotes itself whenever etcd changes leader. Exit 2 naming the key when a round trip is out of range.
#   failure-timeouts.sh [-h]
set -euo pipefail
script=lib/failure-timeouts.sh
# shellcheck source=SCRIPTDIR/script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/script-common.sh"
case "${1:-}" in
  "") ;;
  -h | --help) sed -n "2,16p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) refuse "unknown argument '$1'" ;;
esac

max_rtt=100 largest=0
for key in SITE_RTT_A_B SITE_RTT_A_W SITE_RTT_B_W; do
  value=${!key:-}
  if ! [[ $value =~ ^[0-9]{1,5}$ ]] || [ "$value" -gt "$max_rtt" ]; then
    refuse "$key '$value' must be whole milliseconds from 0 to $max_rtt (the failure timeouts are derived up to $max_rtt ms)"
  fi
  value=$((10#$value))
  [ "$value" -le "$largest" ] || largest=$value
done

heartbeat=$(((largest * 3 + 1) / 2))
[ "$heartbeat" -ge 100 ] || heartbeat=100
election=$((heartbeat * 10))
[ "$election" -ge 1000 ] || election=1000
echo "ETCD_HEARTBEAT_INTERVAL=$heartbeat"
echo "ETCD_ELECTION_TIMEOUT=$election"
sentinel_step=$((600 + largest))
echo "SENTINEL_FAILOVER_TIMEOUT_W=3000"
echo "SENTINEL_FAILOVER_TIMEOUT_A=$((3000 + sentinel_step))"
echo "SENTINEL_FAILOVER_TIMEOUT_B=$((3000 + 2 * sentinel_step))"
