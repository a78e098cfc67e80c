#!/usr/bin/env python3
"""The operator console (runtime/exhibit_console.c) with a fake supervisor:
/health without a token, 401 on every operator route without the right
one, the control route's checks, the session list, /metrics as Prometheus
text; then headless Chromium opens assets/web/operator.html with the token,
presses "Go to attract", and the fake supervisor receives it.
Usage: console.py CONSOLE_FIXTURE"""
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from webtest import request  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

fixture = sys.argv[1]
src = os.environ.get("MZ_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


proc = subprocess.Popen([fixture, "--static", os.path.join(src, "assets/web"),
                         "--check", os.path.join(src, "tests/web/console_check.html")],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
first = proc.stdout.readline()
fields = dict(kv.split("=", 1) for kv in first.split())
port, token = int(fields["port"]), fields["token"]
lines = queue.Queue()
threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in proc.stdout], daemon=True).start()


def next_line(prefix, timeout):
    """The fixture's next stdout line starting with prefix, or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            line = lines.get(timeout=max(0.05, deadline - time.time()))
        except queue.Empty:
            return None
        if line.startswith(prefix):
            return line
    return None


auth = {"Authorization": "Bearer " + token}
post = dict(auth, **{"Content-Type": "application/json"})

# --- /health needs no token
status, _, body = request(port, "GET", "/health")
health = json.loads(body)
check(status == 200, f"/health answers 200 (got {status})")
check(health == {"state": "playing", "scene": "the-lamp-room", "turn": 4, "uptime_s": 93784,
                 "restarts": 1, "player_up": True}, f"/health: {health}")

# --- every operator route: 401 without the token or with a wrong one
for method, path in [("GET", "/api/status"), ("POST", "/api/control"), ("GET", "/api/sessions"),
                     ("GET", "/metrics")]:
    for headers in [{}, {"Authorization": "Bearer wrong-token-0123456789"},
                    {"Cookie": "mz_token=wrong"}]:
        status, _, _ = request(port, method, path, body=b'{"action":"restart"}' if method == "POST" else None,
                               headers=headers)
        check(status == 401, f"{method} {path} with {headers or 'no token'} answers 401 (got {status})")
check(next_line("control", 0.5) is None, "a refused control never reaches the supervisor")

# --- status
status, _, body = request(port, "GET", "/api/status", headers=auth)
st = json.loads(body)
check(status == 200, f"/api/status with the token answers 200 (got {status})")
for key, want in [("state", "playing"), ("scene", "the-lamp-room"), ("turn", 4), ("sessions_today", 12),
                  ("fps", 29.5), ("generator", "remote ws://gpu-1:9000"), ("fallbacks", 2),
                  ("rss_mb", 500), ("restarts", 1), ("stories", ["stories/lighthouse", "stories/forest"])]:
    check(st.get(key) == want, f"status {key}: {st.get(key)!r}, want {want!r}")
# p95 of 20 first frames, 10 <= 0.25 s and 8 more <= 0.5 s: rank 19 is the
# first of the 2 in (0.5, 1]: 0.5 + 0.5 * 1/2 = 0.75 s
check(abs(st.get("first_frame_p95_ms", 0) - 750) < 1e-6, f"p95 from the histogram: {st.get('first_frame_p95_ms')}")

# --- controls
for body, code, want in [
        (b"not json", 400, "not JSON"),
        (b'{"action":"dance"}', 400, "is one of"),
        (b'{"action":"volume"}', 400, "from 0 to 1"),
        (b'{"action":"volume","volume":1.5}', 400, "from 0 to 1"),
        (b'{"action":"story","story":5}', 400, "configured stories"),
        (b'{"action":"story","story":"stories/nowhere"}', 400, "configured stories"),
        (b'{"action":"stop"}', 409, "this fixture does not stop")]:
    status, _, answer = request(port, "POST", "/api/control", body=body, headers=post)
    check(status == code and want in json.loads(answer).get("error", ""),
          f"control {body!r}: {status} {answer!r}, want {code} '{want}'")
check(next_line("control", 2) == "control stop 0", "only the well-formed stop reached the supervisor")
for body, line in [(b'{"action":"volume","volume":0.25}', "control volume 0.25"),
                   (b'{"action":"story","story":"stories/forest"}', "control story 1"),
                   (b'{"action":"story","story":0}', "control story 0"),
                   (b'{"action":"pause"}', "control pause 0")]:
    status, _, answer = request(port, "POST", "/api/control", body=body, headers=post)
    check(status == 200, f"control {body!r} answers 200 (got {status} {answer!r})")
    check(next_line("control", 5) == line, f"the supervisor gets '{line}'")

# --- sessions
status, _, body = request(port, "GET", "/api/sessions", headers=auth)
sessions = json.loads(body)
check(status == 200 and [s["reason"] for s in sessions] == ["ending", "idle"], f"sessions: {body!r}")

# --- metrics
status, hdrs, body = request(port, "GET", "/metrics", headers=auth)
check(status == 200 and hdrs["content-type"].startswith("text/plain; version=0.0.4"), f"/metrics {status}")
fam = {f.name: f for f in text_string_to_metric_families(body.decode())}
value = lambda name, sample: [s.value for s in fam[name].samples if s.name == sample][0]
for name, want in [("maze_sessions", 40), ("maze_endings", 9), ("maze_restarts", 1),
                   ("maze_fallbacks", 2), ("maze_turns", 333)]:
    check(fam[name].type == "counter" and value(name, name + "_total") == want, f"{name}_total == {want}")
check(value("maze_player_rss_bytes", "maze_player_rss_bytes") == 512000 * 1024, "rss gauge")
ff = {s.labels["le"]: s.value for s in fam["maze_first_frame_seconds"].samples if s.name.endswith("_bucket")}
check(ff == {"0.25": 10, "0.5": 18, "1.0": 20, "2.0": 20, "+Inf": 20} or
      ff == {"0.25": 10, "0.5": 18, "1": 20, "2": 20, "+Inf": 20}, f"first-frame buckets: {ff}")
check(fam["maze_turn_seconds"].type == "histogram", "turn latency histogram")

# --- the page in headless Chromium
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    check(False, "chromium is not installed (tools/dev installs it)")
else:
    profile = tempfile.mkdtemp(prefix="mz_chromium_")
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--user-data-dir=" + profile, "--remote-debugging-port=0",
         f"http://127.0.0.1:{port}/test/check.html#token={token}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        attract = next_line("control", 90)
        report_line = next_line("report ", 60)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)
    check(attract == "control attract 0", f"pressing 'Go to attract' reaches the supervisor: {attract!r}")
    report = json.loads(report_line[len("report "):]) if report_line else {}
    print("page report:", report, file=sys.stderr)
    check(report.get("scene") == "the-lamp-room" and report.get("before") == "playing",
          "the page shows the status")
    check(report.get("uptime") == "1 d 02:03:04", f"uptime shown: {report.get('uptime')}")
    check(report.get("p95") == "750 ms", f"p95 shown: {report.get('p95')}")
    check(report.get("generator") == "remote ws://gpu-1:9000", "generator shown")
    # the control checks above paused it, and left it unmuted
    check(report.get("paused_shown") is True and report.get("muted_shown") is False,
          f"the paused / muted marks: {report.get('paused_shown')}, {report.get('muted_shown')}")
    check(report.get("errors") == ["generator: the connection to gpu-1 was lost", "<b>not markup</b>"]
          and report.get("error_markup") == 0, "errors shown as text, never as markup")
    check(report.get("sessions") == ["ending", "idle"], f"the session log: {report.get('sessions')}")
    check(report.get("address_keeps_token") is False, "the token is taken out of the address")
    check(report.get("after") == "attract", "after the press the page shows attract")
    check(report.get("message") == "Back to attract", f"the page confirms: {report.get('message')!r}")
    check(report.get("bad_login_shown") is True and report.get("bad_console_hidden") is True,
          "a wrong token shows the login form, not the console")

proc.stdin.close()
check(proc.wait(timeout=20) == 0, "the fixture exits cleanly")
print(f"console: {'FAILED ' + str(len(failures)) if failures else 'all passed'}")
sys.exit(1 if failures else 0)
