"""Helpers of the refactor tests (no tests here): projects in temp folders, a client session on them, applying a
WorkspaceEdit to the files the way an editor would (text edits, then file renames), re-indexing, and checks
that every file still parses and that the import graph kept its shape."""

import asyncio
import contextlib
import json
import os
import pathlib
import subprocess
import tempfile
import urllib.parse

from lsprotocol import types
from pytest_lsp import ClientServerConfig

from conftest import QUORUM_BIN, as_plain, init_params, request, server_command, server_env, within


def grammar_dir() -> str:
    """Where `make grammars` put the compiled grammars (the servers here get a throw-away cache without them)."""
    if os.environ.get("QUORUM_GRAMMAR_DIR"):
        return os.environ["QUORUM_GRAMMAR_DIR"]
    cache = os.environ.get("QUORUM_CACHE_DIR") or os.path.expanduser("~/.cache/quorum")
    return os.path.join(cache, "grammars")


GRAMMARS = grammar_dir()


def make_project(files: dict[str, str]) -> pathlib.Path:
    root = pathlib.Path(tempfile.mkdtemp(prefix="quorum-refactor-")).resolve()
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def uri(path: pathlib.Path) -> str:
    return path.as_uri()


def path_of(u: str) -> pathlib.Path:
    return pathlib.Path(urllib.parse.unquote(urllib.parse.urlparse(u).path))


@contextlib.asynccontextmanager
async def workspace(files: dict[str, str], options: dict | None = None, root: pathlib.Path | None = None):
    """A server on a new project (or on `root`), initialized and past its initial scan: yields (client, root)."""
    assert os.path.isfile(os.path.join(GRAMMARS, "python", "parser.so")), f"no grammars in {GRAMMARS}: run `make grammars`"
    root = root or make_project(files)
    config = ClientServerConfig(server_command=server_command(), server_env=server_env(QUORUM_GRAMMAR_DIR=GRAMMARS))
    client = await config.start()
    try:
        opts = {"cacheDir": tempfile.mkdtemp(prefix="quorum-refactor-cache-")}
        opts.update(options or {})
        folder = types.WorkspaceFolder(uri=uri(root), name=root.name)
        result = await within(client.initialize_session(init_params(root_uri=uri(root), workspace_folders=[folder],
                                                                    initialization_options=opts)))
        client.__dict__["quorum_initialize_result"] = result
        await settle(client)
        yield client, root
    finally:
        with contextlib.suppress(Exception):
            if client._server is not None and client._server.returncode is None:
                await within(client.shutdown_session(), 10)
        if client._server is not None and client._server.returncode is None:
            client._server.terminate()
        with contextlib.suppress(Exception):
            await within(client.stop(), 10)


async def settle(client):
    """Waits until the initial scan is over (quorum/status reports `indexing`); bounded by tries."""
    for _ in range(600):
        status = as_plain(await request(client, "quorum/status"))
        if not status.get("indexing"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the index never settled")


async def raw(client, method: str, params: dict, timeout: float | None = None):
    """A request with plain-dict params whose answer comes back as plain JSON (camelCase names). `timeout` bounds
    model-backed requests, which run longer than the default bound on a loaded machine."""
    if method in types.METHOD_TO_TYPES:
        params = client.protocol._converter.structure(params, types.METHOD_TO_TYPES[method][2])
    if timeout is None:
        result = await request(client, method, params)
    else:
        result = await within(client.protocol.send_request_async(method, params), timeout)
    return as_plain(client.protocol._converter.unstructure(result))


LANGUAGE_IDS = {".py": "python", ".ts": "typescript", ".js": "javascript", ".go": "go", ".rs": "rust", ".c": "c",
                ".h": "c", ".java": "java"}


def open_doc(client, path: pathlib.Path):
    """Opens a document (once) as an editor does before asking anything about it; versions start at 1."""
    opened = client.__dict__.setdefault("quorum_open", {})
    if path in opened:
        return
    opened[path] = 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id=LANGUAGE_IDS.get(path.suffix, "plaintext"), version=1, text=path.read_text())))


async def rename(client, path: pathlib.Path, line: int, character: int, new_name: str):
    open_doc(client, path)
    return await raw(client, "textDocument/rename", {
        "textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}, "newName": new_name})


def position_of(path: pathlib.Path, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """Line and character (ASCII files: UTF-16 == bytes) of the n-th occurrence of `needle`."""
    text = path.read_text()
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index)
    return line, index - (text.rfind("\n", 0, index) + 1)


def offset(text: str, position: dict) -> int:
    lines = text.split("\n")
    return sum(len(l) + 1 for l in lines[:position["line"]]) + position["character"]


def apply_edit(edit: dict) -> dict[str, list[pathlib.Path]]:
    """Applies `documentChanges` in order; returns the changed, created and deleted files (for re-indexing)."""
    changed, created, deleted = [], [], []
    for change in edit["documentChanges"]:
        if change.get("kind") == "rename":
            old, new = path_of(change["oldUri"]), path_of(change["newUri"])
            new.parent.mkdir(parents=True, exist_ok=True)
            old.rename(new)
            deleted.append(old)
            created.append(new)
            continue
        if change.get("kind") == "create":
            path = path_of(change["uri"])
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text("")
                created.append(path)
            continue
        assert change.get("kind") is None, change
        assert "version" in change["textDocument"], "documentChanges entries carry a version (null when not open)"
        path = path_of(change["textDocument"]["uri"])
        text = path.read_text()
        if path not in created:
            changed.append(path)
        for e in sorted(change["edits"], key=lambda e: offset(text, e["range"]["start"]), reverse=True):
            start, end = offset(text, e["range"]["start"]), offset(text, e["range"]["end"])
            text = text[:start] + e["newText"] + text[end:]
        path.write_text(text)
    return {"changed": changed, "created": created, "deleted": deleted}


def move_tree(old: pathlib.Path, new: pathlib.Path) -> dict[str, list[pathlib.Path]]:
    """Moves a file or folder as an editor does after willRenameFiles; returns the files created and deleted."""
    before = [p for p in old.rglob("*") if p.is_file()] if old.is_dir() else [old]
    new.parent.mkdir(parents=True, exist_ok=True)
    old.rename(new)
    after = [new / p.relative_to(old) for p in before] if new.is_dir() else [new]
    return {"changed": [], "created": after, "deleted": before}


def reindex(client, files: dict[str, list[pathlib.Path]]):
    """Tells the server what changed: open documents by didChange/didClose, the others by watched-file events."""
    opened = client.__dict__.setdefault("quorum_open", {})
    for p in files["deleted"]:
        if p in opened:
            del opened[p]
            client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri(p))))
    for p in files["changed"]:
        if p in opened:
            opened[p] += 1
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri(p), version=opened[p]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=p.read_text())]))
    files = {k: [p for p in v if p not in opened] for k, v in files.items()}
    events = [types.FileEvent(uri=uri(p), type=types.FileChangeType.Changed) for p in files["changed"]]
    events += [types.FileEvent(uri=uri(p), type=types.FileChangeType.Deleted) for p in files["deleted"]]
    events += [types.FileEvent(uri=uri(p), type=types.FileChangeType.Created) for p in files["created"]]
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=events))


def parse_errors(root: pathlib.Path) -> dict[str, int]:
    """Parse errors per file from `quorum index DIR --format json`, with a throw-away store."""
    store = tempfile.mkdtemp(prefix="quorum-refactor-store-")
    out = subprocess.run([QUORUM_BIN, "index", str(root), "--store", store, "--format", "json"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return {f["path"]: f["parseErrors"] for f in json.loads(out)["files"]}


async def graph(client) -> tuple[set, set]:
    g = await raw(client, "quorum/graph", {})
    # pygls turns the reserved word `from` into a positional namedtuple field (`_0`, `_1`, …).
    edges = {(next(v for k, v in e.items() if k not in ("kind", "to")), e["to"]) for e in g["edges"]}
    assert all(a for a, _ in edges), g["edges"]
    return {n["id"] for n in g["nodes"]}, edges


async def expect_error(awaitable, code: int, *words: str):
    """The request fails with `code` and a message naming every word."""
    try:
        result = await awaitable
    except Exception as error:  # pygls raises JsonRpcException subclasses carrying code and message
        message = str(error)
        assert str(code) in message or getattr(error, "code", None) == code, message
        for word in words:
            assert word in message, (word, message)
        return message
    raise AssertionError(f"expected error {code}, got {result}")


def edited_texts(edit: dict) -> dict[str, list[str]]:
    """newText values per file name, to assert on what an edit does before applying it."""
    out: dict[str, list[str]] = {}
    for change in edit["documentChanges"]:
        if "edits" in change:
            out.setdefault(path_of(change["textDocument"]["uri"]).name, []).extend(e["newText"] for e in change["edits"])
    return out
