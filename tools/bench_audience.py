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
Prints p50/p95 of both, and the kiosk's frame rate (its log) idle and busy.

    tools/bench_audience.py [build/maze] [LINES]   (default 40)
"""
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


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))]


def fps_lines(log_path):
    with open(log_path) as f:
        return [(float(m.group(1)), int(m.group(2))) for m in
                re.finditer(r"kiosk at ([0-9.]+) fps with (\d+) phones", f.read())]


def main():
    os.chdir(os.path.join(HERE, ".."))
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    xvfb, display = start_xvfb()
    work = tempfile.mkdtemp(prefix="mz_bench_audience_")
    k = Kiosk(display, work, "audience = queue", "turn_s = 0.5", "audience_rate_s = 0.5")
    try:
        time.sleep(12)
        idle = fps_lines(k.log_path)
        phones = [Phone(k.port) for _ in range(PHONES)]
        sockets = [p.live() for p in phones]
        stop = threading.Event()

        def poll_all():  # every phone asks for its state every 2 s
            while not stop.is_set():
                for p in phones:
                    if stop.is_set():
                        break
                    p.state(0)
                    time.sleep(2.0 / PHONES)
        poller = threading.Thread(target=poll_all, daemon=True)
        poller.start()
        shown, frame = [], []
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
        busy = fps_lines(k.log_path)[len(idle):]
        stop.set()
        poller.join()
        for ws in sockets:
            ws.close()
    finally:
        k.stop()
        xvfb.kill()
    print(f"{len(shown)}/{lines} lines, {PHONES} phones connected and polling every 2 s")
    print(f"submit -> 'shown' (caption drawn next frame): p50 {pct(shown, 50):.0f} ms, "
          f"p95 {pct(shown, 95):.0f} ms")
    print(f"submit -> new scene's first frame on screen: p50 {pct(frame, 50):.0f} ms, "
          f"p95 {pct(frame, 95):.0f} ms")
    idle_fps = [f for f, _ in idle] or [0]
    busy_fps = [f for f, n in busy if n >= PHONES] or [0]
    print(f"kiosk frame rate: idle {min(idle_fps):.1f}-{max(idle_fps):.1f} fps, "
          f"with {PHONES} phones {min(busy_fps):.1f}-{max(busy_fps):.1f} fps")


if __name__ == "__main__":
    main()
