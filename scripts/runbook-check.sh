#!/bin/sh
# A `command` check for the status page: every runbook names its owners, says what it is for
# and has sections to follow. It checks the runbook documents, not the systems they cover, so
# each row's item is the runbook's file. Prints one row per runbook on stdout, as the page
# expects:
#
#   LEVEL,item,message,link        LEVEL is OK, WARNING or ERROR; fields are CSV.
#
# Anything meant for people debugging this script goes to stderr.
set -eu

dir=${1:-content/runbooks}
[ -d "$dir" ] || { echo "no folder $dir" >&2; exit 2; }

csv() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }

for file in "$dir"/*.md; do
    name=$(basename "$file" .md)
    [ "$name" = "_index" ] && continue
    title=$(sed -n 's/^title: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$file" | head -n 1)
    [ -n "$title" ] || title=$name
    owners=$(sed -n 's/^owners: *\[\(.*\)\] *$/\1/p' "$file" | head -n 1 | tr -d '"')
    sections=$(grep -c '^## ' "$file" || true)
    if [ -z "$owners" ]; then
        level=ERROR
        message="no owners: a runbook nobody owns goes stale"
    elif ! grep -q '^summary:' "$file"; then
        level=WARNING
        message="no summary; owners: $owners"
    elif [ "$sections" -lt 2 ]; then
        level=WARNING
        message="only $sections section(s); a runbook needs steps to follow"
    else
        level=OK
        message="owners: $owners; $sections sections"
    fi
    printf '%s,%s,%s,%s\n' "$level" "$(csv "runbooks/$name.md")" "$(csv "$title — $message")" "[[runbooks/$name]]"
done
