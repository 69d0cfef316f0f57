#!/usr/bin/env bash
# Writes the secret files of one site (region a, region b, the witness w, or all three for one Docker host): one
# folder per service, holding ONLY what that service uses, which the service mounts read-only at /run/secrets
# (services.yml: ${SECRETS_DIR}/<service>:/run/secrets). docs/deploy.md, "Secrets", has the table; in short:
#   tls/ca.crt, tls/node.crt, tls/node.key   every TLS speaker (the migrate job: the app client certificate)
#   <name>-password                          the passwords the service's own process needs, nothing more
#   config/ConnectionStrings__*              the app's connection strings, password included (read as files by
#                                            the app: AddKeyPerFile, never its environment)
#   shop-db-password                         app and migrate: role shop's password alone, which the app reads at every
#                                            new connection (services.yml: Database__PasswordFile): rewriting it after
#                                            ALTER ROLE rotates it with no restart
#   keyring/                                 the key-ring certificate(s): apps and migrate only
# The witness gets etcd's TLS files, the Redis node's users and the Sentinel's: no PostgreSQL, etcd-user, Patroni
# or app secret, no key-ring certificate.
# Every folder and file belongs to the uid the service's process runs as, mode 700/600 (bind mounts keep the host's
# owner and mode). Ownership needs root: as another user the files are written and `--owners-only DIR` must be
# run as root where they will be used (deploy-region.sh does it on the host).
# No password or key is ever printed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
script=compose/site-secrets.sh
# shellcheck source=SCRIPTDIR/../lib/script-common.sh
source "$root/deploy/lib/script-common.sh"

# The passwords of a deployment (names: deploy/secrets.env.example) → the file each one is shipped as.
declare -A password_files=(
  [REDIS_APP_PASSWORD]=redis-app-password [REDIS_REPLICA_PASSWORD]=redis-replica-password
  [REDIS_SENTINEL_PASSWORD]=redis-sentinel-password [REDIS_ADMIN_PASSWORD]=redis-admin-password
  [POSTGRES_SUPERUSER_PASSWORD]=postgres-superuser-password [POSTGRES_REPLICATION_PASSWORD]=postgres-replication-password
  [POSTGRES_REWIND_PASSWORD]=postgres-rewind-password
  [SHOP_OWNER_DB_PASSWORD]=shop-owner-db-password [SHOP_DB_PASSWORD]=shop-db-password
  [PATRONI_REST_PASSWORD]=patroni-rest-password
  [ETCD_ROOT_PASSWORD]=etcd-root-password [ETCD_PATRONI_PASSWORD]=etcd-patroni-password
  [REDIS_MONITOR_PASSWORD]=redis-monitor-password [POSTGRES_MONITOR_PASSWORD]=postgres-monitor-password
)
password_keys=(REDIS_APP_PASSWORD REDIS_REPLICA_PASSWORD REDIS_SENTINEL_PASSWORD REDIS_ADMIN_PASSWORD
  POSTGRES_SUPERUSER_PASSWORD POSTGRES_REPLICATION_PASSWORD POSTGRES_REWIND_PASSWORD SHOP_OWNER_DB_PASSWORD SHOP_DB_PASSWORD
  PATRONI_REST_PASSWORD ETCD_ROOT_PASSWORD ETCD_PATRONI_PASSWORD REDIS_MONITOR_PASSWORD POSTGRES_MONITOR_PASSWORD)

# What each kind of service gets: its passwords (by key) and whether it has a node certificate.
declare -A kind_passwords=(
  [etcd]=""
  [etcd-auth]="ETCD_ROOT_PASSWORD ETCD_PATRONI_PASSWORD"
  [pg]="POSTGRES_SUPERUSER_PASSWORD POSTGRES_REPLICATION_PASSWORD POSTGRES_REWIND_PASSWORD PATRONI_REST_PASSWORD ETCD_PATRONI_PASSWORD SHOP_OWNER_DB_PASSWORD SHOP_DB_PASSWORD POSTGRES_MONITOR_PASSWORD"
  [redis]="REDIS_APP_PASSWORD REDIS_REPLICA_PASSWORD REDIS_SENTINEL_PASSWORD REDIS_ADMIN_PASSWORD REDIS_MONITOR_PASSWORD"
  [sentinel]="REDIS_SENTINEL_PASSWORD REDIS_APP_PASSWORD REDIS_ADMIN_PASSWORD REDIS_MONITOR_PASSWORD"
  [app]="" [migrate]="" [proxy]=""
  [redis-exporter]="REDIS_MONITOR_PASSWORD" [pg-exporter]="POSTGRES_MONITOR_PASSWORD" [prometheus]=""
)
# The uid each kind's process runs as (the images' own users; deploy/etcd/Dockerfile's etcd user; proxy: per kind).
declare -A kind_uids=([etcd]=10001 [etcd-auth]=999 [pg]=999 [redis]=999 [sentinel]=999 [app]=1654 [migrate]=1654
  [redis-exporter]=65534 [pg-exporter]=65534 [prometheus]=65534)
declare -A proxy_uids=([haproxy]=99 [nginx]=101)

# The services of each site that hold secrets (the DNS server has none), as the compose placements name them.
site_services() {
  case "$1" in
    a | b) echo "etcd-$1 etcd-auth pg-$1 migrate redis-$1 sentinel-$1 app-${1}1 app-${1}2 proxy-$1 redis-exporter-$1 pg-exporter-$1" ;;
    w) echo "etcd-w redis-w sentinel-w redis-exporter-w prometheus-w" ;;
    all) echo "etcd-a etcd-b etcd-w etcd-auth pg-a pg-b migrate redis-a redis-b redis-w sentinel-a sentinel-b sentinel-w app-a1 app-a2 app-b1 app-b2 proxy-a proxy-b redis-exporter-a redis-exporter-b redis-exporter-w pg-exporter-a pg-exporter-b prometheus-w" ;;
  esac
}
kind_of() {
  case "$1" in
    etcd-auth | migrate) echo "$1" ;;
    *-exporter-*) echo "${1%-*}" ;;
    *) echo "${1%%-*}" ;;
  esac
}

usage() {
  cat <<'USAGE'
Usage: deploy/compose/site-secrets.sh --site a|b|w|all --tls DIR -o DIR [options]
       deploy/compose/site-secrets.sh --owners-only DIR [--env FILE]

Writes one folder per service of the site with only the secret files that service uses (mode 600, owned by the
service's uid when run as root). --owners-only applies the owners and modes to a folder written earlier.

Options:
  --site a|b|w|all      the site (all: every site, for docker-compose.yml on one Docker host)
  --tls DIR             the output of deploy/issue-certificates.sh
  -o, --output DIR      where to write (replaced as a whole); the env file's SECRETS_DIR on the Docker host
  --passwords FILE      KEY=VALUE file with the passwords (names: deploy/secrets.env.example); a password set in
                        the environment wins over the file
  --env FILE            the compose env file (default: generated by deploy/compose/compose-env.sh)
  --ca-bundle FILE      ship this CA bundle instead of TLS_DIR/ca.crt (CA rotation, step 1)
  --proxy-cert FILE     the proxies' public certificate chain (PEM) } default: the proxy's node certificate,
  --proxy-key FILE      and its private key (PEM)                   } issued by the deployment CA
  -h, --help            this text
USAGE
}

site="" tls="" output="" passwords_file="" env_file="" ca_bundle="" proxy_cert="" proxy_key="" owners_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --site | --tls | -o | --output | --passwords | --env | --ca-bundle | --proxy-cert | --proxy-key | --owners-only)
      if [ $# -lt 2 ] || [ -z "$2" ] || [[ $2 == --* ]]; then refuse "$1 needs a value"; fi
      case "$1" in
        --site) site=$2 ;;
        --tls) tls=$2 ;;
        -o | --output) output=$2 ;;
        --passwords) passwords_file=$2 ;;
        --env) env_file=$2 ;;
        --ca-bundle) ca_bundle=$2 ;;
        --proxy-cert) proxy_cert=$2 ;;
        --proxy-key) proxy_key=$2 ;;
        --owners-only) owners_only=$2 ;;
      esac
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) refuse "unknown argument '$1'" ;;
  esac
done

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_compose_env "$env_file" "$work/compose.env"
proxy_uid=${proxy_uids[${env[STACK_PROXY_KIND]:-}]:-}
[ -n "$proxy_uid" ] || fail "$env_file: STACK_PROXY_KIND must be haproxy or nginx"

uid_of() {
  local kind
  kind=$(kind_of "$1")
  if [ "$kind" = proxy ]; then echo "$proxy_uid"; else echo "${kind_uids[$kind]}"; fi
}

# Owner and modes of every service folder under $1 (folders 700, files 600: only the service's uid reads them).
apply_owners() {
  local folder=$1 service uid
  for service in "$folder"/*/; do
    service=$(basename "$service")
    uid=$(uid_of "$service")
    [ -n "$uid" ] || fail "$folder/$service is not a service this script knows"
    find "$folder/$service" -type d -exec chmod 700 {} + -o -type f -exec chmod 600 {} +
    chown -R "$uid:$uid" "$folder/$service"
  done
  chmod 755 "$folder"
}

if [ -n "$owners_only" ]; then
  [ "$(id -u)" -eq 0 ] || fail "--owners-only needs root (it gives each service folder to the service's uid)"
  [ -d "$owners_only" ] || refuse "$owners_only is not a folder"
  apply_owners "$owners_only"
  echo "site-secrets.sh: owners and modes applied under $owners_only" >&2
  exit 0
fi

[ -n "$site" ] || refuse "--site is required (a, b, w or all)"
case "$site" in a | b | w | all) ;; *) refuse "--site must be a, b, w or all, not '$site'" ;; esac
[ -n "$tls" ] || refuse "--tls DIR is required (the output of deploy/issue-certificates.sh)"
[ -n "$output" ] || refuse "-o DIR is required"
if [ ! -r "$tls/ca.crt" ] || [ ! -d "$tls/nodes" ]; then refuse "$tls is not a folder deploy/issue-certificates.sh wrote (no ca.crt or nodes/)"; fi
[ -z "$ca_bundle" ] || [ -r "$ca_bundle" ] || refuse "cannot read the CA bundle $ca_bundle"
if [ -n "$proxy_cert$proxy_key" ]; then
  if [ -z "$proxy_cert" ] || [ -z "$proxy_key" ]; then refuse "--proxy-cert and --proxy-key go together"; fi
  if [ ! -r "$proxy_cert" ] || [ ! -r "$proxy_key" ]; then refuse "cannot read the proxy certificate or key"; fi
fi
if [ -n "$passwords_file" ] && [ ! -r "$passwords_file" ]; then refuse "cannot read the passwords file $passwords_file"; fi

# Passwords: the environment wins over the file; only the ones this site uses must be present.
declare -A from_file=() password=()
if [ -n "$passwords_file" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line == *=* ]] && [[ $line != \#* ]] && from_file[${line%%=*}]=${line#*=}
  done <"$passwords_file"
fi
services=$(site_services "$site")
needed=()
for service in $services; do
  for key in ${kind_passwords[$(kind_of "$service")]}; do needed+=("$key"); done
done
[ "$site" = w ] || needed+=(REDIS_APP_PASSWORD SHOP_DB_PASSWORD SHOP_OWNER_DB_PASSWORD) # connection strings
missing=()
for key in "${password_keys[@]}"; do
  [[ " ${needed[*]} " == *" $key "* ]] || continue
  value=${!key:-${from_file[$key]:-}}
  if [ -z "$value" ]; then
    missing+=("$key")
  elif [[ $value == *[[:space:]\$\"\'\\\;,=]* ]]; then
    # Connection strings and config lines carry them as they are: no quoting to get wrong.
    refuse "$key contains a space, quote, backslash, '\$', ';', ',' or '=': choose another"
  fi
  password[$key]=$value
done
[ ${#missing[@]} -eq 0 ] || refuse "missing password(s) for site $site: ${missing[*]} (environment or --passwords FILE; names: deploy/secrets.env.example)"

staging="$output.new.$$"
rm -rf "$staging"
mkdir -p "$staging"
put() { # put FILE CONTENT: written without a trailing newline (the readers take the file's content as the value)
  mkdir -p "$(dirname "$1")"
  printf '%s' "$2" >"$1"
}
copy() { mkdir -p "$(dirname "$2")" && cp "$1" "$2"; }

connection_redis() {
  echo "${env[A_SENTINEL_ADDR]}:${env[SENTINEL_PORT]},${env[B_SENTINEL_ADDR]}:${env[SENTINEL_PORT]},${env[W_SENTINEL_ADDR]}:${env[SENTINEL_PORT]},serviceName=${env[REDIS_MASTER_NAME]},user=app,password=${password[REDIS_APP_PASSWORD]},ssl=true,abortConnect=false"
}
connection_shop() { # connection_shop ROLE PASSWORD_KEY
  echo "Host=${env[A_POSTGRES_ADDR]}:${env[POSTGRES_PORT]},${env[B_POSTGRES_ADDR]}:${env[POSTGRES_PORT]};Database=shop;Username=$1;Password=${password[$2]};SSL Mode=VerifyFull;Root Certificate=/run/secrets/tls/ca.crt"
}

for service in $services; do
  kind=$(kind_of "$service")
  folder="$staging/$service"
  mkdir -p "$folder/tls"
  copy "${ca_bundle:-$tls/ca.crt}" "$folder/tls/ca.crt"
  case "$kind" in
    etcd-auth) copy "$tls/clients/etcd-root.crt" "$folder/tls/node.crt"; copy "$tls/clients/etcd-root.key" "$folder/tls/node.key" ;;
    migrate) copy "$tls/clients/app.crt" "$folder/tls/node.crt"; copy "$tls/clients/app.key" "$folder/tls/node.key" ;;
    # Clients of their own server only, which asks for no client certificate: the CA alone.
    redis-exporter | pg-exporter) ;;
    *) copy "$tls/nodes/$service.crt" "$folder/tls/node.crt"; copy "$tls/nodes/$service.key" "$folder/tls/node.key" ;;
  esac
  for key in ${kind_passwords[$kind]}; do put "$folder/${password_files[$key]}" "${password[$key]}"; done
  case "$kind" in
    pg) copy "$tls/clients/patroni.crt" "$folder/tls/etcd-client.crt"; copy "$tls/clients/patroni.key" "$folder/tls/etcd-client.key" ;;
    proxy)
      # The public chain the operator gives replaces the node certificate; its key lies beside it (node.key).
      if [ -n "$proxy_cert" ]; then copy "$proxy_cert" "$folder/tls/node.crt"; copy "$proxy_key" "$folder/tls/node.key"; fi
      ;;
    app | migrate)
      put "$folder/config/ConnectionStrings__Redis" "$(connection_redis)"
      put "$folder/config/ConnectionStrings__Shop" "$(connection_shop shop SHOP_DB_PASSWORD)"
      put "$folder/shop-db-password" "${password[SHOP_DB_PASSWORD]}"
      # migrate runs the migrations as the schema's owner; the app's own role has DML only.
      if [ "$kind" = migrate ]; then
        put "$folder/config/ConnectionStrings__ShopOwner" "$(connection_shop shop_owner SHOP_OWNER_DB_PASSWORD)"
      fi
      for file in "$tls"/keyring/*.crt "$tls"/keyring/*.key; do
        [ -f "$file" ] && copy "$file" "$folder/keyring/$(basename "$file")"
      done
      [ -f "$folder/keyring/keyring.crt" ] || fail "$tls/keyring/keyring.crt is missing: run deploy/issue-certificates.sh"
      ;;
  esac
done

if [ "$(id -u)" -eq 0 ]; then
  apply_owners "$staging"
  owners="owned by each service's uid"
else
  owners="NOT owned by the services' uids yet: run --owners-only as root where they are used"
fi
rm -rf "$output"
mv "$staging" "$output"
echo "site-secrets.sh: site $site: $(echo "$services" | wc -w) service folders in $output ($owners)" >&2
