"""Helpers shared by the web tests: start a fixture process, HTTP requests,
and a minimal WebSocket client (RFC 6455 framing on a plain socket)."""
import base64
import http.client
import os
import socket
import struct
import subprocess
import sys


def start(cmd):
    """Starts a fixture that prints "port=P token=T"; returns (proc, port, token)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=sys.stderr, text=True)
    line = proc.stdout.readline()
    if not line.startswith("port="):
        proc.kill()
        raise SystemExit(f"fixture did not start: {cmd} said {line!r}")
    fields = dict(kv.split("=", 1) for kv in line.split())
    return proc, int(fields["port"]), fields["token"]


def stop(proc):
    proc.stdin.close()
    if proc.wait(timeout=20) != 0:
        raise SystemExit(f"fixture exited with {proc.returncode}")


def request(port, method, path, body=None, headers=None):
    """Returns (status, headers dict with lower-case names, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, hdrs, data


class WebSocket:
    """A blocking client: open() returns the HTTP status of the handshake."""

    def __init__(self, port, path, headers=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"{extra}\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                break
            head += chunk
        self.status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0

    def send(self, data, opcode=1):
        if isinstance(data, str):
            data = data.encode()
        mask = os.urandom(4)
        n = len(data)
        hdr = bytes([0x80 | opcode])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack(">Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(hdr + mask + masked)

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed")
            buf += chunk
        return buf

    def recv(self, timeout=10):
        """Returns (opcode, payload); opcode 8 is a close (payload: code + reason)."""
        self.sock.settimeout(timeout)
        b0, b1 = self._exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._exact(8))[0]
        return b0 & 0x0F, self._exact(n)

    def close(self):
        self.sock.close()
