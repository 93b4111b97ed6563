"""Lifecycle through pytest-lsp: initialize, capabilities, status, shutdown/exit and their errors."""

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from conftest import field, init_params, request, within


async def test_initialize_reports_server_and_only_implemented_capabilities(client: LanguageClient):
    result = await within(client.initialize_session(init_params()))
    assert result.server_info.name == "quorum"
    assert result.server_info.version
    caps = result.capabilities
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close is True
    # Nothing is advertised that is not implemented (no hover yet); what is implemented is advertised.
    assert caps.hover_provider is None
    assert caps.completion_provider.trigger_characters == [".", "(", " "] or \
        tuple(caps.completion_provider.trigger_characters) == (".", "(", " ")
    assert caps.definition_provider is True and caps.references_provider is True
    assert caps.inline_completion_provider is True
    status = await request(client, "quorum/status")
    assert field(status, "state") == "running"


async def test_request_before_initialize_is_32002(client: LanguageClient):
    # pytest-lsp refuses to send before initialize unless it believes it has capabilities.
    client.capabilities = types.ClientCapabilities()
    with pytest.raises(JsonRpcException) as error:
        await request(client, "quorum/status")
    assert error.value.code == -32002
    await within(client.initialize_session(init_params()))
    assert field(await request(client, "quorum/status"), "state") == "running"


async def test_shutdown_then_requests_are_invalid_and_exit_is_0(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    await within(client.shutdown_async(None))
    with pytest.raises(JsonRpcException) as error:
        await request(client, "quorum/status")
    assert error.value.code == -32600
    client.exit(None)
    assert await within(client._server.wait()) == 0


async def test_exit_without_shutdown_is_1(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    client.exit(None)
    assert await within(client._server.wait()) == 1


async def test_unknown_request_is_32601_and_server_keeps_serving(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    with pytest.raises(JsonRpcException) as error:
        await request(client, "quorum/noSuchThing")
    assert error.value.code == -32601
    client.protocol.notify("quorum/noSuchNotification", {})
    client.protocol.notify("$/noSuchNotification", {})
    assert field(await request(client, "quorum/status"), "state") == "running"


async def test_trace_is_sent_when_asked(client: LanguageClient):
    await within(client.initialize_session(init_params(trace=types.TraceValue.Verbose)))
    traces = []
    client.feature("$/logTrace")(lambda params: traces.append(params))
    await request(client, "quorum/status")
    client.protocol.notify("$/setTrace", types.SetTraceParams(value=types.TraceValue.Off))
    await request(client, "quorum/status")
    assert len([t for t in traces if "quorum/status" in str(t)]) == 1
