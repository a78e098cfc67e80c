#!/bin/sh
# The headless transcript (maze play --headless): nothing a viewer types or a
# story says can act on the terminal, and a run killed halfway keeps every
# line it printed.
. "$(dirname "$0")/../lib.sh"
FIX=tests/story/fixtures

# Escape sequences from the viewer (OSC retitle, clear screen, BEL, CR, an
# 8-bit CSI, a bidi override) and from the story (title, caption, reply).
printf 'look \033]0;pwned\007 around\033[2J\nhi\rthere \302\233 \342\200\256x\\\nleave\n' > "$T/in.txt"
"$MZ_MAZE" play $FIX/terminal --headless --inputs "$T/in.txt" > "$T/out.txt" 2> "$T/err.txt"
check "plays to the end" test $? -eq 0
check "no ESC, BEL or CR reaches the terminal" sh -c "! LC_ALL=C grep -q \"\$(printf '[\033\007\r]')\" '$T/out.txt'"
check "no C1 control or bidi override either" sh -c "! LC_ALL=C grep -q \"\$(printf '\302\233\|\342\200\256')\" '$T/out.txt'"
check "the viewer's OSC shows as text" has "$T/out.txt" '> look \x1b]0;pwned\x07 around\x1b[2J'
check "CR, C1, bidi and backslash show as text" has "$T/out.txt" '> hi\rthere \u009b \u202ex\\'
check "the story's title is escaped" has "$T/out.txt" 'Terminal \x1b]0;retitled\x07'
check "its caption too" has "$T/out.txt" '[0] hall: Lights \x1b[2Jout.\rFORGED LINE'
check "and its replies" has "$T/out.txt" '    "\x1b[31mYou said\x1b[0m: look ]0;pwned around[2J"'
check "the ending" has "$T/out.txt" "the story ended at 'door' after 3 turns"

# Killed while drawing its first frames (SIGXFSZ: the first PNG is over the
# file size limit), a run has already printed the title and the first scene,
# line by line. Block-buffered, the file would be empty.
printf 'descend\n' > "$T/in2.txt"
(
  ulimit -f 16
  MESA_SHADER_CACHE_DISABLE=true exec "$MZ_MAZE" play $FIX/cellar --headless --inputs "$T/in2.txt" \
    --record "$T/rec" --size 320x180 > "$T/killed.txt" 2> "$T/killed_err.txt"
)
rc=$?
check "the run was killed by a signal (status $rc)" test "$rc" -gt 128
check "its transcript has the title" has "$T/killed.txt" "The Cellar"
check "and the first scene" has "$T/killed.txt" "[0] stairs: The stairs smell of damp and apples."
finish
