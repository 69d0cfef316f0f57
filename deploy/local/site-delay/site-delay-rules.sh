#!/usr/bin/env bash
# The iptables rules that put distance between the sites of the local stack (docs/latency.md, "How distance is made"),
# in two chains of their own in the mangle table, so that removing them removes exactly these rules:
#   SITEDELAY_MARK_<tag>  (jumped to from OUTPUT): the first packet of a connection that a process of one site's
#       cgroup sends to another site's network marks the connection (CONNMARK) with that pair's delay class. The sender's
#       site comes from its cgroup because on loopback the kernel picks 127.0.0.1 as the source of every connection;
#       the server's site is the connection's original destination.
#   SITEDELAY_QUEUE_<tag> (jumped to from PREROUTING): every packet of a marked connection to one of these sites, in
#       both directions, goes to its class's NFQUEUE queue, where site-delay holds it for half the pair's round trip. PREROUTING comes after
#       loopback's transmit has detached the packet from its socket: a held packet does not count as the sender's
#       unsent data, which would make TCP hold back (autocork, small queues) what follows it.
# Connections within a site, and those of processes in no site's cgroup (clients, tools), are neither marked nor held.
# --queue-bypass: while no site-delay listens on a queue, its packets pass undelayed (never dropped).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy/local/site-delay/site-delay-rules.sh COMMAND [options]

Commands:
  add      install (or replace, atomically) the rules for the sites' cgroups and round trips
  queues   print the site-delay arguments (--queue NUM:MICROSECONDS ...) that serve these rules
  show     print the installed rules
  remove   remove the rules and their chains (nothing else); no error if there are none

Options (add, queues):
  --cgroup SITE=PATH    the cgroup (v2, relative to the v2 root) whose processes are in SITE (a, b or w); add needs
                        all three, and the cgroups must exist
  --rtt SITE-SITE=MS    the round trip between two sites in milliseconds (default: SITE_RTT_A_B, SITE_RTT_A_W,
                        SITE_RTT_B_W of the topology, or of the environment)
  --queue-base N        the first NFQUEUE queue number (default 4000); one queue per distinct round trip
  --tag TAG             names this stack's chains (SITEDELAY_MARK_TAG, SITEDELAY_QUEUE_TAG; 1-8 letters or digits,
                        default "local"), so that stacks on other addresses keep rules of their own
  --topology FILE       the topology file (default: deploy/topology.env); its A_NETWORK, B_NETWORK, W_NETWORK and
                        SITE_RTT_* are read, a variable of the environment overrides a key of the file
  -h, --help            this text
USAGE
}

script=local/site-delay/site-delay-rules.sh
# shellcheck source=SCRIPTDIR/../../lib/script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/script-common.sh"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"

# The connection mark's bits this uses: the delay class (1, 2, …) shifted into the third byte, clear of other users.
readonly mark_mask=0xff0000 mark_shift=16
readonly sites=(a b w)

[ $# -gt 0 ] || { usage >&2; exit 2; }
command=$1
shift
case "$command" in
  add | queues | show | remove) ;;
  -h | --help) usage; exit 0 ;;
  *) refuse "unknown command '$command'" ;;
esac

declare -A cgroup=() rtt=()
queue_base=4000 tag=local topology="$root/deploy/topology.env"
while [ $# -gt 0 ]; do
  case "$1" in
    --cgroup | --rtt | --queue-base | --tag | --topology)
      if [ $# -lt 2 ] || [ -z "$2" ]; then refuse "$1 needs a value"; fi
      case "$1" in
        --cgroup)
          [[ $2 =~ ^([abw])=(.+)$ ]] || refuse "--cgroup '$2' is not SITE=PATH with SITE a, b or w"
          cgroup[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]#/}
          ;;
        --rtt)
          if ! [[ $2 =~ ^([abw])-([abw])=([0-9]+)$ ]] || [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
            refuse "--rtt '$2' is not SITE-SITE=MS between two different sites (a, b, w)"
          fi
          pair=$(printf '%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" | sort | tr -d '\n')
          rtt[$pair]=${BASH_REMATCH[3]}
          ;;
        --queue-base) queue_base=$2 ;;
        --tag) tag=$2 ;;
        --topology) topology=$2 ;;
      esac
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) refuse "unknown argument '$1'" ;;
  esac
done
if ! [[ $queue_base =~ ^[0-9]+$ ]] || [ "$queue_base" -gt 65500 ]; then
  refuse "--queue-base '$queue_base' must be a number up to 65500"
fi

[[ $tag =~ ^[A-Za-z0-9]{1,8}$ ]] || refuse "--tag '$tag' must be 1-8 letters or digits"
# iptables allows 28 characters in a chain's name.
readonly mark_chain=SITEDELAY_MARK_$tag queue_chain=SITEDELAY_QUEUE_$tag

ipt() { iptables -w -t mangle "$@"; }

if [ "$command" = remove ]; then
  while ipt -D OUTPUT -j "$mark_chain" 2>/dev/null; do :; done
  while ipt -D PREROUTING -j "$queue_chain" 2>/dev/null; do :; done
  for chain in "$mark_chain" "$queue_chain"; do
    if ipt -F "$chain" 2>/dev/null; then ipt -X "$chain"; fi
  done
  exit 0
fi

if [ "$command" = show ]; then
  for chain in "$mark_chain" "$queue_chain"; do
    ipt -S "$chain" 2>/dev/null || echo "# no chain $chain"
  done
  exit 0
fi

# The topology's values, the environment's winning for keys the file defines (as for ./stack).
[ -r "$topology" ] || refuse "cannot read the topology file $topology"
declare -A topo=()
while IFS= read -r line || [ -n "$line" ]; do
  [[ $line == *=* ]] && [[ $line != \#* ]] && topo[${line%%=*}]=${line#*=}
done <"$topology"
setting() {
  local value=${!1-${topo[$1]-}}
  [ -n "$value" ] || fail "$1 is missing from $topology"
  printf '%s' "$value"
}

declare -A network=()
for site in "${sites[@]}"; do
  network[$site]=$(setting "${site^^}_NETWORK")
done
for pair in ab aw bw; do
  if [ -z "${rtt[$pair]-}" ]; then
    key="SITE_RTT_${pair:0:1}_${pair:1:1}"
    rtt[$pair]=$(setting "${key^^}")
  fi
  if ! [[ ${rtt[$pair]} =~ ^[0-9]+$ ]] || [ "${rtt[$pair]}" -gt 10000 ]; then
    fail "the round trip ${pair:0:1}-${pair:1:1} '${rtt[$pair]}' must be a whole number of milliseconds up to 10000"
  fi
done

# One class (mark value, queue) per distinct one-way delay, smallest first; each pair's class.
mapfile -t one_way < <(for pair in ab aw bw; do echo $((rtt[$pair] * 500)); done | sort -n -u)
declare -A class_of=()
for pair in ab aw bw; do
  for i in "${!one_way[@]}"; do
    [ "${one_way[$i]}" -eq $((rtt[$pair] * 500)) ] && class_of[$pair]=$((i + 1))
  done
done

if [ "$command" = queues ]; then
  arguments=()
  for i in "${!one_way[@]}"; do arguments+=(--queue "$((queue_base + i)):${one_way[$i]}"); done
  echo "${arguments[*]}"
  exit 0
fi

# add
cgroup_root=$(cgroup_v2_root)
for site in "${sites[@]}"; do
  [ -n "${cgroup[$site]-}" ] || refuse "--cgroup $site=PATH is required (every site needs its cgroup)"
  [ -d "$cgroup_root/${cgroup[$site]}" ] || fail "cgroup ${cgroup[$site]} of site $site does not exist under $cgroup_root"
done

rules=("*mangle" ":$mark_chain - [0:0]" ":$queue_chain - [0:0]")
for from in "${sites[@]}"; do
  for to in "${sites[@]}"; do
    [ "$from" != "$to" ] || continue
    pair=$(printf '%s\n' "$from" "$to" | sort | tr -d '\n')
    mark=$(printf '0x%x' $((class_of[$pair] << mark_shift)))
    rules+=("-A $mark_chain -m conntrack --ctstate NEW -m cgroup --path ${cgroup[$from]} -d ${network[$to]} -j CONNMARK --set-xmark $mark/$mark_mask")
  done
done
# The mark's class alone would also catch another stack's connections: only those to this stack's sites are queued here.
for i in "${!one_way[@]}"; do
  mark=$(printf '0x%x' $(((i + 1) << mark_shift)))
  for site in "${sites[@]}"; do
    rules+=("-A $queue_chain -m connmark --mark $mark/$mark_mask -m conntrack --ctorigdst ${network[$site]} -j NFQUEUE --queue-num $((queue_base + i)) --queue-bypass")
  done
done
ipt -C OUTPUT -j "$mark_chain" 2>/dev/null || rules+=("-I OUTPUT 1 -j $mark_chain")
ipt -C PREROUTING -j "$queue_chain" 2>/dev/null || rules+=("-I PREROUTING 1 -j $queue_chain")
rules+=(COMMIT)
# One transaction: the chains are replaced whole, so no connection opened meanwhile misses its mark.
printf '%s\n' "${rules[@]}" | iptables-restore -w --noflush
