# What the shell tests share; sourced (. "$(dirname "$0")/../lib.sh") by tests
# that run from the source folder with $MZ_MAZE set by ctest. Gives a scratch
# folder $T (removed on exit), `check NAME CONDITION...` (prints ok/FAIL and
# counts failures), `has FILE TEXT` (a fixed-string grep) and `finish` (the
# summary line, and the exit status: 0 only when every check passed).
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() {
  name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fails=$((fails + 1)); fi
}
has() { grep -qF -- "$2" "$1"; }
finish() {
  echo "$fails failed"
  test "$fails" -eq 0
  exit
}
