"""Process behaviour: exit codes, stdin EOF, SIGTERM, death of the client process, logs, and no files left behind."""

import os
import signal
import subprocess
import tempfile

from rawclient import RawServer


def files_under(path):
    return sorted(os.path.relpath(os.path.join(d, f), path) for d, _, fs in os.walk(path) for f in fs)


def test_stdin_eof_without_shutdown_exits_1_and_leaves_only_the_log():
    cache = tempfile.mkdtemp()
    server = RawServer(cache_dir=cache)
    server.initialize()
    server.close_stdin()
    assert server.wait() == 1
    assert files_under(cache) == ["logs/lsp.log"]


def test_stdin_eof_after_shutdown_exits_0():
    server = RawServer()
    server.initialize()
    assert server.request(1, "shutdown")["result"] is None
    server.close_stdin()
    assert server.wait() == 0


def test_exit_before_initialize_is_1():
    server = RawServer()
    server.notify("exit")
    assert server.wait() == 1


def test_sigterm_exits_cleanly():
    cache = tempfile.mkdtemp()
    server = RawServer(cache_dir=cache)
    server.initialize()
    assert server.request(1, "quorum/status")["result"]["state"] == "running"
    server.process.send_signal(signal.SIGTERM)
    assert server.wait() == 0
    assert files_under(cache) == ["logs/lsp.log"]
    assert "terminated by signal" in server.stderr


def test_exits_when_the_client_process_dies():
    parent = subprocess.Popen(["sleep", "600"])
    server = RawServer()
    server.initialize(processId=parent.pid)
    assert server.request(1, "quorum/status")["result"]["state"] == "running"
    parent.kill()
    parent.wait()  # Reap it, or kill(pid, 0) would still find the zombie.
    assert server.wait() == 1
    assert "is gone" in server.stderr


def test_logs_go_to_stderr_and_the_log_file_never_stdout():
    log = os.path.join(tempfile.mkdtemp(), "custom", "q.log")
    server = RawServer("--log-file", log)
    server.initialize()
    server.request(1, "quorum/status")
    server.request(2, "shutdown")
    server.notify("exit")
    assert server.wait() == 0
    with open(log) as f:
        text = f.read()
    assert "lsp starting" in text and "exit notification" in text
    assert "lsp starting" in server.stderr
    # Every byte on stdout was a framed message (the reader would have failed on anything else).
    assert server.messages.empty() or all("jsonrpc" in m for m in list(server.messages.queue))


def test_debug_sleep_is_absent_without_the_environment_flag():
    server = RawServer(env={"QUORUM_DEBUG_REQUESTS": "0"})
    server.initialize()
    assert server.request(1, "quorum/debugSleep", {"ms": 1})["error"]["code"] == -32601
    server.kill()
