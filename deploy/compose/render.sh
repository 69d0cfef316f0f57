#!/bin/sh
# Renders a deploy/ template inside a container the way the stack controller renders it locally
# (src/StatelessApp.Stack/Servers/ConfigTemplate.cs): every ${UPPER_CASE} placeholder is replaced from the
# environment, a placeholder without a value is an error (never an empty string), and anything else — nginx's own
# $variables, lower-case or brace-less — is left alone. POSIX sh + awk: the official Redis, nginx and Debian images
# all have both, none has envsubst with these rules. tests/StatelessApp.DeployTests compares it with the controller.
# A placeholder NAME that is not in the environment but NAME_FILE is takes that file's content (the `*_FILE`
# convention: a container's passwords are files under /run/secrets, never environment values).
#   render.sh TEMPLATE OUTPUT      (OUTPUT is created readable by its owner only: it may hold a password)
set -eu
if [ $# -ne 2 ]; then
  echo "usage: render.sh TEMPLATE OUTPUT" >&2
  exit 2
fi
template=$1
output=$2
[ -r "$template" ] || { echo "render.sh: cannot read $template" >&2; exit 1; }
umask 077
awk -v template="$template" '
  {
    rest = $0
    done = ""
    while (match(rest, /[$][{][A-Z][A-Z0-9_]*[}]/)) {
      name = substr(rest, RSTART + 2, RLENGTH - 3)
      if (name in ENVIRON) {
        value = ENVIRON[name]
      } else if ((name "_FILE") in ENVIRON && (getline value < ENVIRON[name "_FILE"]) > 0) {
        close(ENVIRON[name "_FILE"])
      } else {
        value = substr(rest, RSTART, RLENGTH)
        missing[name] = 1
        failed = 1
      }
      done = done substr(rest, 1, RSTART - 1) value
      rest = substr(rest, RSTART + RLENGTH)
    }
    print done rest
  }
  END {
    if (failed) {
      list = ""
      for (name in missing) list = list (list == "" ? "" : ", ") name
      printf "%s: no value for %s\n", template, list > "/dev/stderr"
      exit 1
    }
  }
' "$template" > "$output.tmp" || { rm -f "$output.tmp"; exit 1; }
mv "$output.tmp" "$output"
