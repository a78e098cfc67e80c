"""What the audience tests share: check(), a phone (HTTP + WebSocket with
its cookie), and headless Chromium driven over the DevTools protocol."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "web"))
import webtest  # noqa: E402

FAILED = []


def check(cond, what):
    if not cond:
        FAILED.append(what)
        print(f"FAILED: {what}", file=sys.stderr)
    return cond


class Phone:
    """One phone: its cookie, HTTP calls, optionally a live WebSocket."""

    def __init__(self, port):
        self.port = port
        status, hdrs, _ = webtest.request(port, "GET", "/audience")
        check(status == 302 and hdrs.get("location") == "/audience.html", "GET /audience redirects")
        self.cookie = hdrs.get("set-cookie", "").split(";")[0]
        check(self.cookie.startswith("mz_phone="), "a phone gets its cookie")

    def post(self, path, body):
        status, _, data = webtest.request(self.port, "POST", path, body.encode(),
                                          {"Cookie": self.cookie, "Content-Type": "text/plain"})
        return status, json.loads(data) if data else None

    def state(self, line_id):
        _, _, data = webtest.request(self.port, "GET", f"/api/audience/state?id={line_id}",
                                     headers={"Cookie": self.cookie})
        return json.loads(data)

    def live(self):
        ws = webtest.WebSocket(self.port, "/ws/audience", {"Cookie": self.cookie})
        check(ws.status == 101, "the page's WebSocket opens")
        return ws


def ws_wait(ws, pred, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        op, data = ws.recv(timeout=max(0.1, end - time.monotonic()))
        if op == 1:
            msg = json.loads(data)
            if pred(msg):
                return msg
    return None


# ---- headless Chromium over the DevTools protocol ----

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Browser:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mz_chromium_")
        self.dport = free_port()
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-dev-shm-usage", f"--remote-debugging-port={self.dport}",
             f"--user-data-dir={self.dir}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        page = None
        end = time.monotonic() + 60
        while page is None and time.monotonic() < end:
            try:
                _, _, data = webtest.request(self.dport, "GET", "/json/list")
                page = next((p for p in json.loads(data) if p.get("type") == "page"), None)
            except OSError:
                time.sleep(0.3)
        if page is None:
            raise SystemExit("chromium did not start")
        path = page["webSocketDebuggerUrl"].split(str(self.dport), 1)[1]
        self.ws = webtest.WebSocket(self.dport, path)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            op, data = self.ws.recv(timeout=30)
            msg = json.loads(data)
            if msg.get("id") == self.next_id:
                return msg.get("result", {})

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r.get("result", {}).get("value")

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.until("document.readyState === 'complete'")

    def until(self, expr, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = self.eval(expr)
            if v:
                return v
            time.sleep(0.1)
        return None

    def key(self, key):
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, text=key if kind == "keyDown" else "")

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


