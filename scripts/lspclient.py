"""A small synchronous LSP client over a subprocess's stdio, standard library only.

Used by `make demo` and the benchmarks; the end-to-end tests use pytest-lsp instead.
"""
import json
import os
import pathlib
import subprocess
import threading
import queue
import time


class LSPError(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message")


class Client:
    def __init__(self, argv, env=None, cwd=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=cwd)
        self.next_id = 1
        self.responses: dict[int, "queue.Queue"] = {}
        self.notifications: "queue.Queue" = queue.Queue()
        self.lock = threading.Lock()
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode(errors="replace").rstrip())

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            msg = json.loads(out.read(length))
            if "id" in msg and ("result" in msg or "error" in msg):
                with self.lock:
                    q = self.responses.setdefault(msg["id"], queue.Queue())
                q.put(msg)
            elif "id" in msg and "method" in msg:
                # A request from the server (registerCapability, workDoneProgress/create, configuration).
                result = [{}] if msg["method"] == "workspace/configuration" else None
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
                self.notifications.put(msg)
            else:
                self.notifications.put(msg)

    def _send(self, msg: dict):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method: str, params=None, timeout: float = 600):
        with self.lock:
            rid = self.next_id
            self.next_id += 1
            q = self.responses.setdefault(rid, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        msg = q.get(timeout=timeout)
        if "error" in msg:
            raise LSPError(msg["error"])
        return msg["result"]

    def notify(self, method: str, params=None):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def drain_notifications(self):
        items = []
        while True:
            try:
                items.append(self.notifications.get_nowait())
            except queue.Empty:
                return items

    def close(self, timeout: float = 20) -> int:
        try:
            self.request("shutdown", None, timeout=timeout)
            self.notify("exit")
        except Exception:
            pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def uri(path: pathlib.Path) -> str:
    return path.resolve().as_uri()


def position_of(text: str, needle: str, offset_in_needle: int = 0) -> dict:
    """The LSP (UTF-16) position of the first occurrence of `needle` plus `offset_in_needle` characters."""
    index = text.index(needle) + offset_in_needle
    before = text[:index]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1:]
    return {"line": line, "character": len(column.encode("utf-16-le")) // 2}


def wait_until(predicate, timeout: float = 120, step: float = 0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
