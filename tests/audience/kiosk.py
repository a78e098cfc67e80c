#!/usr/bin/env python3
"""The audience's phones with `maze exhibit` itself, under an Xvfb of its
own: the QR code on the kiosk's screen decodes (zbarimg) to the page's URL;
a line typed in headless Chromium plays as a turn, its trace line says it
came from the audience, and "From the audience" shows over the picture; a
rejected line is absent from the trace (turns, prompts) and from the log;
in vote mode, simulated phones vote (free text matched by the story, its
synonyms too) and the winning transition is taken; the player killed with
SIGKILL drops no phone: their WebSocket stays open, polling answers, a
queued line is shown by the next player and its phone hears so.

    kiosk.py MAZE [--only NAME]
"""
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "web"))
sys.path.insert(0, os.path.dirname(__file__))
import webtest  # noqa: E402
from phones import FAILED, Browser, Phone, check, free_port, ws_wait  # noqa: E402

MAZE = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else "build/maze")


def start_xvfb():
    for n in range(200, 260):
        if os.path.exists(f"/tmp/.X11-unix/X{n}") or os.path.exists(f"/tmp/.X{n}-lock"):
            continue
        proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{n}"):
                return proc, f":{n}"
            time.sleep(0.1)
        proc.kill()
    raise SystemExit("no free X display")


class Kiosk:
    def __init__(self, display, work, *settings, console=False):
        """console: the operator console on a free port and no token set."""
        self.port = free_port()
        self.console_port = free_port() if console else -1
        self.work = work
        self.url = f"http://127.0.0.1:{self.port}/audience"
        self.trace = os.path.join(work, "trace.jsonl")
        self.log_path = os.path.join(work, "log")
        conf = os.path.join(work, "exhibit.conf")
        with open(conf, "w") as f:
            f.write(f"fullscreen = false\nstate_dir = {work}\ntrace = {self.trace}\n"
                    f"audience_port = {self.port}\naudience_bind = 127.0.0.1\n"
                    f"audience_url = {self.url}\nconsole_port = {self.console_port}\n")
            if not console:
                f.write("console_token = audience-test-token-0123456789\n")
            for s in settings:
                f.write(s + "\n")
        env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", ALSOFT_DRIVERS="null",
                   MZ_LOG="info")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([MAZE, "exhibit", "stories/cellar", "--config", conf],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.display = display
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                status, _, _ = webtest.request(self.port, "GET", "/audience.html")
                # the supervisor serves the page: a player may not be up yet
                if status == 200 and self.player_pid(timeout=end - time.monotonic()):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("the kiosk's audience page did not come up:\n" + open(self.log_path).read())

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def player_pid(self, timeout=60, other_than=None):
        """The player on screen (the supervisor logs "player N is up")."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            up = re.findall(r"player (\d+) is up", self.log_text())
            if up and int(up[-1]) != other_than:
                return int(up[-1])
            time.sleep(0.2)
        return None

    def trace_text(self):
        """Every player process's trace (TRACE.PID), in start order."""
        text = ""
        for path in sorted(glob.glob(self.trace + ".*"), key=os.path.getmtime):
            with open(path) as f:
                text += f.read()
        return text

    def turns(self):
        turns = []
        for line in self.trace_text().splitlines():
            try:
                turns.append(json.loads(line))
            except json.JSONDecodeError:  # a line being written
                pass
        return turns

    def wait_turn(self, pred, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for t in self.turns():
                if pred(t):
                    return t
            time.sleep(0.2)
        return None

    def screenshot(self, path):
        subprocess.run(["/usr/bin/import", "-display", self.display, "-window", "root", path],
                       check=True)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        with open(self.log_path) as f:
            return f.read()


def zbar(path):
    r = subprocess.run(["zbarimg", "--quiet", "--raw", path], capture_output=True, text=True)
    return r.stdout.strip()


def bright_fraction(path, geometry):
    r = subprocess.run(["/usr/bin/convert", path, "-crop", geometry, "+repage", "-colorspace", "gray",
                        "-threshold", "85%", "-format", "%[fx:mean]", "info:"],
                       capture_output=True, text=True)
    return float(r.stdout or 0)


def test_queue(display, work):
    k = Kiosk(display, work, "audience = queue", "turn_s = 1", "audience_rate_s = 0.5",
              "qr_corner = bottom-right")
    try:
        shot = os.path.join(work, "qr.png")
        time.sleep(2)
        k.screenshot(shot)
        check(zbar(shot) == k.url, f"the kiosk's QR code reads {k.url}: {zbar(shot)!r}")
        top_before = bright_fraction(shot, "640x60+320+0")

        b = Browser()
        try:
            b.goto(k.url)
            b.until("document.getElementById('link').textContent === 'live'")
            b.eval("document.getElementById('line').value = 'go down the stairs';"
                   "document.getElementById('submit').click(); true")
            t = k.wait_turn(lambda t: t.get("from") == "audience")
            check(t is not None and t["input"] == "go down the stairs" and t["scene"] == "cellar",
                  f"the line plays as a turn from the audience: {t}")
            check(b.until("document.getElementById('status').getAttribute('data-state') === 'shown'"),
                  "the page says shown")
            k.screenshot(shot)
            top = bright_fraction(shot, "640x60+320+0")
            if os.environ.get("MZ_KEEP_SHOTS"):
                subprocess.run(["cp", shot, os.environ["MZ_KEEP_SHOTS"]])
            check(top > top_before + 0.02, f"'From the audience' over the picture: {top_before} -> {top}")
        finally:
            b.close()

        p = Phone(k.port)
        bad = "the keeper is a f.u.c.k.i.n.g c0ck"
        _, r = p.post("/api/audience/line", bad)
        check(r["state"] == "rejected" and r["reason"] == "not accepted", f"rejected: {r}")
        time.sleep(2.5)
    finally:
        log = k.stop()
    trace = k.trace_text()
    check(trace.count('"from":"audience"') >= 1, "the trace was read")
    for piece in (bad, "f.u.c.k", "c0ck"):
        check(piece not in trace, f"{piece!r} absent from the trace (inputs and prompts)")
        check(piece not in log, f"{piece!r} absent from the log")
    check("not accepted (blocked" in log, "the log says a line was not accepted, by hash")


def test_vote(display, work):
    k = Kiosk(display, work, "audience = vote", "vote_s = 8", "audience_rate_s = 0.3",
              "attract_line_s = 30")
    try:
        phones = [Phone(k.port) for _ in range(6)]
        choices = None
        end = time.monotonic() + 40
        while time.monotonic() < end:  # a round with time enough for every phone
            v = phones[0].state(0)["vote"]
            if v["open"] and v["left_s"] > 4:
                choices = [c["text"] for c in v["choices"]]
                break
            time.sleep(0.2)
        check(choices == ["descend", "follow cat"], f"the vote offers the scene's choices: {choices}")
        for p, body in zip(phones, ["1", "1", "0"]):
            _, r = p.post("/api/audience/vote", body)
            check(r["state"] == "counted", f"a vote counts: {r}")
        # free text is matched by the story, as typed input is: the
        # transition's other pattern ("go down the stairs") counts for
        # "descend", and "chase it" for "follow cat" only through the
        # story's synonym (chase = follow)
        for p, text in zip(phones[3:], ["follow the cat!", "let's go down the stairs", "chase it"]):
            _, r = p.post("/api/audience/line", text)
            check(r["state"] in ("queued", "counted"), f"{text!r} accepted: {r}")
            end = time.monotonic() + 5
            while r["state"] == "queued" and time.monotonic() < end:
                time.sleep(0.05)
                r = p.state(r["id"])["line"]
            check(r["state"] == "counted", f"{text!r} counts toward its choice: {r}")
        tally = [c["count"] for c in phones[0].state(0)["vote"]["choices"]]
        check(tally == [2, 4], f"the tally: {tally}")
        time.sleep(0.5)
        shot = os.path.join(work, "vote.png")
        k.screenshot(shot)
        if os.environ.get("MZ_KEEP_SHOTS"):
            subprocess.run(["cp", shot, os.environ["MZ_KEEP_SHOTS"]])
        top = bright_fraction(shot, "640x60+320+0")
        check(top > 0.02, f"the tally shows over the picture: {top}")
        t = k.wait_turn(lambda t: t.get("from") == "audience", timeout=20)
        check(t is not None and t["input"] == "follow cat" and t["scene"] == "cellar",
              f"the winning transition is taken: {t}")
    finally:
        k.stop()


def test_restart(display, work):
    """kill -9 of the player: the phones are the supervisor's."""
    k = Kiosk(display, work, "audience = queue", "turn_s = 5", "audience_rate_s = 0.3",
              "attract_line_s = 60")
    try:
        old = k.player_pid()
        check(old is not None, "a player is up")
        a, b, c = Phone(k.port), Phone(k.port), Phone(k.port)
        ws_a, ws_b = a.live(), b.live()
        _, ra = a.post("/api/audience/line", "go down the stairs")
        check(ws_wait(ws_a, lambda m: m.get("id") == ra["id"] and m["state"] == "shown", 20),
              "the first line is shown")
        _, rb = b.post("/api/audience/line", "follow the cat")
        check(rb["state"] == "queued", f"the second line waits its turn (turn_s 5): {rb}")
        os.kill(old, signal.SIGKILL)
        _, rc = c.post("/api/audience/line", "go up the stairs")  # the player is dead
        check(rc["state"] == "queued", f"a line sent during the restart is queued: {rc}")
        check(c.state(rc["id"])["line"]["state"] == "queued", "polling answers during the restart")
        t0 = time.monotonic()
        msg = ws_wait(ws_b, lambda m: m.get("id") == rb["id"] and m["state"] != "queued", 60)
        check(msg is not None and msg["state"] == "shown",
              f"the queued line is shown after the restart, over the same WebSocket: {msg}")
        new = k.player_pid(other_than=old)
        check(new is not None and new != old, f"a new player is on screen: {old} -> {new}")
        print(f"queued line shown {time.monotonic() - t0:.1f} s after the kill", flush=True)
        end = time.monotonic() + 30
        while c.state(rc["id"])["line"]["state"] != "shown" and time.monotonic() < end:
            time.sleep(0.2)
        check(c.state(rc["id"])["line"]["state"] == "shown", "the polling phone's line is shown too")
        t = k.wait_turn(lambda t: t.get("from") == "audience" and t["input"] == "follow the cat")
        check(t is not None, f"the new player played it as from the audience: {t}")
        with open(f"{k.trace}.{new}") as f:
            inputs = [json.loads(line).get("input") for line in f if line.strip()]
        check("follow the cat" in inputs, f"...in the new player's trace: {inputs}")
        _, ra = a.post("/api/audience/line", "look around")  # the first phone's socket too
        check(ws_wait(ws_a, lambda m: m.get("id") == ra["id"] and m["state"] == "shown", 20),
              "the first phone's WebSocket, opened before the kill, still hears")
        ws_a.close()
        ws_b.close()
    finally:
        k.stop()


def test_operator(display, work):
    """With no console_token set, the console and the moderation page take
    the same random token (the one state_dir/console-token holds); the
    moderation queue outlives the player."""
    k = Kiosk(display, work, "audience = queue", "premoderate = true", console=True)
    try:
        with open(os.path.join(work, "console-token")) as f:
            token = f.read().strip()
        check(len(token) >= 16, f"a token was made: {token!r}")
        status, _, _ = webtest.request(k.port, "GET", f"/api/moderation?token={token}")
        check(status == 200, f"the console's token opens the moderation API: {status}")
        status, _, _ = webtest.request(k.console_port, "GET", f"/api/status?token={token}")
        check(status == 200, f"...and the console: {status}")
        status, _, _ = webtest.request(k.port, "GET", "/api/moderation?token=x" + token[1:])
        check(status == 401, f"another token does not: {status}")
        # the moderation queue outlives the player: a line waits, the player
        # is killed, the operator approves it, the next player shows it
        p = Phone(k.port)
        ws = p.live()
        _, r = p.post("/api/audience/line", "go down the stairs")
        check(r["state"] == "waiting", f"the line waits for the operator: {r}")
        old = k.player_pid()
        os.kill(old, signal.SIGKILL)
        _, _, data = webtest.request(k.port, "GET", f"/api/moderation?token={token}")
        waiting = [w["id"] for w in json.loads(data)["waiting"]]
        check(r["id"] in waiting, f"still waiting after the kill: {waiting}")
        status, _, _ = webtest.request(k.port, "POST", f"/api/moderation?token={token}",
                                       f"approve {r['id']}".encode(),
                                       {"Content-Type": "text/plain"})
        check(status == 200, f"approved while the player restarts: {status}")
        msg = ws_wait(ws, lambda m: m.get("id") == r["id"] and m["state"] == "shown", 60)
        check(msg is not None, "the next player shows it, and the phone hears so")
        check(k.player_pid(other_than=old) is not None, "a new player is on screen")
        ws.close()
    finally:
        k.stop()


TESTS = [test_queue, test_vote, test_restart, test_operator]

if __name__ == "__main__":
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    xvfb, display = start_xvfb()
    try:
        for t in TESTS:
            if only and t.__name__ != only:
                continue
            print(f"-- {t.__name__}", flush=True)
            with tempfile.TemporaryDirectory(prefix="mz_kiosk_") as work:
                t(display, work)
    finally:
        xvfb.kill()
    print(f"{len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)
