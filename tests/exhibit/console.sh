#!/usr/bin/env bash
# maze exhibit with its operator console (runtime/exhibit_operator.c wiring
# web10's exhibit_console to the supervisor): /health answers without a
# token, the operator routes answer 401 without it or with a wrong one,
# /metrics is Prometheus text counting the visitor's session; headless
# Chromium opens the real operator page with the token and presses "Go to
# attract" while a visitor plays, and the kiosk's screen goes back to the
# attract card, the session logged with reason operator.
. "$(dirname "$0")/exhibit_lib.sh"
chromium=$(command -v chromium || command -v chromium-browser) || fail "chromium is not installed (tools/dev)"
mkdir "$work/web"
cp assets/web/* "$(dirname "$0")"/press_attract.* "$work/web/"
start_exhibit stories/cellar --state-dir "$work" --console-port 0 --console-dir "$work/web" \
  --idle-warn 600 --idle-reset 900
win=$(window)
wait_for 20 grep -q "operator console on" "$work/log" || fail "no console address printed"
url=$(grep -o "http://127.0.0.1:[0-9]*/operator.html#token=[^ ]*" "$work/log" | head -n1)
base=${url%%/operator.html*}
token=${url##*token=}
echo "console: $base"
[ "$(cat "$work/console-token")" = "$token" ] || fail "the token file does not hold the token"
[ "$(stat -c %a "$work/console-token")" = 600 ] || fail "the token file is not mode 0600"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
for path in /api/status /api/sessions /metrics; do
  [ "$(code "$base$path")" = 401 ] || fail "$path without a token is not 401"
  [ "$(code -H "Authorization: Bearer wrong-token-0123456789" "$base$path")" = 401 ] ||
    fail "$path with a wrong token is not 401"
done
[ "$(code -X POST -d '{"action":"stop"}' "$base/api/control")" = 401 ] || fail "control without a token is not 401"
kill -0 "$sup" || fail "a refused stop stopped it"
health() { curl -s "$base/health"; }
wait_for 30 sh -c "curl -s '$base/health' | grep -q '\"state\":\"attract\"'" || fail "/health never says attract: $(health)"
echo "health: $(health)"

# a visitor plays
xdotool type --window "$win" --delay 30 "go down the stairs"
xdotool key --window "$win" Return
wait_for 10 sh -c "curl -s '$base/health' | grep -q '\"state\":\"playing\"'" || fail "/health does not say playing: $(health)"
card=400x100+440+310
shot playing
holds "$(bright playing $card)" "b < 0.003" || fail "a card while the visitor plays"

# the operator presses "Go to attract" on the page
profile=$work/chromium
"$chromium" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --no-default-browser-check --disable-extensions --user-data-dir="$profile" \
  "$base/press_attract.html#token=$token" >"$work/chromium.log" 2>&1 &
pids+=($!)
wait_for 150 sh -c "curl -s '$base/health' | grep -q '\"state\":\"attract\"'" || fail "the press did not bring attract: $(health); chromium: $(tail -5 "$work/chromium.log")"
grep -q '"reason":"operator"' "$work/sessions.jsonl" || fail "the session is not logged as ended by the operator: $(cat "$work/sessions.jsonl")"
wait_for 10 sh -c "import -window root '$work/after.png' && [ \"\$($IM/convert '$work/after.png' -crop $card +repage -colorspace gray -threshold 85% -format '%[fx:mean]' info:)\" != 0 ]" ||
  fail "the screen did not go back to the attract card"
echo "after the press: $(bright after $card) of the card region bright"

metrics=$(curl -s -H "Authorization: Bearer $token" "$base/metrics")
printf '%s\n' "$metrics" | /usr/bin/python3 -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
fam = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}
total = [s.value for s in fam["maze_sessions"].samples if s.name == "maze_sessions_total"][0]
ff = [s.value for s in fam["maze_first_frame_seconds"].samples if s.name.endswith("_count")][0]
print("metrics: sessions", total, "first frames", ff)
sys.exit(0 if total == 1 and ff >= 1 else 1)' || fail "/metrics: $metrics"
kill -TERM "$sup"
wait_for 10 sh -c "! kill -0 $sup 2>/dev/null" || fail "SIGTERM did not stop maze exhibit"
echo "ok: exhibit console"
