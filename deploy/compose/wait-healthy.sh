#!/bin/sh
# Waits until every container of a compose project is healthy (or, without a health check, running), and every
# one-shot job (etcd-auth, migrate) has exited 0: what `docker compose up --wait` does, for Debian's docker-compose
# 1.29, which has no --wait. deploy/deploy-region.sh runs it on the host after `docker-compose up -d`.
#   wait-healthy.sh PROJECT SECONDS
# Exit 0 when all are; 1 naming the services that are not (unhealthy, a job that failed, or still starting when the
# time is up). POSIX sh: it runs on the host, which may have no bash.
set -eu
project=${1:?usage: wait-healthy.sh PROJECT SECONDS}
seconds=${2:?usage: wait-healthy.sh PROJECT SECONDS}
deadline=$(($(date +%s) + seconds))

# One line per container of the project (not `run` one-offs): service, status, exit code, health ("" without a check).
states() {
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project" --filter label=com.docker.compose.oneoff=False)
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086 # one argument per container id
  docker inspect --format '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' $ids
}

while :; do
  all=$(states)
  [ -n "$all" ] || { echo "wait-healthy.sh: project $project has no containers" >&2; exit 1; }
  # Failed for good: a job that exited non-zero; a container Docker calls unhealthy is reported but may recover.
  failed=$(printf '%s\n' "$all" | awk '$2 == "exited" && $4 == "" && $3 != 0 { printf "%s%s (exited %s)", sep, $1, $3; sep = ", " }')
  if [ -n "$failed" ]; then
    echo "wait-healthy.sh: $project: failed: $failed" >&2
    exit 1
  fi
  waiting=$(printf '%s\n' "$all" | awk '
    ($2 == "running" && ($4 == "healthy" || $4 == "")) || ($2 == "exited" && $4 == "" && $3 == 0) { next }
    { printf "%s%s (%s%s)", sep, $1, $2, ($4 == "" ? "" : ", " $4); sep = ", " }')
  if [ -z "$waiting" ]; then
    echo "$project: every container healthy, every job done"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "wait-healthy.sh: $project: not healthy after ${seconds}s: $waiting" >&2
    exit 1
  fi
  sleep 2
done
