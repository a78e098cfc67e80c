#!/usr/bin/env python3
"""mz_web over real sockets: routes, the token (401s), the body cap (413),
static files, WebSocket echo, broadcast, the token on WebSockets and the
message cap. Usage: web.py FIXTURE"""
import json
import os
import re
import stat
import sys
import socket
import tempfile
import time

from webtest import WebSocket, request, start, stop

fixture = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


TOKEN = "test-token-0123456789abcdef"
tmp = tempfile.mkdtemp(prefix="mz_web_")
www = os.path.join(tmp, "www")
os.makedirs(os.path.join(www, "sub"))
with open(os.path.join(www, "index.html"), "w") as f:
    f.write("<!doctype html><title>index page</title>\n")
with open(os.path.join(www, "style.css"), "w") as f:
    f.write("body { color: red }\n")
with open(os.path.join(www, ".hidden"), "w") as f:
    f.write("secret\n")
with open(os.path.join(tmp, "outside.txt"), "w") as f:
    f.write("outside the folder\n")
token_file = os.path.join(tmp, "token")

proc, port, token = start([fixture, "--token", TOKEN, "--static", www, "--max-body", "1000",
                           "--max-ws", "3", "--token-file", token_file])
check(token == TOKEN, "the configured token is used")
check(stat.S_IMODE(os.stat(token_file).st_mode) == 0o600, "the token file is 0600")
check(open(token_file).read() == TOKEN + "\n", "the token file holds the token")

# --- routes
status, hdrs, body = request(port, "GET", "/echo?who=me&x=1",
                             headers={"Cookie": "a=1; b=2"})
check(status == 200, f"GET /echo answers 200 (got {status})")
echo = json.loads(body)
check(echo["method"] == "GET" and echo["path"] == "/echo", f"method and path: {echo}")
check(echo["query"] == "who=me&x=1" and echo["who"] == "me", f"query: {echo}")
check(echo["cookie"] == "a=1; b=2", f"cookie: {echo}")
check(echo["client_ip"] == "127.0.0.1", f"client ip: {echo}")
check(echo["authorized"] is False, "no token: not authorized")
check(hdrs.get("content-type") == "application/json", f"content type: {hdrs}")
check(hdrs.get("x-fixture") == "yes", "a handler's extra header is sent")
check(hdrs.get("cache-control") == "no-store", "API answers are not cached")

# --- the token
for name, headers, path in [
        ("no token", {}, "/echo"),
        ("a wrong bearer", {"Authorization": "Bearer wrong-token-0123456789abcdef"}, "/echo"),
        ("a token one character short", {"Authorization": "Bearer " + TOKEN[:-1]}, "/echo"),
        ("a wrong cookie", {"Cookie": "mz_token=nope"}, "/echo"),
        ("a wrong query token", {}, "/echo?token=nope")]:
    status, hdrs, body = request(port, "POST", path, body=b"{}", headers=headers)
    check(status == 401, f"POST /echo with {name} answers 401 (got {status})")
    check(b"operator token" in body, f"the 401 says why: {body!r}")
    check(hdrs.get("www-authenticate", "").startswith("Bearer"), "401 names the Bearer scheme")
for name, headers, path in [
        ("the bearer", {"Authorization": "Bearer " + TOKEN}, "/echo"),
        ("the cookie", {"Cookie": "x=1; mz_token=" + TOKEN}, "/echo"),
        ("the query token", {}, "/echo?token=" + TOKEN)]:
    status, _, body = request(port, "POST", path, body=b'{"a":1}',
                              headers=dict(headers, **{"Content-Type": "application/json"}))
    check(status == 200, f"POST /echo with {name} answers 200 (got {status})")
    if status == 200:
        echo = json.loads(body)
        check(echo["authorized"] and echo["body"] == '{"a":1}' and echo["body_len"] == 7,
              f"the body arrives: {echo}")
        check(echo["content_type"] == "application/json", f"content type: {echo}")

# --- the body cap
auth = {"Authorization": "Bearer " + TOKEN}
status, _, body = request(port, "POST", "/echo", body=b"x" * 1000, headers=auth)
check(status == 200 and json.loads(body)["body_len"] == 1000, f"1000 bytes pass (got {status})")
status, _, body = request(port, "POST", "/echo", body=b"x" * 1001, headers=auth)
check(status == 413, f"1001 bytes answer 413 (got {status})")
check(b"over 1000 bytes" in body, f"the 413 says why: {body!r}")
status, _, body = request(port, "POST", "/echo", body=b"", headers=auth)
check(status == 200 and json.loads(body)["body_len"] == 0, f"an empty body passes (got {status})")

# --- /metrics parses as Prometheus text (the Prometheus client's own parser)
from prometheus_client.parser import text_string_to_metric_families
status, hdrs, body = request(port, "GET", "/metrics")
check(status == 200, f"/metrics answers 200 (got {status})")
check(hdrs.get("content-type") == "text/plain; version=0.0.4; charset=utf-8",
      f"/metrics content type: {hdrs.get('content-type')}")
check(body.endswith(b"\n"), "the last line ends with a line feed")
families = {f.name: f for f in text_string_to_metric_families(body.decode())}
check(families["maze_sessions"].type == "counter", "sessions is a counter")
check([s.value for s in families["maze_sessions"].samples if s.name == "maze_sessions_total"] == [7],
      "sessions_total is 7")
ends = {s.labels["reason"]: s.value for s in families["maze_session_ends"].samples
        if s.name == "maze_session_ends_total"}
check(ends == {"idle": 3, 'odd "value"\\ with\nnewline': 1}, f"labelled counters: {ends}")
check(families["maze_rss_bytes"].type == "gauge" and
      families["maze_rss_bytes"].samples[0].value == 52428800, "the gauge")
check(families["maze_rss_bytes"].documentation == "Resident memory of the player.\nSecond line.",
      f"HELP round-trips: {families['maze_rss_bytes'].documentation!r}")
hist = families["maze_turn_seconds"]
buckets = {s.labels["le"]: s.value for s in hist.samples if s.name.endswith("_bucket")}
check(hist.type == "histogram", "the histogram's type")
check(buckets["0.005"] == 1 and buckets["0.025"] == 3 and buckets["0.5"] == 4 and
      buckets["10"] == 4 and buckets["+Inf"] == 5, f"cumulative buckets: {buckets}")
check([s.value for s in hist.samples if s.name == "maze_turn_seconds_count"] == [5], "count")
check(abs([s.value for s in hist.samples if s.name == "maze_turn_seconds_sum"][0] - 12.344) < 1e-9,
      "sum")

# --- HEAD (uptime checkers) answers a GET route's headers, then the same
# connection goes on
import http.client
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
conn.request("HEAD", "/echo?who=me")
r = conn.getresponse()
check(r.status == 200 and int(r.getheader("content-length")) > 0 and r.read() == b"",
      f"HEAD /echo: headers only ({r.status})")
conn.request("GET", "/echo?who=again")
r = conn.getresponse()
check(r.status == 200 and json.loads(r.read())["who"] == "again", "a GET after a HEAD on one connection")
conn.close()

# --- other paths and methods
status, _, _ = request(port, "GET", "/nothing")
check(status == 404, f"an unknown path answers 404 (got {status})")
status, _, _ = request(port, "PUT", "/echo", body=b"x")
check(status == 405, f"a known path with another method answers 405 (got {status})")
status, _, _ = request(port, "POST", "/nothing", body=b"x")
check(status == 404, f"POST to an unknown path answers 404 (got {status})")

# --- static files
status, hdrs, body = request(port, "GET", "/")
check(status == 200 and b"index page" in body, f"/ is index.html (got {status})")
check(hdrs.get("content-type", "").startswith("text/html"), f"html type: {hdrs}")
check("default-src 'self'" in hdrs.get("content-security-policy", ""),
      "static pages may load nothing from elsewhere")
status, hdrs, body = request(port, "GET", "/style.css")
check(status == 200 and body == b"body { color: red }\n", f"a css file (got {status})")
check(hdrs.get("content-type", "").startswith("text/css"), f"css type: {hdrs}")
for path in ["/.hidden", "/../outside.txt", "/sub/../../outside.txt", "/%2e%2e/outside.txt",
             "/sub", "/missing.js"]:
    status, _, body = request(port, "GET", path)
    check(status == 404 and b"outside" not in body and b"secret" not in body,
          f"GET {path} answers 404 (got {status})")

# --- WebSockets
a = WebSocket(port, "/ws/echo")
b = WebSocket(port, "/ws/echo")
check(a.status == 101 and b.status == 101, f"WebSocket upgrades ({a.status}, {b.status})")
a.send("hello there")
check(a.recv() == (1, b"hello there"), "a text message is echoed")
a.send(bytes(range(256)) * 40, opcode=2)
check(a.recv() == (2, bytes(range(256)) * 40), "a 10 KiB binary message is echoed")
b.send("all:news for everyone")
check(a.recv() == (1, b"news for everyone") and b.recv() == (1, b"news for everyone"),
      "a broadcast reaches every connection")
for name, path, headers in [("no token", "/ws/op", {}),
                            ("a wrong token", "/ws/op?token=nope", {}),
                            ("a wrong cookie", "/ws/op", {"Cookie": "mz_token=nope"})]:
    ws = WebSocket(port, path, headers)
    check(ws.status == 401, f"the token endpoint with {name} answers 401 (got {ws.status})")
    ws.close()
op = WebSocket(port, "/ws/op?token=" + TOKEN)
check(op.status == 101, f"the token endpoint opens with ?token= (got {op.status})")
opcode, text = op.recv()
check(opcode == 1 and re.fullmatch(rb"hello \d+", text), f"its open callback sends: {text!r}")
full = WebSocket(port, "/ws/echo")
check(full.status == 503, f"a fourth connection over --max-ws 3 answers 503 (got {full.status})")
full.close()
op.close()
nothing = WebSocket(port, "/ws/nothing")
check(nothing.status == 404, f"an unknown endpoint answers 404 (got {nothing.status})")
nothing.close()
a.send("y" * (16 * 1024 + 1))
opcode, payload = a.recv()
check(opcode == 8 and payload[:2] == b"\x03\xf1", f"a message over 16 KiB closes with 1009: {payload!r}")
b.send("still here")
check(b.recv() == (1, b"still here"), "the other connection lives on")
a.close()

# A phone that stops reading is dropped once 64 messages wait for it; the
# others go on.
slow = WebSocket(port, "/ws/echo")
chunk = "z" * 15000
for i in range(1000):
    b.send("all:" + chunk)
    check(b.recv() == (1, chunk.encode()), "the reading connection gets every broadcast")
    if failures:
        break
deadline = time.time() + 10
while json.loads(request(port, "GET", "/count")[2])["ws"] != 1 and time.time() < deadline:
    time.sleep(0.1)
check(json.loads(request(port, "GET", "/count")[2])["ws"] == 1,
      "the stalled connection is dropped, the reading one is kept")
b.send("after the flood")
check(b.recv() == (1, b"after the flood"), "the reading connection is still open")
slow.close()
b.close()
stop(proc)

# --- the default token is random
tokens = set()
for _ in range(2):
    proc, port, token = start([fixture])
    check(re.fullmatch(r"[0-9a-f]{32}", token), f"a default token is 32 hex digits: {token}")
    tokens.add(token)
    status, _, _ = request(port, "POST", "/echo", body=b"x", headers={"Authorization": "Bearer " + token})
    check(status == 200, "the random token is accepted")
    stop(proc)
check(len(tokens) == 2, "two starts make two tokens")

# --- 200 phones: each gets a broadcast
proc, port, token = start([fixture])
phones = [WebSocket(port, "/ws/echo") for _ in range(200)]
check(all(p.status == 101 for p in phones), "200 WebSocket connections open")
status, _, body = request(port, "GET", "/count")
check(json.loads(body)["ws"] == 200, f"the server counts 200: {body!r}")
phones[0].send("all:the lamp is lit")
got = sum(p.recv() == (1, b"the lamp is lit") for p in phones)
check(got == 200, f"a broadcast reaches all 200 ({got})")
for p in phones:
    p.close()
stop(proc)

# --- a weak configured token is refused with a message
import subprocess
r = subprocess.run([fixture, "--token", "short"], stdin=subprocess.DEVNULL, capture_output=True, text=True)
check(r.returncode == 1 and "a token is 16 to 128" in r.stderr, f"a short token is refused: {r.stderr!r}")

print(f"web: {'FAILED ' + str(len(failures)) if failures else 'all passed'}")
sys.exit(1 if failures else 0)
