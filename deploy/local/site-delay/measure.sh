#!/usr/bin/env bash
# Measures the site delayer (docs/latency.md, "How distance is made") in a network namespace and cgroups of its own:
# its rules, its delayer and its traffic are invisible to the rest of the machine, and all of it is removed at the end.
# Processes are put in per-site cgroups as the stack's would be; a TCP/UDP echo server listens in each site
# (127.1.0.10, 127.2.0.10, 127.3.0.10, the topology's networks). Every step is bounded in packets and time.
#   measure.sh           the tables of docs/latency.md: the added delay against the configured round trip (40 and
#                        30 ms, and 0 ms with the rules in place), a stream in the server's direction, and the delayer's
#                        CPU at 5,000 and 20,000 packets a second (about 90 s)
#   measure.sh --check   a quick proof (about 10 s): a→b adds the configured round trip, a stream a→b is delayed one
#                        way, a connection within a site and a client in no site get nothing, the rules script is
#                        idempotent and removes only its own rules, a killed delayer loses no echo and leaves the
#                        sites undelayed (bypass); exit 1 naming what failed. Its bounds tell a wrong delay (none,
#                        applied twice, leaked into a site) from a busy machine's scheduling, which only adds.
# Needs root (network namespaces, cgroups, iptables inside the namespace), gcc and libnetfilter-queue-dev.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
script=local/site-delay/measure.sh
# shellcheck source=SCRIPTDIR/../../lib/script-common.sh
source "$root/deploy/lib/script-common.sh"

mode=full
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  -h | --help) sed -n "2,14p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) refuse "unknown argument '$1'" ;;
esac
[ "$(id -u)" -eq 0 ] || fail "needs root (network namespace, cgroups, iptables in the namespace)"

make -s -C "$here" >/dev/null
delayer="$here/build/site-delay" probe="$here/build/site-delay-probe" rules="$here/site-delay-rules.sh"

cgroup_root=$(cgroup_v2_root)

name="statelessapp-site-delay-$$"
namespace=/run/netns/$name
cgroup_top=$name
scratch=$(mktemp -d)
pids=() delay_pid=""

cleanup() {
  local pid
  for pid in "${pids[@]}" $delay_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}" $delay_pid; do wait "$pid" 2>/dev/null || true; done
  # The namespace's rules and conntrack table go with it.
  ip netns delete "$name" 2>/dev/null || true
  for site in a b w; do rmdir "$cgroup_root/$cgroup_top/$site" 2>/dev/null || true; done
  rmdir "$cgroup_root/$cgroup_top" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

ip netns add "$name"
ip -n "$name" link set lo up
for site in a b w; do mkdir -p "$cgroup_root/$cgroup_top/$site"; done

# in_namespace CMD...: CMD in the namespace, in this script's cgroup (no site: a client like the benchmark's).
in_namespace() { nsenter --net="$namespace" "$@"; }
# in_site SITE CMD...: CMD in the namespace and in SITE's cgroup, placed there before it opens any socket.
in_site() {
  local site=$1
  shift
  # shellcheck disable=SC2016 # $$ and $1 are the inner shell's
  sh -c 'echo $$ >"$1"; shift; exec "$@"' in_site "$cgroup_root/$cgroup_top/$site/cgroup.procs" nsenter --net="$namespace" "$@"
}
# spawn_in_namespace / spawn_in_site: the same in the background, with the program's own pid in $spawned (a function
# put in the background would run in a subshell, and a signal to that subshell would not reach the program).
spawned=""
spawn_in_namespace() {
  nsenter --net="$namespace" "$@" &
  spawned=$!
}
spawn_in_site() {
  local site=$1
  shift
  # shellcheck disable=SC2016 # $$ and $1 are the inner shell's
  sh -c 'echo $$ >"$1"; shift; exec "$@"' in_site "$cgroup_root/$cgroup_top/$site/cgroup.procs" nsenter --net="$namespace" "$@" &
  spawned=$!
}

declare -A address=([a]=127.1.0.10 [b]=127.2.0.10 [w]=127.3.0.10)
tcp_port=7000 udp_port=7001 push_port=7100
for site in a b w; do
  spawn_in_site "$site" "$probe" echo tcp "${address[$site]}" "$tcp_port" 600
  pids+=("$spawned")
  spawn_in_site "$site" "$probe" echo udp "${address[$site]}" "$udp_port" 600
  pids+=("$spawned")
done

# configure none | configure RTT_AB RTT_AW RTT_BW: the rules and a delayer for these round trips (ms), or neither.
delay_stats=""
configure() {
  if [ -n "$delay_pid" ]; then
    kill -TERM "$delay_pid" 2>/dev/null || true
    wait "$delay_pid" || true
    delay_stats=$(tail -n 1 "$scratch/delay.err")
    delay_pid=""
  fi
  in_namespace "$rules" remove
  [ "$1" != none ] || return 0
  local round_trips=(--rtt "a-b=$1" --rtt "a-w=$2" --rtt "b-w=$3")
  local queues
  read -r -a queues < <("$rules" queues "${round_trips[@]}")
  : >"$scratch/delay.out"
  spawn_in_namespace "$delayer" "${queues[@]}" >"$scratch/delay.out" 2>"$scratch/delay.err"
  delay_pid=$spawned
  local tries=0
  until grep -q '^site-delay: ready' "$scratch/delay.out"; do
    kill -0 "$delay_pid" 2>/dev/null || fail "site-delay did not start: $(cat "$scratch/delay.err")"
    tries=$((tries + 1))
    [ "$tries" -lt 200 ] || fail "site-delay not ready after 10 s"
    sleep 0.05
  done
  in_namespace "$rules" add --cgroup "a=$cgroup_top/a" --cgroup "b=$cgroup_top/b" --cgroup "w=$cgroup_top/w" "${round_trips[@]}"
}

# field NAME LINE: the value of NAME=… in a probe's statistics line.
field() { [[ $2 =~ (^| )$1=([0-9-]+) ]] && echo "${BASH_REMATCH[2]}" || echo "?"; }
ms() { awk -v us="$1" 'BEGIN { if (us == "?") print "?"; else printf "%.2f", us / 1000 }'; }

# ping FROM TO PROTOCOL RATE COUNT: the statistics line of COUNT echoes at RATE a second from FROM (a site, or "none")
# to TO's echo server.
ping() {
  local port=$tcp_port
  [ "$3" = tcp ] || port=$udp_port
  if [ "$1" = none ]; then
    in_namespace "$probe" ping "$3" "${address[$2]}" "$port" "$4" "$5"
  else
    in_site "$1" "$probe" ping "$3" "${address[$2]}" "$port" "$4" "$5"
  fi
}

# stream FROM TO RATE COUNT: a server in FROM pushes COUNT messages at RATE a second to a client of TO that connected
# to it (as a standby connects to its primary); the one-way delays' statistics line.
stream() {
  spawn_in_site "$1" "$probe" push "${address[$1]}" "$push_port" "$3" "$4"
  local pusher=$spawned
  in_site "$2" "$probe" receive "${address[$1]}" "$push_port"
  wait "$pusher"
}

# killed_midway: writes to $scratch/killed.out the statistics line of 400 echoes a → b at 200 a second (2 s), during
# which the delayer is killed (SIGKILL) after 0.5 s: what a crash of the delayer does to the connections through it.
killed_midway() {
  spawn_in_site a "$probe" ping tcp "${address[b]}" "$tcp_port" 200 400 >"$scratch/killed.out"
  local pinger=$spawned
  sleep 0.5
  kill -KILL "$delay_pid"
  wait "$delay_pid" 2>/dev/null || true
  delay_pid=""
  wait "$pinger"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

if [ "$mode" = check ]; then
  problems=()
  # Never below the configured delay, and below one and a half times it: a delay applied twice would be double, and a
  # busy machine (the check runs beside the other deploy tests in CI) adds a few ms of scheduling. Nothing in or from no
  # site: below 10 ms, under the smallest one way a leaked rule would add (15 ms).
  undelayed_max_us=10000
  # A rule that is not the script's: it must survive both the adding and the removing.
  in_namespace iptables -w -t mangle -A OUTPUT -d 127.9.9.9/32 -j ACCEPT
  configure 40 30 30
  before=$(in_namespace iptables -w -t mangle -S)
  in_namespace "$rules" add --cgroup "a=$cgroup_top/a" --cgroup "b=$cgroup_top/b" --cgroup "w=$cgroup_top/w" --rtt a-b=40 --rtt a-w=30 --rtt b-w=30
  if [ "$(in_namespace iptables -w -t mangle -S)" != "$before" ]; then problems+=("adding the same rules twice changed them"); fi
  line=$(ping a b tcp 100 200)
  p50=$(field p50_us "$line")
  if [ "$p50" = "?" ] || [ "$p50" -lt 40000 ] || [ "$p50" -ge 60000 ]; then problems+=("a→b round trip p50 ${p50} us, not 40-60 ms ($line)"); fi
  line=$(stream a b 100 200)
  p50=$(field p50_us "$line")
  if [ "$p50" = "?" ] || [ "$p50" -lt 20000 ] || [ "$p50" -ge 30000 ]; then problems+=("a→b stream one-way p50 ${p50} us, not 20-30 ms ($line)"); fi
  line=$(ping a a tcp 100 200)
  p50=$(field p50_us "$line")
  if [ "$p50" = "?" ] || [ "$p50" -ge "$undelayed_max_us" ]; then problems+=("a→a (within a site) p50 ${p50} us, not below 10 ms ($line)"); fi
  line=$(ping none b tcp 100 200)
  p50=$(field p50_us "$line")
  if [ "$p50" = "?" ] || [ "$p50" -ge "$undelayed_max_us" ]; then problems+=("a client in no site → b p50 ${p50} us, not below 10 ms ($line)"); fi
  configure 40 30 30
  killed_midway
  line=$(cat "$scratch/killed.out")
  if [ "$(field lost "$line")" != 0 ] || [ "$(field p50_us "$line")" = "?" ] || [ "$(field p50_us "$line")" -ge "$undelayed_max_us" ]; then
    problems+=("with the delayer killed midway, echoes were lost or still delayed (want lost=0, p50 below 10 ms: $line)")
  fi
  configure none
  echo "$delay_stats"
  left=$(in_namespace iptables -w -t mangle -S)
  if [[ $left == *SITEDELAY_* ]]; then problems+=("remove left rules behind: $left"); fi
  if [[ $left != *"-A OUTPUT -d 127.9.9.9/32 -j ACCEPT"* ]]; then problems+=("remove took a rule that was not its own: $left"); fi
  if [ ${#problems[@]} -gt 0 ]; then
    printf '%s: %s\n' "$script" "${problems[@]}" >&2
    exit 1
  fi
  echo "site-delay check passed: a→b adds 40 ms, a stream a→b is delayed 20 ms one way, nothing within a site or from no site"
  exit 0
fi

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
echo "Measured by deploy/local/site-delay/measure.sh at $commit on $(date -u '+%Y-%m-%d %H:%M UTC'):" \
  "$(nproc) cores, Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), kernel $(uname -r)."
echo
rate=200 count=1000

configure none
base=$(ping a b tcp "$rate" "$count")
base_p50=$(field p50_us "$base")

# row LABEL CONFIGURED_MS LINE [SENT]: a table row; added = the sample minus the no-rules median round trip.
row() {
  local p50 p99
  p50=$(field p50_us "$3") p99=$(field p99_us "$3")
  echo "| $1 | $2 | $(ms "$p50") | $(ms "$p99") | $(ms $((p50 - base_p50))) | $(ms $((p99 - base_p50))) | $(field samples "$3")/${4:-$count} |"
}

# hold_in output|prerouting: moves the jump to the holding chain; OUTPUT only for the comparison below (the rules
# script holds in PREROUTING, docs/latency.md says why).
hold_in() {
  local chain=SITEDELAY_QUEUE_local
  if [ "$1" = output ]; then
    in_namespace iptables -w -t mangle -D PREROUTING -j "$chain"
    in_namespace iptables -w -t mangle -A OUTPUT -j "$chain"
  else
    in_namespace iptables -w -t mangle -D OUTPUT -j "$chain"
    in_namespace iptables -w -t mangle -I PREROUTING 1 -j "$chain"
  fi
}

echo "TCP echoes, $count at $rate a second on one connection (the round trip of each; added = minus the median without rules, $(ms "$base_p50") ms):"
echo
echo "| between | configured RTT (ms) | RTT p50 (ms) | RTT p99 (ms) | added p50 (ms) | added p99 (ms) | answered |"
echo "|---|---|---|---|---|---|---|"
row "a → b, no rules, no delayer" 0 "$base"
configure 40 30 30
row "a → b" 40 "$(ping a b tcp "$rate" "$count")"
row "b → a" 40 "$(ping b a tcp "$rate" "$count")"
row "a → w" 30 "$(ping a w tcp "$rate" "$count")"
row "a → a (within a site)" 0 "$(ping a a tcp "$rate" "$count")"
row "no site → b (a client)" 0 "$(ping none b tcp "$rate" "$count")"
row "a → b, 1000 a second on one connection" 40 "$(ping a b tcp 1000 5000)" 5000
hold_in output
row "the same, held in OUTPUT (not the rules' way)" 40 "$(ping a b tcp 1000 5000)" 5000
hold_in prerouting
configure 0 0 0
row "a → b, rules and delayer at 0 ms" 0 "$(ping a b tcp "$rate" "$count")"
echo

configure 40 30 30
line=$(stream a b "$rate" "$count")
echo "A stream: a server in a pushes $count messages at $rate a second to a client in b that connected to it (one way," \
  "configured 20 ms): p50 $(ms "$(field p50_us "$line")") ms, p99 $(ms "$(field p99_us "$line")") ms, max $(ms "$(field max_us "$line")") ms," \
  "$(field samples "$line") received."
echo

killed_midway
line=$(cat "$scratch/killed.out")
echo "The delayer killed (SIGKILL) 0.5 s into 400 echoes a → b at 200 a second: $(field samples "$line") answered," \
  "$(field lost "$line") lost, p50 $(ms "$(field p50_us "$line")") ms (bypass), max $(ms "$(field max_us "$line")") ms (what the" \
  "kernel dropped with the queue, sent again by TCP)."
echo

echo "The delayer's cost: UDP echoes a → b (each echo is 2 packets through the delayer), 8 s a rate, RTT 40 ms:"
echo
echo "| packets/s | delayer CPU (% of one core) | RTT p50 (ms) | RTT p99 (ms) | answered | delayer's own count |"
echo "|---|---|---|---|---|---|"
ticks_per_second=$(getconf CLK_TCK)
for packets in 5000 20000; do
  configure 40 30 30
  echoes=$((packets / 2))
  before=$(cpu_ticks "$delay_pid")
  started=$(date +%s%N)
  line=$(ping a b udp "$echoes" $((echoes * 8)))
  elapsed_ns=$(($(date +%s%N) - started))
  after=$(cpu_ticks "$delay_pid")
  cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v ns="$elapsed_ns" 'BEGIN { printf "%.1f", 100 * t / hz / (ns / 1e9) }')
  configure none
  counted=$(sed -n 's/.*packets \([0-9]*\) .*most held at once \([0-9]*\),.*/\1 packets, at most \2 held/p' <<<"$delay_stats")
  echo "| $packets | $cpu | $(ms "$(field p50_us "$line")") | $(ms "$(field p99_us "$line")") | $(field samples "$line")/$((echoes * 8)) | $counted |"
done
echo
echo "Last delayer's statistics: $delay_stats"
