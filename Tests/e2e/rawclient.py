"""A tiny LSP client over raw bytes, for what pytest-lsp cannot send: broken headers, bad JSON, signals.

It frames and parses messages itself and reads the server's stdout on a thread, so every wait has a bound.
"""

import json
import os
import queue
import subprocess
import threading

from conftest import QUORUM_BIN, TIMEOUT, server_env


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def encode(message: dict) -> bytes:
    return frame(json.dumps(message).encode("utf-8"))


class RawServer:
    def __init__(self, *args: str, env: dict | None = None, cache_dir: str | None = None):
        environment = server_env()
        if cache_dir:
            environment["QUORUM_CACHE_DIR"] = cache_dir
        environment.update(env or {})
        self.process = subprocess.Popen(
            [QUORUM_BIN, "lsp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=environment)
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.seen: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._stderr = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        for line in self.process.stderr:
            self._stderr.append(line.decode("utf-8", "replace"))

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def _read(self):
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def send_bytes(self, data: bytes):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict):
        self.send_bytes(encode(message))

    def notify(self, method: str, params=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def start(self, id, method: str, params=None):
        message = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def next_message(self, predicate=lambda m: True, timeout: float = TIMEOUT) -> dict:
        """The first message (already seen or new) matching `predicate`; answers the server's own requests."""
        for message in self.seen:
            if predicate(message):
                self.seen.remove(message)
                return message
        while True:
            message = self.messages.get(timeout=timeout)
            if "method" in message and "id" in message:
                # A request from the server (configuration, registration, progress): answer like an editor.
                result = [None] * len(message["params"].get("items", [])) if message["method"] == "workspace/configuration" else None
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            if predicate(message):
                return message
            self.seen.append(message)

    def response(self, id, timeout: float = TIMEOUT) -> dict:
        return self.next_message(lambda m: "method" not in m and m.get("id") == id, timeout)

    def request(self, id, method: str, params=None) -> dict:
        self.start(id, method, params)
        return self.response(id)

    def initialize(self, **params) -> dict:
        params.setdefault("processId", None)
        params.setdefault("rootUri", None)
        params.setdefault("capabilities", {})
        result = self.request("init", "initialize", params)
        self.notify("initialized", {})
        return result

    def close_stdin(self):
        self.process.stdin.close()

    def wait(self, timeout: float = TIMEOUT) -> int:
        return self.process.wait(timeout=timeout)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
