#!/bin/sh
# Remakes assets/moderation/allow/en.txt (needs wamerican and wbritish):
#   tools/moderation_allow.sh build/tools/moderation_allow
set -e
cd "$(dirname "$0")/.."
tool=${1:-build/tools/moderation_allow}
dir=assets/moderation
others=$(ls $dir/*.txt | grep -v '/en.txt$')
out=$($tool tools/moderation_deny.txt /usr/share/dict/american-english /usr/share/dict/british-english -- $dir/en.txt $others)
{
  printf '%s\n' "$out" | grep '^#'
  printf '%s\n' "$out" | grep -v '^#' | sort -uf
  printf '# Places and names the dictionaries lack\n'
  printf '%s\n' Scunthorpe Penistone Clitheroe Lightwater Cockburn Horsham Middlesex Wessex
} > $dir/allow/en.txt
