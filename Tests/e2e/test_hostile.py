"""Hostile input over raw bytes: each case gets the right answer (or a log line) and the server keeps serving."""

import json

import pytest

from rawclient import RawServer, encode, frame


@pytest.fixture
def server():
    server = RawServer()
    result = server.initialize()
    assert result["result"]["serverInfo"]["name"] == "quorum"
    yield server
    server.kill()


def still_serving(server: RawServer, id="alive"):
    response = server.request(id, "quorum/status")
    assert response["result"]["state"] == "running", response


def error_of(message):
    return message["error"]["code"]


def test_bad_json_is_32700_with_null_id(server):
    server.send_bytes(frame(b'{"jsonrpc": "2.0", "id": 1, "method": '))
    message = server.next_message(lambda m: "error" in m)
    assert error_of(message) == -32700 and message["id"] is None
    still_serving(server)


def test_body_shorter_than_announced_is_32700_and_next_message_survives(server):
    # Announces 60 bytes but sends 10; the following request's header lands inside the "body".
    server.send_bytes(b"Content-Length: 60\r\n\r\n" + b'{"jsonrpc"')
    server.start("after", "quorum/status")
    message = server.next_message(lambda m: "error" in m)
    assert error_of(message) == -32700
    assert server.response("after")["result"]["state"] == "running"


@pytest.mark.parametrize("body, id", [
    (b"[1, 2, 3]", None),
    (b"42", None),
    (b'{"hello": "world"}', None),
    (b'{"jsonrpc": "1.0", "id": 5, "method": "quorum/status"}', 5),
    (b'{"jsonrpc": "2.0", "id": 6, "method": 17}', 6),
    (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "quorum/status"}', None),
])
def test_valid_json_that_is_not_a_request_is_32600(server, body, id):
    server.send_bytes(frame(body))
    message = server.next_message(lambda m: "error" in m)
    assert error_of(message) == -32600 and message["id"] == id
    still_serving(server)


def test_unknown_request_is_32601_unknown_notification_ignored(server):
    server.notify("made/up", {})
    server.notify("$/madeUp", {})
    assert error_of(server.request(1, "made/upRequest", {})) == -32601
    still_serving(server)


def test_wrong_params_are_32602_naming_the_field(server):
    response = server.request(1, "quorum/positionInfo", {"textDocument": {"uri": 3}, "position": {"line": 0, "character": 0}})
    assert error_of(response) == -32602
    assert "`params.textDocument.uri`" in response["error"]["message"]
    response = server.request(2, "quorum/positionInfo", {"textDocument": {"uri": "file:///x"}})
    assert error_of(response) == -32602 and "`params.position`" in response["error"]["message"]
    response = server.request(3, "quorum/debugSleep", {"ms": "soon"})
    assert error_of(response) == -32602 and "`params.ms`" in response["error"]["message"]
    still_serving(server)


@pytest.mark.parametrize("header", [
    b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
    b"Content-Length: abc\r\n\r\n",
    b"Content-Length: -5\r\n\r\n",
    b"Content-Length: \r\n\r\n",
    b"Content-Length 12\r\n\r\n",
])
def test_broken_headers_are_answered_and_skipped(server, header):
    server.send_bytes(header + b'{"jsonrpc": "2.0", "id": "lost", "method": "quorum/status"}')
    message = server.next_message(lambda m: "error" in m)
    assert message["id"] is None and error_of(message) in (-32700, -32600)
    still_serving(server)


def test_content_type_header_is_accepted(server):
    body = json.dumps({"jsonrpc": "2.0", "id": "ct", "method": "quorum/status"}).encode()
    server.send_bytes(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    assert server.response("ct")["result"]["state"] == "running"


def test_invalid_utf8_is_32700(server):
    server.send_bytes(frame(b'{"jsonrpc": "2.0", "id": 1, "method": "quorum/st\xff\xfeatus"}'))
    message = server.next_message(lambda m: "error" in m)
    assert error_of(message) == -32700 and "UTF-8" in message["error"]["message"]
    still_serving(server)


def test_huge_content_length_is_refused_without_allocating(server):
    server.send_bytes(b"Content-Length: 200000000\r\n\r\n" + b'{"jsonrpc": "2.0", "id": 1, "method": "quorum/status"}')
    message = server.next_message(lambda m: "error" in m)
    assert message["id"] is None and "exceeds the limit" in message["error"]["message"]
    still_serving(server)
    # Refusing must not have allocated the announced size.
    with open(f"/proc/{server.process.pid}/status") as status:
        rss_kb = int(next(line for line in status if line.startswith("VmRSS")).split()[1])
    assert rss_kb < 150_000


def test_position_outside_document_and_unknown_uri(server):
    server.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///h.py", "languageId": "python", "version": 1, "text": "ab\n"}})
    outside = server.request(1, "quorum/positionInfo", {"textDocument": {"uri": "file:///h.py"}, "position": {"line": 5, "character": 0}})
    assert error_of(outside) == -32602
    negative = server.request(2, "quorum/positionInfo", {"textDocument": {"uri": "file:///h.py"}, "position": {"line": 0, "character": -1}})
    assert error_of(negative) == -32602
    unknown = server.request(3, "quorum/positionInfo", {"textDocument": {"uri": "file:///nope.py"}, "position": {"line": 0, "character": 0}})
    assert error_of(unknown) == -32602 and "not open" in unknown["error"]["message"]
    still_serving(server)


def test_change_to_closed_document_and_bad_range_are_logged(server):
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///closed.py", "version": 2}, "contentChanges": [{"text": "x"}]})
    log = server.next_message(lambda m: m.get("method") == "window/logMessage")
    assert "file:///closed.py" in log["params"]["message"] and log["params"]["type"] == 1
    server.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///r.py", "languageId": "python", "version": 1, "text": "ab"}})
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///r.py", "version": 2},
                                             "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": "x"}]})
    log = server.next_message(lambda m: m.get("method") == "window/logMessage")
    assert "past the end" in log["params"]["message"]
    status = server.request("s", "quorum/status")["result"]
    assert [(d["uri"], d["version"]) for d in status["documents"]] == [("file:///r.py", 1)]


def test_duplicate_open_and_double_close_are_logged(server):
    item = {"uri": "file:///d.py", "languageId": "python", "version": 1, "text": ""}
    server.notify("textDocument/didOpen", {"textDocument": item})
    server.notify("textDocument/didOpen", {"textDocument": item})
    assert "already open" in server.next_message(lambda m: m.get("method") == "window/logMessage")["params"]["message"]
    server.notify("textDocument/didClose", {"textDocument": {"uri": "file:///d.py"}})
    server.notify("textDocument/didClose", {"textDocument": {"uri": "file:///d.py"}})
    assert "not open" in server.next_message(lambda m: m.get("method") == "window/logMessage")["params"]["message"]
    still_serving(server)


def test_many_hostile_messages_in_one_write(server):
    data = (frame(b"{nope") + b"Content-Length: x\r\n\r\n{}" + frame(b"[]") + frame(b'{"jsonrpc":"2.0","id":"m","method":"missing"}')
            + encode({"jsonrpc": "2.0", "id": "ok", "method": "quorum/status"}))
    server.send_bytes(data)
    assert server.response("ok")["result"]["state"] == "running"
    assert error_of(server.response("m")) == -32601


@pytest.mark.parametrize("body", [
    b"[" * 100000 + b"]" * 100000,
    b'{"jsonrpc": "2.0", "id": 1e400, "method": "quorum/status"}',
], ids=["deep-nesting", "number-overflow"])
def test_pathological_json_is_32700(server, body):
    server.send_bytes(frame(body))
    message = server.next_message(lambda m: "error" in m)
    assert error_of(message) == -32700 and message["id"] is None
    still_serving(server)
