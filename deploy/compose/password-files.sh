#!/bin/sh
# The `*_FILE` convention for programs that only read passwords from their environment (Patroni, etcdctl, psql in
# post-bootstrap.sh): every NAME_PASSWORD_FILE variable becomes NAME_PASSWORD with the file's content, the _FILE
# variable is dropped, and the command runs. The compose file names a path, never a password; the password is in
# no command line and no log line, and lives only in the process's own environment.
#   password-files.sh COMMAND [ARG...]
set -eu
for variable in $(env | sed -n 's/^\([A-Z][A-Z0-9_]*_PASSWORD\)_FILE=.*/\1/p'); do
  eval "file=\${${variable}_FILE}"
  # shellcheck disable=SC2154 # assigned by the eval above
  if [ ! -r "$file" ]; then
    echo "password-files.sh: cannot read $file (${variable}_FILE)" >&2
    exit 1
  fi
  value=$(cat "$file")
  export "$variable=$value"
  unset "${variable}_FILE"
done
exec "$@"
