"""Concurrency end to end: a slow request blocks nothing, responses come out of order, cancellation stops work,
and progress is reported through window/workDoneProgress/create."""

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from conftest import as_plain, field, init_params, request, start_request, within

URI = "file:///tmp/quorum-e2e/conc.py"


async def test_slow_request_does_not_block_fast_ones_and_answers_out_of_order(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    order = []
    slow = start_request(client, "quorum/debugSleep", {"ms": 600000}, msg_id="slow")
    slow.add_done_callback(lambda _: order.append("slow"))
    # A document update and a fast request sent after the slow one are handled while it sleeps.
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=URI, language_id="python", version=7, text="x")))
    status = await request(client, "quorum/status")
    order.append("status")
    assert as_plain(field(status, "requestsInFlight")) == ["slow"]
    assert [field(d, "version") for d in field(status, "documents")] == [7]
    assert not slow.done()
    client.protocol.notify("$/cancelRequest", types.CancelParams(id="slow"))
    with pytest.raises(JsonRpcException) as error:
        await slow
    assert error.value.code == -32800
    assert order == ["status", "slow"]


async def test_cancelled_work_really_stops(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    sleepers = [start_request(client, "quorum/debugSleep", {"ms": 600000}, msg_id=f"s{i}")
                for i in range(3)]
    status = await request(client, "quorum/status")
    assert sorted(as_plain(field(status, "requestsInFlight"))) == ["s0", "s1", "s2"]
    for i in range(3):
        client.protocol.notify("$/cancelRequest", types.CancelParams(id=f"s{i}"))
    for sleeper in sleepers:
        with pytest.raises(JsonRpcException) as error:
            await within(sleeper)
        assert error.value.code == -32800
    # Once cancelled requests have answered, nothing of them is left running.
    assert as_plain(field(await request(client, "quorum/status"), "requestsInFlight")) == []


async def test_short_sleep_completes(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    assert field(await request(client, "quorum/debugSleep", {"ms": 5}), "sleptMs") == 5


async def test_cancel_of_unknown_or_finished_request_is_harmless(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    client.protocol.notify("$/cancelRequest", types.CancelParams(id="never-sent"))
    client.protocol.notify("$/cancelRequest", types.CancelParams(id=12345))
    assert field(await request(client, "quorum/status"), "state") == "running"


async def test_progress_is_created_begun_reported_and_ended(client: LanguageClient):
    capabilities = types.ClientCapabilities(window=types.WindowClientCapabilities(work_done_progress=True))
    await within(client.initialize_session(init_params(capabilities=capabilities)))
    await request(client, "quorum/debugSleep", {"ms": 30, "progress": True})
    assert len(client.progress_reports) == 1
    reports = next(iter(client.progress_reports.values()))
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    percentages = [r.percentage for r in reports if isinstance(r, types.WorkDoneProgressReport)]
    assert percentages == sorted(percentages) and percentages[-1] == 100


async def test_no_progress_without_client_support(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    await request(client, "quorum/debugSleep", {"ms": 5, "progress": True})
    assert client.progress_reports == {}


async def test_shutdown_waits_for_earlier_requests(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    slow = start_request(client, "quorum/debugSleep", {"ms": 600000}, msg_id="slow")
    status = start_request(client, "quorum/status")
    await within(client.shutdown_async(None))
    # Both were answered before shutdown: the slow one was stopped (-32800), the fast one completed.
    assert slow.done() and status.done()
    assert field(status.result(), "state") in ("running", "shutDown")
    with pytest.raises(JsonRpcException) as error:
        slow.result()
    assert error.value.code == -32800
    client.exit(None)
    assert await within(client._server.wait()) == 0
