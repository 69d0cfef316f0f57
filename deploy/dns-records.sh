#!/usr/bin/env bash
# The DNS step of a deployment: the app's name gets TWO A records, one per region's proxy, so that a client that
# cannot reach one region tries the other (the witness dnsmasq does the same for the local stack).
#   DigitalOcean: creates the records through its API (HTTPS with curl; DIGITALOCEAN_TOKEN from the environment).
#                 A record that already exists is left alone; A records of the name that point elsewhere are
#                 reported (not deleted: removing one is a decision, docs/deploy.md).
#   any other provider: prints the zone-file lines to enter in its console or zone file.
# --dry-run prints every command and contacts nothing; the token is never printed (curl reads it on stdin).
set -euo pipefail

api=https://api.digitalocean.com/v2

usage() {
  cat <<'USAGE'
Usage: deploy/dns-records.sh --domain NAME --a IP --b IP [options]

Creates the two A records of the app's name (region A's and region B's public address).

Required:
  --domain NAME         the app's name, e.g. shop.example.com
  --a IP                public address of region A's host
  --b IP                public address of region B's host

Options:
  --provider digitalocean|zonefile
                        digitalocean (default): create the records through the API; needs DIGITALOCEAN_TOKEN
                        in the environment. zonefile: print the records for any other provider.
  --zone ZONE           the DNS zone the provider manages (default: NAME without its first label)
  --ttl SECONDS         record TTL (default 60; short, so clients notice a changed record soon; at least 30)
  --dry-run             print the commands, contact nothing
  -h, --help            this text
USAGE
}

script=dns-records.sh
# shellcheck source=SCRIPTDIR/lib/script-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/script-common.sh"

domain="" address_a="" address_b="" provider=digitalocean zone="" ttl=60 dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --domain | --a | --b | --provider | --zone | --ttl)
      if [ $# -lt 2 ] || [ -z "$2" ] || [[ $2 == --* ]]; then refuse "$1 needs a value"; fi
      case "$1" in
        --domain) domain=${2%.} ;;
        --a) address_a=$2 ;;
        --b) address_b=$2 ;;
        --provider) provider=$2 ;;
        --zone) zone=${2%.} ;;
        --ttl) ttl=$2 ;;
      esac
      shift 2
      ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) refuse "unknown argument '$1'" ;;
  esac
done

label='[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?'

[ -n "$domain" ] || refuse "--domain is required (e.g. shop.example.com)"
domain=${domain,,}
[[ $domain =~ ^($label\.)+$label$ ]] || refuse "--domain '$domain' is not a DNS name with at least two labels"
[ -n "$address_a" ] || refuse "--a is required (region A's public IPv4 address)"
[ -n "$address_b" ] || refuse "--b is required (region B's public IPv4 address)"
is_ipv4 "$address_a" || refuse "--a '$address_a' is not an IPv4 address"
is_ipv4 "$address_b" || refuse "--b '$address_b' is not an IPv4 address"
[ "$address_a" != "$address_b" ] || refuse "--a and --b are the same address: the regions need a host each"
case "$provider" in digitalocean | zonefile) ;; *) refuse "--provider must be digitalocean or zonefile, not '$provider'" ;; esac
if ! [[ $ttl =~ ^[0-9]+$ ]] || [ "$ttl" -lt 30 ]; then refuse "--ttl '$ttl' must be a number of seconds, at least 30"; fi
zone=${zone:-${domain#*.}}
zone=${zone,,}
case "$domain" in
  "$zone") name=@ ;;
  *."$zone") name=${domain%."$zone"} ;;
  *) refuse "--domain $domain is not inside --zone $zone" ;;
esac

if [ "$provider" = zonefile ]; then
  echo "; The app's two A records (one per region). Enter them at your DNS provider, or in the zone file of $zone:"
  printf '%s.\t%s\tIN\tA\t%s\n' "$domain" "$ttl" "$address_a" "$domain" "$ttl" "$address_b"
  exit 0
fi

[ -n "${DIGITALOCEAN_TOKEN:-}" ] || refuse "DIGITALOCEAN_TOKEN is not set (a DigitalOcean API token with write access to the zone $zone)"
command -v curl >/dev/null || fail "curl is not installed"

# Commands are shown on the terminal (fd 3) even when their output is captured.
exec 3>&1
# curl reads the Authorization header from stdin (-H @-): the token never appears on a command line or in output.
do_api() {
  local description=$1
  shift
  local command=(curl -fsS --max-time 20 -H @- "$@") shown="" word
  for word in "${command[@]}"; do shown="$shown${shown:+ }$(quote "$word")"; done
  echo "+ $shown < (Authorization: Bearer \$DIGITALOCEAN_TOKEN, not shown)" >&3
  [ "$dry_run" -eq 1 ] && return 0
  printf 'Authorization: Bearer %s\n' "$DIGITALOCEAN_TOKEN" | "${command[@]}" \
    || fail "DigitalOcean API: $description failed (is the token valid, and is $zone a DigitalOcean-managed zone?)"
}

echo "==> A records of $domain in zone $zone (DigitalOcean)$([ "$dry_run" -eq 1 ] && echo ', DRY RUN: nothing is sent')"
existing=$(do_api "listing the A records of $domain" "$api/domains/$zone/records?type=A&name=$domain&per_page=200")
for address in "$address_a" "$address_b"; do
  if [[ $existing == *"\"data\":\"$address\""* ]]; then
    echo "    $domain A $address: exists"
    continue
  fi
  body="{\"type\":\"A\",\"name\":\"$name\",\"data\":\"$address\",\"ttl\":$ttl}"
  do_api "creating $domain A $address" -X POST -H "Content-Type: application/json" -d "$body" "$api/domains/$zone/records" >/dev/null
  echo "    $domain A $address: $([ "$dry_run" -eq 1 ] && echo 'would be created' || echo created)"
done

# Other A records for the name would send clients to a host that is not a region: say so, delete nothing.
stale=$(grep -oE '"data":"[0-9.]+"' <<<"$existing" | cut -d'"' -f4 | grep -vxF -e "$address_a" -e "$address_b" || true)
if [ -n "$stale" ]; then
  echo "    WARNING: $domain also has A record(s) for: $(echo "$stale" | tr '\n' ' ')— remove them in the DigitalOcean console if they are not regions." >&2
fi
echo "==> check: dig +short $domain A   (expect $address_a and $address_b)"
