#!/usr/bin/env python3
"""The generator pool: three `maze serve` behind HAProxy (tests/web/
pool.haproxy.cfg) on loopback. A headless player renders through HAProxy;
as the second input is typed, the server carrying it is killed (SIGKILL). The player must
keep its frames: every turn still shows all of its frames, the embedded
generator stands in for the moment the link is down (the PNGs' provenance
names the generator of each frame), and HAProxy moves the reconnection to
a live server, whose frames are shown again to the end.
Needs MZ_MAZE (set by ctest) and haproxy."""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

maze = os.environ["MZ_MAZE"]
src = os.environ.get("MZ_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
FRAMES = 48          # per turn: enough that the fallback is still rendering when the pool answers again
KILL_AT = 2          # the server carrying the player dies as input 2 is typed
failures = []
procs = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def stats(sock_path):
    """HAProxy's `show stat` for the pool's servers: {name: row dict}."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.sendall(b"show stat\n")
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    lines = data.decode().splitlines()
    head = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(head, l.split(","))) for l in lines[1:] if l]
    return {r["svname"]: r for r in rows if r["pxname"] == "maze_serve" and r["svname"].startswith("gen")}


def png_text(path):
    """A PNG's iTXt keywords and texts (the provenance maze writes)."""
    data = open(path, "rb").read()
    out, i = {}, 8
    while i < len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + n]
        if kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            # compression flag, method, language tag\0, translated keyword\0, text
            rest = rest[2:]
            _, rest = rest.split(b"\0", 1)
            _, text = rest.split(b"\0", 1)
            out[key.decode()] = text.decode("utf-8", "replace")
        i += 12 + n
    return out


tmp = tempfile.mkdtemp(prefix="mz_pool_")
try:
    # --- three servers on loopback (no token needed there)
    ports = []
    for i in range(3):
        err = open(os.path.join(tmp, f"serve{i + 1}.err"), "w")
        p = subprocess.Popen([maze, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=err,
                             text=True)
        procs.append(p)
        m = re.search(r"ws://127\.0\.0\.1:(\d+)", p.stdout.readline())
        if not m:
            sys.exit("maze serve did not start")
        ports.append(int(m.group(1)))

    # --- HAProxy in front
    env = dict(os.environ, MZ_POOL_DIR=tmp, MZ_POOL_PORT=str(free_port()),
               **{f"MZ_GEN{i + 1}_PORT": str(p) for i, p in enumerate(ports)})
    hap = subprocess.Popen([haproxy, "-db", "-f", os.path.join(src, "tests/web/pool.haproxy.cfg")],
                           env=env, stdout=subprocess.DEVNULL,
                           stderr=open(os.path.join(tmp, "haproxy.err"), "w"))
    procs.append(hap)
    sock = os.path.join(tmp, "haproxy.sock")
    deadline = time.time() + 20
    up = {}
    while time.time() < deadline:
        try:
            up = {k: v["status"] for k, v in stats(sock).items()}
            if list(up.values()) == ["UP"] * 3:
                break
        except OSError:
            pass
        time.sleep(0.2)
    check(list(up.values()) == ["UP"] * 3, f"HAProxy sees the three servers up: {up}")

    # --- a player through the pool
    inputs = os.path.join(src, "stories/lighthouse/demo.txt")
    record = os.path.join(tmp, "frames")
    play_err = open(os.path.join(tmp, "play.err"), "w")
    # A slow first frame (a loaded machine) must not count as a failure:
    # only the kill may bring the fallback in.
    play = subprocess.Popen(
        [maze, "play", os.path.join(src, "stories/lighthouse"), "--headless", "--inputs", inputs,
         "--generator", f"ws://127.0.0.1:{env['MZ_POOL_PORT']}", "--size", "160x96",
         "--frames-per-turn", str(FRAMES), "--record", record],
        stdout=subprocess.PIPE, stderr=play_err, text=True,
        env=dict(os.environ, MZ_GEN_DEADLINE="20"))
    procs.append(play)
    killed = None
    typed = 0
    for line in play.stdout:
        typed += line.startswith("> ")  # the transcript echoes each input
        if killed is None and typed == KILL_AT:
            carrying = [k for k, v in stats(sock).items() if int(v["scur"]) > 0]
            check(len(carrying) == 1, f"one server carries the player: {carrying}")
            if carrying:
                killed = carrying[0]
                procs[int(killed[3:]) - 1].send_signal(signal.SIGKILL)
                print(f"killed {killed} after turn {KILL_AT}")
    check(play.wait(timeout=120) == 0, "the play finishes")
    check(killed is not None, "a server was killed mid-play")

    # --- the frames: every turn complete; who made them
    frames = sorted(f for f in os.listdir(record) if f.endswith(".png"))
    meta = [png_text(os.path.join(record, f)) for f in frames]
    turns = {}
    for m in meta:
        # "remote: WHAT THE SERVER RENDERS WITH (maze ...)" or "procedural (maze ...)"
        turns.setdefault(int(m["Turn"]), []).append(re.split(r"[: ]", m["Generator"])[0])
    last = max(turns)
    check(last == 15 and all(len(turns[t]) == FRAMES for t in range(last + 1)),
          f"all {last + 1} turns show their {FRAMES} frames: {[len(turns[t]) for t in sorted(turns)]}")
    before = [g for t in range(KILL_AT) for g in turns[t]]
    after = [g for t in range(KILL_AT, last + 1) for g in turns[t]]
    stand_in = after.count("procedural")
    print(f"frames after the kill: {len(after)}, {stand_in} from the embedded fallback, "
          f"{after.count('remote')} from the pool")
    check(set(before) == {"remote"}, f"before the kill every frame came from the pool: {set(before)}")
    check(turns[last] == ["remote"] * FRAMES, "the last turn's frames come from the pool again")

    # --- HAProxy moved the player to a live server; the log says so
    st = stats(sock)
    check(st[killed]["status"].startswith("DOWN"), f"HAProxy marks {killed} down: {st[killed]['status']}")
    moved = [k for k in st if k != killed and int(st[k]["stot"]) > 0]
    check(len(moved) >= 1, f"the reconnection went to another server: {moved}")
    log = open(os.path.join(tmp, "play.err")).read()
    check("remote is healthy: connected to" in log, "the player connected again through the pool")
    check("leaving the fallback" in log or stand_in == 0,
          "the fallback, if it stood in, handed back to the pool")
    print(log)
    print(open(os.path.join(tmp, "haproxy.err")).read())
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(tmp, ignore_errors=True)

print(f"pool: {'FAILED ' + str(len(failures)) if failures else 'all passed'}")
sys.exit(1 if failures else 0)
