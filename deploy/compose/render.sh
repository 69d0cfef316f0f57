#!/bin/sh
# Renders a deploy/ template inside a container the way the stack controller renders it locally
# (src/StatelessApp.Stack/Servers/ConfigTemplate.cs): every ${UPPER_CASE} placeholder is replaced from the
# environment, a placeholder without a value is an error (never an empty string), and anything else — nginx's own
# $variables, lower-case or brace-less — is left alone. POSIX sh + awk: the official Redis, nginx and Debian images
# all have both, none has envsubst with these rules. tests/StatelessApp.DeployTests compares it with the controller.
# A placeholder NAME that is not in the environment but NAME_FILE is takes that file's content (the `*_FILE`
# convention: a container's passwords are files under /run/secrets, never environment values), and a placeholder
# NAME_SHA256 takes the SHA-256 (hex) of the file NAME_FILE names (the ACL files hold hashes, never passwords; the
# content without its trailing newlines, as `$(cat FILE)` reads it).
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
      } else if (name ~ /_SHA256$/ && (substr(name, 1, length(name) - 7) "_FILE") in ENVIRON) {
        # The file is named by the variable, expanded by the shell: no path is pasted into the command.
        command = "f=\"$" substr(name, 1, length(name) - 7) "_FILE\"; [ -s \"$f\" ] && printf %s \"$(cat \"$f\")\" | sha256sum"
        value = ""
        if ((command | getline value) > 0) { split(value, words, " "); value = words[1] }
        close(command)
        if (value !~ /^[0-9a-f]+$/ || length(value) != 64) { value = substr(rest, RSTART, RLENGTH); missing[name] = 1; failed = 1 }
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
