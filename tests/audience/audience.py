#!/usr/bin/env python3
"""The audience's phones with real clients against audience_fixture: phones
over HTTP and WebSocket, the page and the moderation page in headless
Chromium (driven over the DevTools protocol), rejected lines absent from
what is shown and from the log, a vote with simulated phones, and 200
phones at once with memory bounded.

    audience.py FIXTURE [--only NAME]
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "web"))
sys.path.insert(0, os.path.dirname(__file__))
import webtest  # noqa: E402
from phones import FAILED, Browser, Phone, check, ws_wait  # noqa: E402

FIXTURE = sys.argv[1]


class Fixture:
    """audience_fixture with its stdout read on a thread; stderr to a file."""

    def __init__(self, *args):
        self.log = tempfile.NamedTemporaryFile("w+", prefix="mz_audience_log_", delete=False)
        env = dict(os.environ, MZ_LOG="info")
        self.proc = subprocess.Popen([FIXTURE, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        first = self.proc.stdout.readline()
        if not first.startswith("port="):
            raise SystemExit(f"fixture did not start: {first!r}")
        f = dict(kv.split("=", 1) for kv in first.split())
        self.port, self.token = int(f["port"]), f["token"]
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self.cond.notify_all()

    def wait_for(self, pred, timeout=15):
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, line in self.lines:
                    if pred(line):
                        return line
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=20)
        check(code == 0, f"fixture exit status {code}")
        self.log.seek(0)
        text = self.log.read()
        os.unlink(self.log.name)
        return text


# ---- the tests ----

def test_phone_queue():
    fx = Fixture("--turn", "0.3")
    p = Phone(fx.port)
    ws = p.live()
    status, r = p.post("/api/audience/line", "  the keeper lights the lamp  ")
    check(status == 200 and r["state"] == "queued" and r["id"] > 0, f"a line is queued: {r}")
    shown = fx.wait_for(lambda l: l.startswith(f"shown {r['id']} "))
    check(shown == f"shown {r['id']} the keeper lights the lamp", f"the screen shows it: {shown}")
    msg = ws_wait(ws, lambda m: m.get("id") == r["id"] and m["state"] == "shown")
    check(msg is not None, "the WebSocket says shown")
    check(p.state(r["id"])["line"]["state"] == "shown", "polling says shown")
    ws.close()
    fx.stop()


def test_rejected_never_in_clear():
    fx = Fixture("--turn", "0.3", "--rate", "0.2")
    p = Phone(fx.port)
    bad = ["you are a f.u.c.k.i.n.g idiot", "sh1tty keeper", "\u0430\u0455\u0455hole"]
    for text in bad:
        status, r = p.post("/api/audience/line", text)
        check(r["state"] == "rejected" and r["reason"] == "not accepted",
              f"rejected with a reason that says nothing of the filter: {r}")
        time.sleep(0.25)
    status, r = p.post("/api/audience/line", "open the door")
    check(r["reason"] == "muted", f"a phone is muted after 3 rejections: {r}")
    q = Phone(fx.port)
    status, r = q.post("/api/audience/line", "the lamp goes out")
    fx.wait_for(lambda l: l.startswith(f"shown {r['id']} "))
    log = fx.stop()
    shown = "\n".join(l for _, l in fx.lines)
    for text in bad:
        check(text not in shown, f"{text!r} never on screen")
        check(text not in log, f"{text!r} never in the log")
    for word in ("idiot", "sh1t", "\u0430\u0455\u0455"):
        check(word not in log, f"nothing of it in the log: {word!r}")
    check(log.count("not accepted (blocked word") == 3 and "#" in log, "the log has hashes and reasons")


def test_chromium_submits():
    fx = Fixture("--turn", "0.3")
    b = Browser()
    try:
        b.goto(f"http://127.0.0.1:{fx.port}/audience")
        check(b.eval("location.pathname") == "/audience.html", "the QR's URL leads to the page")
        check(b.until("document.getElementById('link').textContent === 'live'"), "the page is live")
        b.eval("document.getElementById('line').value = 'a whale sings under the pier';"
               "document.getElementById('submit').click(); true")
        shown = fx.wait_for(lambda l: l.startswith("shown ") and "whale sings" in l)
        check(shown is not None, "the line from Chromium reaches the screen")
        check(b.until("(document.getElementById('status').getAttribute('data-state')) === 'shown'"),
              "the page says it is on screen")
        time.sleep(1.1)  # the fixture's rate limit is 1 s a phone
        b.eval("document.getElementById('line').value = 'sh!t';"
               "document.getElementById('submit').click(); true")
        text = b.until("document.getElementById('status').getAttribute('data-state') === 'rejected'"
                       " && document.getElementById('status').textContent")
        check(text == "Not accepted.", f"the page says not accepted, and nothing more: {text!r}")
    finally:
        b.close()
    fx.stop()


def test_chromium_moderates():
    fx = Fixture("--premoderate", "--turn", "0.3")
    p, q = Phone(fx.port), Phone(fx.port)
    _, r1 = p.post("/api/audience/line", "the storm breaks the window")
    _, r2 = q.post("/api/audience/line", "nothing at all happens")
    check(r1["state"] == "waiting" and r2["state"] == "waiting", "lines wait for the operator")
    status, _, _ = webtest.request(fx.port, "GET", "/api/moderation")
    check(status == 401, "the moderation API needs the token")
    b = Browser()
    try:
        b.goto(f"http://127.0.0.1:{fx.port}/moderate.html?token={fx.token}")
        rows = b.until("document.querySelectorAll('#rows tr').length === 2 &&"
                       " document.querySelector('#rows tr.selected td:nth-child(2)').textContent")
        check(rows == "the storm breaks the window", f"the oldest line is selected: {rows!r}")
        b.key("a")  # approve the storm
        check(fx.wait_for(lambda l: l == f"shown {r1['id']} the storm breaks the window") is not None,
              "approved in Chromium, shown on screen")
        b.until("document.querySelectorAll('#rows tr').length === 1")
        b.key("r")  # reject the other
        check(b.until("document.querySelectorAll('#rows tr').length === 0"), "the queue empties")
        time.sleep(0.5)
        check(q.state(r2["id"])["line"]["state"] == "rejected", "rejected in Chromium")
    finally:
        b.close()
    fx.stop()
    check(not any("nothing at all happens" in l for _, l in fx.lines), "a rejected line is not shown")


def test_vote():
    fx = Fixture("--vote")
    phones = [Phone(fx.port) for _ in range(6)]
    fx.send("open climb the lighthouse|go down to the beach|open the red door")
    time.sleep(0.3)
    votes = [("vote", "1"), ("vote", "1"), ("line", "down to the beach please"),
             ("vote", "0"), ("line", "let's open that red door"), ("line", "sing a song")]
    # free text waits for the kiosk's story to match it (here: the test)
    answers = {"down to the beach please": 1, "let's open that red door": 2, "sing a song": -1}
    for phone, (kind, body) in zip(phones, votes):
        _, r = phone.post(f"/api/audience/{kind}", body)
        if kind == "line":
            check(r["state"] == "queued", f"{kind} {body!r} waits for its match: {r}")
            match = fx.wait_for(lambda l: l.startswith(f"match {r['id']} "))
            check(match == f"match {r['id']} {body}", f"the kiosk is asked to match it: {match}")
            fx.send(f"matched {r['id']} {answers[body]}")
            end = time.monotonic() + 5
            while phone.state(r["id"])["line"]["state"] == "queued" and time.monotonic() < end:
                time.sleep(0.05)
            r = phone.state(r["id"])["line"]
        expected = "rejected" if body == "sing a song" else "counted"
        check(r["state"] == expected, f"{kind} {body!r}: {r}")
        if body == "sing a song":
            check(r["reason"] == "matches no choice", f"the reason: {r}")
    tally = phones[0].state(0)["vote"]
    check([c["count"] for c in tally["choices"]] == [1, 3, 1], f"the tally: {tally}")
    fx.send("close")
    check(fx.wait_for(lambda l: l.startswith("winner")) == "winner 1", "the most chosen wins")
    fx.stop()


def test_200_phones():
    fx = Fixture("--turn", "0.01", "--rate", "0.5", "--burst", "1000")
    base = fx.rss_kb()
    phones = [Phone(fx.port) for _ in range(200)]
    sockets = [p.live() for p in phones]
    ids = {}
    for i, p in enumerate(phones):
        _, r = p.post("/api/audience/line", f"phone {i} says hello")
        ids[r["id"]] = i
    check(len(ids) == 200 and 0 not in ids, "200 lines accepted")
    got = 0
    for ws in sockets:
        if ws_wait(ws, lambda m: m.get("state") == "shown", timeout=30):
            got += 1
    check(got == 200, f"all 200 WebSockets heard their line shown: {got}")
    grown = fx.rss_kb() - base
    check(grown < 40 * 1024, f"memory bounded: grew {grown} KiB with 200 phones")
    for ws in sockets:
        ws.close()
    fx.stop()


TESTS = [test_phone_queue, test_rejected_never_in_clear, test_chromium_submits,
         test_chromium_moderates, test_vote, test_200_phones]

if __name__ == "__main__":
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    for t in TESTS:
        if only and t.__name__ != only:
            continue
        print(f"-- {t.__name__}", flush=True)
        t()
    print(f"{len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)
