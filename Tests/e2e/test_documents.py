"""Document sync end to end: open, full and incremental changes, save, close, and errors on unknown documents."""

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from conftest import as_plain, field, init_params, request, within

URI = "file:///tmp/quorum-e2e/doc.py"


def change(version, *changes):
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version), content_changes=list(changes))


def edit(l1, c1, l2, c2, text):
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=l1, character=c1), end=types.Position(line=l2, character=c2)),
        text=text)


async def line_text(client, line):
    result = await request(client, "quorum/positionInfo",
                           {"textDocument": {"uri": URI}, "position": {"line": line, "character": 0}})
    return field(result, "lineText"), field(result, "version")


async def documents(client):
    return as_plain(field(await request(client, "quorum/status"), "documents"))


async def test_open_change_save_close(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="python", version=1, text="def f():\n    pass\n")))
    # Incremental: rename f to g😀 and add a line.
    client.text_document_did_change(change(2, edit(0, 4, 0, 5, "g😀")))
    client.text_document_did_change(change(3, edit(2, 0, 2, 0, "# end\n")))
    assert await line_text(client, 0) == ("def g😀():", 3)
    assert await line_text(client, 2) == ("# end", 3)
    # Full replacement.
    client.text_document_did_change(change(4, types.TextDocumentContentChangeWholeDocument(text="x = 1")))
    assert await line_text(client, 0) == ("x = 1", 4)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    docs = await documents(client)
    assert [(d["uri"], d["version"], d["languageId"]) for d in docs] == [(URI, 4, "python")]
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI)))
    assert await documents(client) == []


async def test_many_changes_arrive_in_order(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="python", version=0, text="")))
    for version in range(1, 201):
        client.text_document_did_change(change(version, edit(0, version - 1, 0, version - 1, "ab"[version % 2])))
    text, version = await line_text(client, 0)
    assert version == 200
    assert text == "".join("ab"[v % 2] for v in range(1, 201))


async def test_change_to_closed_document_is_logged_and_server_continues(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    client.text_document_did_change(change(2, types.TextDocumentContentChangeWholeDocument(text="x")))
    with pytest.raises(JsonRpcException) as error:
        await line_text(client, 0)
    # The change was handled (and logged) before the request that followed it.
    assert any(URI in m.message and "not open" in m.message for m in client.log_messages)
    assert error.value.code == -32602
    assert "not open" in str(error.value)


async def test_change_outside_document_is_refused_whole(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="python", version=1, text="one\ntwo")))
    client.text_document_did_change(change(2, edit(0, 0, 0, 0, "X"), edit(9, 0, 9, 1, "Y")))
    assert await line_text(client, 0) == ("one", 1)
    assert any("past the end" in m.message for m in client.log_messages)
