"""Completions end to end with the tiny random-weight MoE model (always available): inline completions, prefix
reuse from memory and from disk across a restart, cancellation, stale requests, textDocument/completion,
quorum/explain with index context, and what happens with no model or a bad model path.

The model's output is gibberish but real: the tests assert on what the server does with it (items present,
counters in quorum/stats), never on its text.
"""

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from conftest import ROOT, as_plain, field, request, start_request, within
from indexkit import Project, Session, lsp, plain, structured

TINY = str(ROOT / "Tests" / "InferenceTests" / "Models" / "tiny-qwen3moe-f32.gguf")

FILES = {
    "geometry.py": "def circle_area(radius):\n    return 3.14159 * radius * radius\n",
    "main.py": "from geometry import circle_area\n\n\ndef report(radius):\n    area = circle_area(radius)\n    return ",
}


def options(**completion) -> dict:
    return {"model": {"path": TINY, "contextSize": 256, "threads": 1}, "completion": {"maxTokens": 16, **completion}}


async def stats(session: Session) -> dict:
    return as_plain(await request(session.client, "quorum/stats"))


async def ready(session: Session) -> dict:
    """Waits (bounded by tries) until the model is loaded; returns quorum/status."""
    for _ in range(3000):
        status = await session.status()
        if not status["modelLoading"] and status["completionBackend"] is not None:
            return status
        await asyncio.sleep(0.01)
    raise AssertionError(f"the model never loaded: {status}")


def end_of(text: str) -> dict:
    lines = text.split("\n")
    return {"line": len(lines) - 1, "character": len(lines[-1])}


async def inline(session: Session, rel: str, position: dict, msg_id=None):
    return await lsp(session.client, "textDocument/inlineCompletion", {
        "textDocument": session.doc(rel), "position": position, "context": {"triggerKind": 2}}, msg_id=msg_id)


def delta(after: dict, before: dict) -> dict:
    return {k: after[k] - before[k] for k in after if isinstance(after[k], int) and isinstance(before.get(k), int)}


@pytest.fixture
def project():
    p = Project(FILES)
    yield p
    p.cleanup()


async def test_inline_completion_arrives_and_the_next_keystroke_reuses_the_prefix(project):
    async with Session.start(project, options()) as s:
        status = await ready(s)
        assert status["completionBackend"] == "qwen3moe from tiny-qwen3moe-f32.gguf"
        text = project.text("main.py")
        s.open("main.py", text)
        before = await stats(s)
        first = await inline(s, "main.py", end_of(text))
        assert len(first["items"]) >= 1 and first["items"][0]["insertText"] != ""
        assert first["items"][0]["range"] == {"start": end_of(text), "end": end_of(text)}
        middle = await stats(s)
        d1 = delta(middle, before)
        assert d1["completions"] == 1 and d1["tokensGenerated"] >= 1
        assert d1["tokensComputed"] >= 1

        # The next keystroke: one character more, then a new request at the new cursor.
        s.insert("main.py", 2, types.Position(**end_of(text)), "a")
        text += "a"
        second = await inline(s, "main.py", end_of(text))
        after = await stats(s)
        d2 = delta(after, middle)
        prompt_tokens = d2["tokensReusedMemory"] + d2["tokensReusedDisk"] + d2["tokensComputed"]
        assert d2["completions"] == 1 and second["items"] is not None
        # Only the tokens from the edit on are evaluated again; the rest comes from the live cache.
        assert d2["tokensReusedMemory"] >= prompt_tokens - 20, d2
        assert d2["tokensComputed"] <= 20, d2
        assert d2["tokensReusedDisk"] == 0

        # quorum/explain at the same place sees the same prompt, now fully cached but for its last token.
        explained = as_plain(await request(s.client, "quorum/explain", {
            "textDocument": s.doc("main.py"), "position": end_of(text)}))
        assert explained["promptTokens"] == prompt_tokens
        assert explained["tokensComputed"] == 1 and explained["tokensReusedMemory"] == prompt_tokens - 1


async def test_prompt_cache_survives_a_restart_with_the_same_cache_dir(project):
    text = project.text("main.py")
    async with Session.start(project, options()) as s:
        await ready(s)
        s.open("main.py", text)
        await inline(s, "main.py", end_of(text))
        first = await stats(s)
        assert first["tokensReusedDisk"] == 0 and first["tokensComputed"] > 64
    async with Session.start(project, options()) as s:
        await ready(s)
        s.open("main.py", text)
        await inline(s, "main.py", end_of(text))
        second = await stats(s)
        # Whole 64-token blocks of the same prompt come from LMDB instead of being computed.
        assert second["tokensReusedDisk"] >= 64, second
        assert second["tokensReusedDisk"] % 64 == 0
        assert second["tokensComputed"] == first["tokensComputed"] - second["tokensReusedDisk"]


async def test_cancel_of_a_long_completion_answers_request_cancelled_and_the_server_keeps_going(project):
    # The tiny model's context is 256 tokens: a short prompt leaves room for ~200 generated tokens.
    async with Session.start(project, options(maxTokens=200)) as s:
        await ready(s)
        s.open("short.py", "def f(x):\n    ")
        running = start_request(s.client, "textDocument/inlineCompletion", structured(s.client, "textDocument/inlineCompletion", {
            "textDocument": s.doc("short.py"), "position": {"line": 1, "character": 4},
            "context": {"triggerKind": 1}}), msg_id="long")
        # Sent right behind the request (a generation here takes ~0.1 s; a round trip first would race it).
        s.client.protocol.notify("$/cancelRequest", types.CancelParams(id="long"))
        with pytest.raises(JsonRpcException) as error:
            await within(running)
        assert error.value.code == -32800
        # The server keeps answering, and the model still serves the next request.
        assert (await s.status())["requestsInFlight"] == []
        again = await inline(s, "short.py", {"line": 1, "character": 4})
        assert isinstance(again["items"], list)


async def test_a_request_made_stale_by_an_edit_gets_an_empty_answer(project):
    async with Session.start(project, options(maxTokens=200)) as s:
        await ready(s)
        text = project.text("main.py")
        s.open("main.py", text)
        before = await stats(s)
        pending = start_request(s.client, "textDocument/inlineCompletion", structured(s.client, "textDocument/inlineCompletion", {
            "textDocument": s.doc("main.py"), "position": end_of(text), "context": {"triggerKind": 2}}))
        s.insert("main.py", 2, types.Position(**end_of(text)), "x")
        result = plain(s.client, await within(pending))
        assert result["items"] == []
        after = await stats(s)
        assert after["completionsStale"] - before["completionsStale"] == 1


async def test_text_document_completion_returns_a_completion_list(project):
    async with Session.start(project, options()) as s:
        await ready(s)
        text = project.text("main.py")
        s.open("main.py", text)
        result = await within(s.client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=s.project.uri("main.py")),
            position=types.Position(**end_of(text)))))
        assert isinstance(result, types.CompletionList)
        assert result.is_incomplete is True
        for item in result.items:
            assert item.detail == "Quorum model suggestion"
            assert item.text_edit.range.start == types.Position(**end_of(text))
        assert (await stats(s))["completions"] == 1


async def test_explain_shows_the_definition_from_another_file_and_phase_timings(project):
    async with Session.start(project, options()) as s:
        await ready(s)
        text = project.text("main.py")
        s.open("main.py", text)
        explained = as_plain(await request(s.client, "quorum/explain", {
            "textDocument": s.doc("main.py"), "position": end_of(text)}))
        pieces = [(p["path"], p.get("symbol"), p["reason"]) for p in explained["pieces"] if p["included"]]
        assert ("geometry.py", "circle_area", "definition of a symbol used near the cursor") in pieces
        assert set(explained["phasesMs"]) == {"context", "prompt", "prefill", "decode", "postprocess"}
        assert all(v >= 0 for v in explained["phasesMs"].values())
        assert explained["usesFIM"] is True
        assert explained["promptTokens"] == explained["tokensReusedMemory"] + explained["tokensReusedDisk"] \
            + explained["tokensComputed"]
        assert explained["backend"] == "qwen3moe from tiny-qwen3moe-f32.gguf"


async def test_explain_made_stale_by_an_edit_says_the_content_changed(project):
    async with Session.start(project, options(maxTokens=200)) as s:
        await ready(s)
        text = project.text("main.py")
        s.open("main.py", text)
        pending = start_request(s.client, "quorum/explain", {"textDocument": s.doc("main.py"), "position": end_of(text)})
        s.insert("main.py", 2, types.Position(**end_of(text)), "x")
        with pytest.raises(JsonRpcException) as error:
            await within(pending)
        # Before the fix this was -32603 "no model is configured", with a model loaded.
        assert error.value.code == -32801
        assert "changed" in str(error.value)


async def test_no_model_means_one_message_and_empty_completions(project):
    async with Session.start(project, {}) as s:
        text = project.text("main.py")
        s.open("main.py", text)
        for _ in range(3):
            assert (await inline(s, "main.py", end_of(text)))["items"] == []
            result = await within(s.client.text_document_completion_async(types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=s.project.uri("main.py")),
                position=types.Position(**end_of(text)))))
            assert list(result.items) == []
        shown = [m.message for m in s.client.messages]
        assert len(shown) == 1, shown
        assert "model completions are off" in shown[0]
        assert (await stats(s))["backend"] == "none"
        with pytest.raises(JsonRpcException) as error:
            await request(s.client, "quorum/explain", {"textDocument": s.doc("main.py"), "position": end_of(text)})
        assert error.value.code == -32603 and "no model is configured" in str(error.value)
        assert len(s.client.messages) == 1


async def test_a_bad_model_path_gives_one_clear_message(project):
    missing = str(project.root / "no-such-model.gguf")
    async with Session.start(project, {"model": {"path": missing, "threads": 1}}) as s:
        text = project.text("main.py")
        s.open("main.py", text)
        for _ in range(3):
            assert (await inline(s, "main.py", end_of(text)))["items"] == []
        shown = [m.message for m in s.client.messages]
        assert len(shown) == 1, shown
        assert missing in shown[0] and "does not exist" in shown[0]
        assert s.client.messages[0].type == types.MessageType.Warning
        st = await stats(s)
        assert st["backend"] == "none" and missing in st["modelError"]


async def test_explain_takes_definitions_from_an_edited_unsaved_buffer(project):
    async with Session.start(project, options()) as s:
        await ready(s)
        s.open("geometry.py")
        geometry = project.text("geometry.py")
        s.insert("geometry.py", 2, types.Position(line=geometry.count("\n"), character=0),
                 "\n\ndef ring_width(outer, inner):\n    return outer - inner\n")
        text = project.text("main.py").replace("    return ", "    width = ring_width(radius, 1)\n    return ")
        s.open("main.py", text)
        explained = as_plain(await request(s.client, "quorum/explain", {
            "textDocument": s.doc("main.py"), "position": end_of(text)}))
        pieces = {p.get("symbol"): p for p in explained["pieces"] if p["reason"] == "definition of a symbol used near the cursor"}
        # The new function exists only in the editor's buffer of geometry.py, not on disk.
        assert pieces["ring_width"]["path"] == "geometry.py" and pieces["ring_width"]["included"] is True
        assert pieces["circle_area"]["path"] == "geometry.py"


async def test_a_model_configured_later_by_pushed_settings_serves_completions(project):
    async with Session.start(project, {}) as s:
        text = project.text("main.py")
        s.open("main.py", text)
        assert (await inline(s, "main.py", end_of(text)))["items"] == []
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"quorum": options()}))
        status = await ready(s)
        assert status["completionBackend"] == "qwen3moe from tiny-qwen3moe-f32.gguf"
        assert len((await inline(s, "main.py", end_of(text)))["items"]) >= 1
        # Only the first notice (no model) was shown; loading the model later says nothing more.
        assert [m.message for m in s.client.messages if "model completions are off" in m.message] == [
            m.message for m in s.client.messages]
        assert len(s.client.messages) == 1


async def test_a_file_far_longer_than_the_context_is_trimmed_not_refused(project):
    body = "".join(f"def function_number_{i}(value):\n    return value * {i}\n\n\n" for i in range(300))
    project.write("long.py", body + "def last(value):\n    return \n\n\n" + body)
    async with Session.start(project, options(maxTokens=64)) as s:
        await ready(s)
        s.open("long.py")
        position = s.at("long.py", "def last(value):\n    return ", offset=len("def last(value):\n    return "))
        explained = as_plain(await request(s.client, "quorum/explain", {"textDocument": s.doc("long.py"), "position": position}))
        # The tiny model has 256 positions: the prompt fits beside the 64 tokens to generate.
        assert 0 < explained["promptTokens"] <= 256 - 64 - 1
        assert isinstance((await inline(s, "long.py", position))["items"], list)


async def test_other_requests_are_answered_while_two_completions_are_in_flight(project):
    async with Session.start(project, options(maxTokens=200)) as s:
        await ready(s)
        s.open("short.py", "def f(x):\n    ")
        order = []
        params = structured(s.client, "textDocument/inlineCompletion", {
            "textDocument": s.doc("short.py"), "position": {"line": 1, "character": 4}, "context": {"triggerKind": 1}})
        running = [start_request(s.client, "textDocument/inlineCompletion", params, msg_id=name) for name in ("a", "b")]
        for name, future in zip(("a", "b"), running):
            future.add_done_callback(lambda _, name=name: order.append(name))
        # Sent while both completions are in flight (the second waiting for the model): answered at once.
        # Before the fix, the waiting one blocked the last thread of Swift's pool (one per core here), so this
        # waited for the first completion to end.
        assert (await s.status())["requestsInFlight"] in (["a", "b"], ["b", "a"])
        order.append("status")
        for future in running:
            await within(future)
        assert order[0] == "status", order
