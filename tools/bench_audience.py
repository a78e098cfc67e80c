#!/usr/bin/env python3
"""bench_audience — phone submit -> caption on screen, with 200 phones
connected to a real `maze exhibit` (Xvfb of its own, the embedded
procedural generator, queue mode, turn_s 0.5).

200 phones open the page's WebSocket and poll its state every 2 s (the
page's fallback, the busiest it gets); LINES lines are sent one at a time
by different phones, alternating scenes of stories/cellar. For each:
  shown  = POST sent -> the phone's WebSocket says "shown" (the kiosk took
           the line and draws "From the audience" on its next frame)
  frame  = POST sent -> the trace line of the turn it played appears (it is
           written when the new scene's first frame is on screen)
Prints p50/p95 of both.

First, the kiosk's screen itself (another `maze exhibit`, premoderate on,
so the screen shows the same with or without phones: nobody approves),
while a visitor types; with no phones, then with the 200 phones connected,
their WebSockets open, polling every 2 s and each submitting a line every
20 s (10 POSTs a second), then with no phones again:
  fps    = distinct frames on the X screen per second (ffmpeg x11grab at
           CAPTURE_FPS, a frame counted when its MD5 differs from the one
           before), and the frames per second the player says it presents
  echo   = a key sent (xdotool) -> the first captured frame whose input
           line shows the new letter (more bright pixels there than in any
           frame of the 0.6 s before the key: the caret blinks), p50/p95
           over ECHO_KEYS keys; the capture's resolution is 1/CAPTURE_FPS s

    tools/bench_audience.py [build/maze] [LINES]   (default 40)
"""
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "web"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "audience"))
import webtest  # noqa: E402
from kiosk import Kiosk, start_xvfb  # noqa: E402
from phones import Phone  # noqa: E402

PHONES = 200
CAPTURE_FPS = 60
ECHO_KEYS = 20
WIDTH, HEIGHT = 1280, 720  # kiosk.py's Xvfb screen; the kiosk fills it
INPUT_ROWS = 48            # the input line along the bottom (2 x the font's 24 px)
BRIGHT = bytes(range(181, 256))


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def fps_lines(log_path):
    with open(log_path) as f:
        return [(float(m.group(1)), int(m.group(2))) for m in
                re.finditer(r"kiosk at ([0-9.]+) fps with (\d+) phones", f.read())]


class Capture:
    """ffmpeg grabbing the X screen: each frame's MD5 (distinct frames) and
    the input line's bright-pixel count, stamped when it arrives here."""

    def __init__(self, display):
        self.frames = []  # (time, md5, bright pixels in the input line)
        self.proc = subprocess.Popen(
            ["ffmpeg", "-loglevel", "error", "-f", "x11grab", "-framerate", str(CAPTURE_FPS),
             "-video_size", f"{WIDTH}x{HEIGHT}", "-i", display, "-f", "rawvideo",
             "-pix_fmt", "gray", "pipe:1"], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        size = WIDTH * HEIGHT
        while True:
            frame = self.proc.stdout.read(size)
            if len(frame) < size:
                return
            t = time.monotonic()
            line = frame[size - WIDTH * INPUT_ROWS:]
            bright = len(line) - len(line.translate(None, BRIGHT))
            self.frames.append((t, hashlib.md5(frame).digest(), bright))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.thread.join()


def measure_screen(k, display, seconds=20):
    """Distinct frames per second on the screen, and key -> echo latencies."""
    win = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", " maze$"],
                         capture_output=True, text=True, env=dict(os.environ, DISPLAY=display)
                         ).stdout.split()[-1]
    env = dict(os.environ, DISPLAY=display)
    subprocess.run(["xdotool", "key", "--window", win, "W"], env=env)  # a visitor's story begins
    time.sleep(2)
    cap = Capture(display)
    time.sleep(1)
    keys = []
    for i in range(ECHO_KEYS):
        time.sleep(seconds / ECHO_KEYS * random.uniform(0.7, 1.3))
        keys.append(time.monotonic())
        subprocess.run(["xdotool", "key", "--window", win, "W"], env=env)
    time.sleep(1)
    cap.stop()
    frames = cap.frames
    start, end = frames[0][0], frames[-1][0]
    distinct = sum(1 for a, b in zip(frames, frames[1:]) if a[1] != b[1])
    echo = []
    for t in keys:
        before = [b for ft, _, b in frames if t - 0.6 <= ft < t]
        after = [ft for ft, _, b in frames if ft >= t and before and b > max(before) + 20]
        if after:
            echo.append((after[0] - t) * 1000)
    subprocess.run(["xdotool", "key", "--window", win, "Return"], env=env)  # the line goes
    fps = [f for f, _ in fps_lines(k.log_path)[-3:]]
    return {"distinct_fps": distinct / (end - start), "captured_fps": len(frames) / (end - start),
            "echo": echo, "player_fps": fps}


def report_screen(name, m):
    e = m["echo"] or [0]
    print(f"{name}: {m['distinct_fps']:.1f} distinct frames/s on screen (captured "
          f"{m['captured_fps']:.1f}/s), the player says {m['player_fps']} fps; key -> echo "
          f"p50 {pct(e, 50):.0f} ms, p95 {pct(e, 95):.0f} ms ({len(m['echo'])}/{ECHO_KEYS} keys)",
          flush=True)


def phones_busy(phones, stop, submit):
    """Threads: every phone polls its state every 2 s; with submit, each
    also sends a line every 20 s."""
    def poll_all():
        while not stop.is_set():
            for p in phones:
                if stop.is_set():
                    break
                p.state(0)
                time.sleep(2.0 / len(phones))

    def submit_all():
        while not stop.is_set():
            for i, p in enumerate(phones):
                if stop.is_set():
                    break
                p.post("/api/audience/line", f"phone {i} says go down the stairs")
                time.sleep(20.0 / len(phones))
    threads = [threading.Thread(target=f, daemon=True) for f in [poll_all] + ([submit_all] if submit else [])]
    for t in threads:
        t.start()
    return threads


def screen_bench(display):
    """The kiosk's screen with no phones, 200 busy phones, no phones."""
    work = tempfile.mkdtemp(prefix="mz_bench_screen_")
    k = Kiosk(display, work, "audience = queue", "premoderate = true", "audience_rate_s = 0.5")
    try:
        time.sleep(12)
        quiet = measure_screen(k, display)
        report_screen("no phones", quiet)
        phones = [Phone(k.port) for _ in range(PHONES)]
        sockets = [p.live() for p in phones]
        stop = threading.Event()
        threads = phones_busy(phones, stop, True)
        busy = measure_screen(k, display)
        report_screen(f"{PHONES} phones", busy)
        stop.set()
        for t in threads:
            t.join()
        for ws in sockets:
            ws.close()
        time.sleep(2)
        after = measure_screen(k, display)
        report_screen("no phones again", after)
    finally:
        k.stop()
    return quiet, busy, after


def latency_bench(display, lines):
    """Submit -> shown and -> the new scene's first frame, 200 phones on."""
    work = tempfile.mkdtemp(prefix="mz_bench_audience_")
    k = Kiosk(display, work, "audience = queue", "turn_s = 0.5", "audience_rate_s = 0.5")
    shown, frame = [], []
    try:
        time.sleep(12)
        phones = [Phone(k.port) for _ in range(PHONES)]
        sockets = [p.live() for p in phones]
        stop = threading.Event()
        threads = phones_busy(phones, stop, False)
        texts = ["go down the stairs", "go up the stairs"]
        order = random.Random(1).sample(range(PHONES), lines)
        for i, n in enumerate(order):
            text = texts[i % 2]
            before = len(k.turns())
            t0 = time.monotonic()
            _, r = phones[n].post("/api/audience/line", text)
            if r["state"] != "queued":
                print(f"line {i}: {r}", file=sys.stderr)
                continue
            ws = sockets[n]
            t_shown = None
            while t_shown is None and time.monotonic() - t0 < 10:
                op, data = ws.recv(timeout=10)
                if op == 1 and json.loads(data).get("id") == r["id"] and b"shown" in data:
                    t_shown = time.monotonic()
            t_frame = None
            while t_frame is None and time.monotonic() - t0 < 15:
                turns = k.turns()[before:]
                if any(t.get("from") == "audience" and t["input"] == text for t in turns):
                    t_frame = time.monotonic()
                else:
                    time.sleep(0.005)
            if t_shown and t_frame:
                shown.append((t_shown - t0) * 1000)
                frame.append((t_frame - t0) * 1000)
            time.sleep(0.6)
        stop.set()
        for t in threads:
            t.join()
        for ws in sockets:
            ws.close()
    finally:
        k.stop()
    return shown, frame


def main():
    os.chdir(os.path.join(HERE, ".."))
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    xvfb, display = start_xvfb()
    try:
        screens = screen_bench(display)
        shown, frame = latency_bench(display, lines)
    finally:
        xvfb.kill()
    print(f"{len(shown)}/{lines} lines, {PHONES} phones connected and polling every 2 s")
    print(f"submit -> 'shown' (caption drawn next frame): p50 {pct(shown, 50):.0f} ms, "
          f"p95 {pct(shown, 95):.0f} ms")
    print(f"submit -> new scene's first frame on screen: p50 {pct(frame, 50):.0f} ms, "
          f"p95 {pct(frame, 95):.0f} ms")
    for name, m in zip(["no phones", f"{PHONES} phones", "no phones again"], screens):
        report_screen(name, m)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}")


if __name__ == "__main__":
    main()
