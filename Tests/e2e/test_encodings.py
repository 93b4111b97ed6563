"""Position encodings end to end: negotiation, and exact conversion with emoji, CJK and combining characters."""

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from conftest import field, init_params, request, within

URI = "file:///tmp/quorum-e2e/enc.py"
# Line 0: "a😀b", line 1: "日本語x", line 2: "e" + U+0301 + "x".
TEXT = "a😀b\n日本語x\ne\u0301x\n"


def general(*encodings):
    return types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=list(encodings)))


async def open_doc(client):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="python", version=1, text=TEXT)))


async def info(client, line, character):
    result = await request(client, "quorum/positionInfo",
                           {"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
    position = field(result, "position")
    return field(result, "utf8Offset"), (field(position, "line"), field(position, "character"))


@pytest.mark.parametrize("offered, chosen", [
    ([], "utf-16"),
    (["utf-16"], "utf-16"),
    (["utf-8", "utf-16"], "utf-8"),
    (["utf-32", "utf-8"], "utf-32"),
    (["utf-7", "utf-32"], "utf-32"),
])
async def test_negotiation_picks_first_supported(client: LanguageClient, offered, chosen):
    capabilities = general(*offered) if offered else types.ClientCapabilities()
    result = await within(client.initialize_session(init_params(capabilities=capabilities)))
    assert result.capabilities.position_encoding == chosen
    assert field(await request(client, "quorum/status"), "positionEncoding") == chosen


# (encoding, line, character) -> expected UTF-8 offset; the position just after each special character.
CASES = {
    "utf-16": [((0, 3), 5), ((1, 2), 13), ((2, 2), 21)],
    "utf-8": [((0, 5), 5), ((1, 6), 13), ((2, 3), 21)],
    "utf-32": [((0, 2), 5), ((1, 2), 13), ((2, 2), 21)],
}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_exact_conversion(client: LanguageClient, encoding):
    await within(client.initialize_session(init_params(capabilities=general(encoding))))
    await open_doc(client)
    for (line, character), offset in CASES[encoding]:
        assert await info(client, line, character) == (offset, (line, character))


async def test_past_line_end_is_clamped_and_inside_a_character_rounds_down(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    await open_doc(client)
    # Past the end of "a😀b" (4 UTF-16 units): clamped to the line end.
    assert await info(client, 0, 99) == (6, (0, 4))
    # Between the surrogates of 😀: rounded down to its start.
    assert await info(client, 0, 2) == (1, (0, 1))


async def test_past_last_line_is_rejected(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    await open_doc(client)
    with pytest.raises(JsonRpcException) as error:
        await info(client, 40, 0)
    assert error.value.code == -32602
    assert "past the end" in str(error.value)
    assert await info(client, 3, 0) == (len(TEXT.encode()), (3, 0))
