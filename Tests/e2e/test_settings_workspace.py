"""Settings (initializationOptions, push, pull, errors shown once) and workspace roots and file watching."""

from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import as_plain, field, init_params, request, within


NO_MODEL = "Quorum: model completions are off"


def shown(client) -> list[str]:
    """Messages shown, without the one notice that no model is configured (these tests configure none)."""
    return [m.message for m in client.messages if not m.message.startswith(NO_MODEL)]


async def settings(client):
    return as_plain(field(await request(client, "quorum/status"), "settings"))


async def test_defaults_with_empty_or_null_options(client: LanguageClient):
    await within(client.initialize_session(init_params(initialization_options={})))
    s = await settings(client)
    assert s["model"]["contextSize"] == 4096 and s["exclude"] == [] and s["languages"] == {}
    assert shown(client) == []


async def test_valid_initialization_options(client: LanguageClient):
    options = {"model": {"path": "/m/q.gguf", "contextSize": 2048, "threads": 2}, "cacheDir": "/tmp/qc",
               "languages": {"python": False}, "exclude": ["**/gen/**"]}
    await within(client.initialize_session(init_params(initialization_options=options)))
    s = await settings(client)
    assert s["model"] == {"path": "/m/q.gguf", "contextSize": 2048, "threads": 2}
    assert s["cacheDir"] == "/tmp/qc" and s["languages"] == {"python": False} and s["exclude"] == ["**/gen/**"]
    # The settings are valid; the model file they name does not exist, which is told once.
    await request(client, "quorum/stats")
    for _ in range(500):
        if client.messages:
            break
        await request(client, "quorum/status")
    assert [m.message for m in client.messages] == [
        "Quorum: model completions are off: the model file /m/q.gguf does not exist; fix model.path "
        "(run `make models` for the default model)"]


async def test_bad_settings_are_named_once_and_ignored(client: LanguageClient):
    options = {"model": {"contextSize": "large"}, "colour": "red"}
    await within(client.initialize_session(init_params(initialization_options=options)))
    await request(client, "quorum/status")  # initialized (which reports) was handled before this answer.
    problems = [m for m in client.messages if not m.message.startswith(NO_MODEL)]
    assert len(problems) == 1
    assert "`model.contextSize`" in problems[0].message and "`colour`" in problems[0].message
    assert problems[0].type == types.MessageType.Warning
    # The same bad settings pushed again are not shown again; a new problem is.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=options))
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"quorum": {"exclude": "x"}}))
    s = await settings(client)
    assert s["model"]["contextSize"] == 4096 and s["exclude"] == []
    assert len(shown(client)) == 2
    assert "`exclude`" in shown(client)[1]


async def test_pushed_settings_override_initialization_options(client: LanguageClient):
    await within(client.initialize_session(init_params(initialization_options={"model": {"threads": 2, "contextSize": 1024}})))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"quorum": {"model": {"threads": 6}}, "otherServer": {"x": 1}}))
    s = await settings(client)
    assert s["model"]["threads"] == 6 and s["model"]["contextSize"] == 1024
    assert shown(client) == []


async def test_settings_are_pulled_when_the_client_supports_it(client: LanguageClient):
    client.set_configuration({"model": {"threads": 3}}, section="quorum")
    capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(configuration=True))
    await within(client.initialize_session(init_params(capabilities=capabilities)))
    # The pull answer is applied when it arrives; ask until it shows (bounded by the number of tries).
    for _ in range(500):
        s = await settings(client)
        if s["model"]["threads"] == 3:
            break
    assert s["model"]["threads"] == 3


async def roots(client):
    return [(f["uri"], f["path"]) for f in as_plain(field(await request(client, "quorum/status"), "workspaceFolders"))]


async def test_root_uri_with_trailing_slash_and_no_folders(client: LanguageClient):
    await within(client.initialize_session(init_params(root_uri="file:///tmp/proj/")))
    assert await roots(client) == [("file:///tmp/proj/", "/tmp/proj")]


async def test_root_path_only(client: LanguageClient):
    await within(client.initialize_session(init_params(root_path="/tmp/only path")))
    assert [p for _, p in await roots(client)] == ["/tmp/only path"]


async def test_no_root_at_all(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    assert await roots(client) == []


async def test_multi_root_and_folder_changes(client: LanguageClient):
    folders = [types.WorkspaceFolder(uri="file:///w/a", name="a"), types.WorkspaceFolder(uri="file:///w/b/", name="b")]
    await within(client.initialize_session(init_params(root_uri="file:///w/a", workspace_folders=folders)))
    assert await roots(client) == [("file:///w/a", "/w/a"), ("file:///w/b/", "/w/b")]
    client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(uri="file:///w/c", name="c")],
                                                removed=[types.WorkspaceFolder(uri="file:///w/b", name="b")])))
    assert await roots(client) == [("file:///w/a", "/w/a"), ("file:///w/c", "/w/c")]


async def test_file_watchers_registered_dynamically(client: LanguageClient):
    registrations = []

    @client.feature("client/registerCapability")
    def register(params):
        registrations.append(params)
        return None

    capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)))
    await within(client.initialize_session(init_params(capabilities=capabilities)))
    for _ in range(500):
        status = as_plain(await request(client, "quorum/status"))
        if status["registrations"]:
            break
    assert status["registrations"] == ["workspace/didChangeWatchedFiles"]
    assert registrations[0].registrations[0].method == "workspace/didChangeWatchedFiles"
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri="file:///w/a/x.py", type=types.FileChangeType.Changed)]))
    assert field(await request(client, "quorum/status"), "watchedFileEvents") == 1


async def test_no_registration_without_dynamic_support(client: LanguageClient):
    await within(client.initialize_session(init_params()))
    assert as_plain(field(await request(client, "quorum/status"), "registrations")) == []
