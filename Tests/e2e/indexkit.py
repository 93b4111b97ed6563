"""A workspace project on disk and a `quorum lsp` session over it, with answers flattened into short strings so
the index tests can compare them exactly.

Conventions of the flattened answers (all positions are LSP's: zero-based lines, UTF-16 columns):
- a range is "L:C-L:C", a location "rel/path:L:C-L:C" (paths relative to the project root);
- an outline is one string per symbol, "Kind name" indented by two spaces per nesting level.
"""

import asyncio
import contextlib
import json
import os
import pathlib
import shutil
import tempfile
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import as_plain, field, init_params, request, server_command, server_env, within

LANGUAGE_IDS = {".py": "python", ".js": "javascript", ".ts": "typescript", ".tsx": "typescriptreact", ".go": "go",
                ".rs": "rust", ".c": "c", ".h": "c", ".cpp": "cpp", ".hpp": "cpp", ".java": "java", ".swift": "swift"}


def grammar_dir() -> str:
    """Where `make grammars` put the compiled grammars (the servers here get a throw-away cache without them)."""
    if os.environ.get("QUORUM_GRAMMAR_DIR"):
        return os.environ["QUORUM_GRAMMAR_DIR"]
    cache = os.environ.get("QUORUM_CACHE_DIR") or (os.path.join(os.environ["XDG_CACHE_HOME"], "quorum")
                                                   if os.environ.get("XDG_CACHE_HOME") else os.path.expanduser("~/.cache/quorum"))
    return os.path.join(cache, "grammars")


GRAMMARS = grammar_dir()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Project:
    """Files in a fresh temporary folder (its real path: the index keys files by resolved paths)."""

    def __init__(self, files: dict[str, str]):
        self.root = pathlib.Path(os.path.realpath(tempfile.mkdtemp(prefix="quorum-e2e-proj-")))
        self.cache = tempfile.mkdtemp(prefix="quorum-e2e-idxcache-")
        for rel, text in files.items():
            self.write(rel, text)

    def write(self, rel: str, text: str):
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def rel(self, uri: str) -> str:
        path = unquote(urlparse(uri).path)
        root = str(self.root)
        return path[len(root) + 1:] if path.startswith(root + "/") else path

    def pos(self, rel: str, needle: str, nth: int = 0, offset: int = 0, text: str | None = None) -> types.Position:
        """The LSP position of the nth occurrence of `needle` in the file (plus `offset` characters)."""
        text = self.text(rel) if text is None else text
        at = -1
        for _ in range(nth + 1):
            at = text.index(needle, at + 1)
        at += offset
        line = text.count("\n", 0, at)
        start = text.rfind("\n", 0, at) + 1
        return types.Position(line=line, character=utf16_len(text[start:at]))

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.cache, ignore_errors=True)


def structured(client: LanguageClient, method: str, params: dict):
    """Plain-dict params as pygls wants them: lsprotocol's types for standard methods, as they are otherwise."""
    if method in types.METHOD_TO_TYPES:
        return client.protocol._converter.structure(params, types.METHOD_TO_TYPES[method][2])
    return params


def plain(client: LanguageClient, result):
    """A result back as plain JSON (camelCase names), whatever pygls made of it."""
    return as_plain(client.protocol._converter.unstructure(result))


async def lsp(client: LanguageClient, method: str, params: dict, msg_id=None):
    """A request with plain-dict params and a plain-JSON result."""
    result = await request(client, method, structured(client, method, params), msg_id=msg_id)
    # Back to plain JSON (camelCase names) whatever pygls made of it.
    return client.protocol._converter.unstructure(result)


def rng(r) -> str:
    r = as_plain(r)
    return f"{r['start']['line']}:{r['start']['character']}-{r['end']['line']}:{r['end']['character']}"


class Session:
    """A started, initialized server whose root is the project, after its initial index."""

    def __init__(self, project: Project, client: LanguageClient):
        self.project = project
        self.client = client
        # The editor's buffers: positions of needles are found in these when the document is open.
        self.buffers: dict[str, str] = {}

    @classmethod
    @contextlib.asynccontextmanager
    async def start(cls, project: Project, options: dict | None = None, capabilities=None, wait: bool = True):
        assert os.path.isfile(os.path.join(GRAMMARS, "python", "parser.so")), \
            f"no compiled grammars in {GRAMMARS}: run `make grammars`"
        config = ClientServerConfig(server_command=server_command(), server_env=server_env(QUORUM_GRAMMAR_DIR=GRAMMARS))
        client = await config.start()
        session = cls(project, client)
        try:
            opts = {"cacheDir": project.cache}
            opts.update(options or {})
            await within(client.initialize_session(init_params(
                root_uri=project.root.as_uri(), initialization_options=opts,
                capabilities=capabilities or types.ClientCapabilities())))
            if wait:
                await session.wait_for_index()
            yield session
        finally:
            try:
                if client._server is not None and client._server.returncode is None:
                    await within(client.shutdown_session(), 10)
            except Exception:
                pass
            if client._server is not None and client._server.returncode is None:
                client._server.terminate()
            with contextlib.suppress(Exception):
                await within(client.stop(), 10)

    async def status(self) -> dict:
        return as_plain(await request(self.client, "quorum/status"))

    async def wait_for_index(self, tries: int = 3000):
        """Polls quorum/status until the initial scan is over (bounded by the number of tries, not by time)."""
        for _ in range(tries):
            status = await self.status()
            if not status["indexing"] and status.get("indexedFiles") is not None:
                return status
            await asyncio.sleep(0.01)
        raise AssertionError(f"the index never settled: {status}")

    # Documents

    def open(self, rel: str, text: str | None = None, version: int = 1):
        text = self.project.text(rel) if text is None else text
        self.buffers[rel] = text
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=self.project.uri(rel), language_id=LANGUAGE_IDS.get(pathlib.Path(rel).suffix, "plaintext"),
            version=version, text=text)))

    def close(self, rel: str):
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=self.project.uri(rel))))

    def insert(self, rel: str, version: int, position: types.Position, text: str):
        if rel in self.buffers:
            old = self.buffers[rel]
            lines = old.split("\n")
            head = "\n".join(lines[:position.line])
            line = lines[position.line]
            units, cut = 0, 0
            while cut < len(line) and units < position.character:
                units += utf16_len(line[cut])
                cut += 1
            at = len(head) + (1 if position.line else 0) + cut
            self.buffers[rel] = old[:at] + text + old[at:]
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.project.uri(rel), version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=position, end=position), text=text)]))

    def doc(self, rel: str) -> dict:
        return {"uri": self.project.uri(rel)}

    # Flattening

    def loc(self, location) -> str:
        location = as_plain(location)
        return f"{self.project.rel(location['uri'])}:{rng(location['range'])}"

    def span(self, rel: str, needle: str, nth: int = 0, inner: str | None = None) -> str:
        """The location string of the nth `needle` in the file (or of `inner` within it), for expected values."""
        start = self.project.pos(rel, needle, nth, text=self.buffers.get(rel))
        word = needle
        if inner is not None:
            start.character += utf16_len(needle[:needle.index(inner)])
            word = inner
        return f"{rel}:{start.line}:{start.character}-{start.line}:{start.character + utf16_len(word)}"

    def at(self, rel: str, needle: str, nth: int = 0, offset: int = 0) -> dict:
        p = self.project.pos(rel, needle, nth, offset, text=self.buffers.get(rel))
        return {"line": p.line, "character": p.character}

    # Requests (every one opens nothing: documents must be opened by the test)

    async def outline(self, rel: str) -> list[str]:
        result = as_plain(await lsp(self.client, "textDocument/documentSymbol", {"textDocument": self.doc(rel)}))
        lines: list[str] = []

        def walk(symbols, depth):
            for s in symbols:
                lines.append("  " * depth + f"{types.SymbolKind(s['kind']).name} {s['name']}")
                walk(s.get("children") or [], depth + 1)

        walk(result or [], 0)
        return lines

    async def outline_ranges(self, rel: str) -> dict[str, str]:
        result = as_plain(await lsp(self.client, "textDocument/documentSymbol", {"textDocument": self.doc(rel)}))
        found: dict[str, str] = {}

        def walk(symbols):
            for s in symbols:
                found[s["name"]] = rng(s["selectionRange"])
                walk(s.get("children") or [])

        walk(result or [])
        return found

    async def definition(self, rel: str, needle: str, nth: int = 0, offset: int = 0) -> list[str]:
        result = as_plain(await lsp(self.client, "textDocument/definition",
                                        {"textDocument": self.doc(rel), "position": self.at(rel, needle, nth, offset)}))
        if result is None:
            return []
        if isinstance(result, dict):
            result = [result]
        return [self.loc(x) if "uri" in x else f"{self.project.rel(x['targetUri'])}:{rng(x['targetSelectionRange'])}"
                for x in result]

    async def references(self, rel: str, needle: str, nth: int = 0, include_declaration: bool = True) -> list[str]:
        result = as_plain(await lsp(self.client, "textDocument/references", {
            "textDocument": self.doc(rel), "position": self.at(rel, needle, nth),
            "context": {"includeDeclaration": include_declaration}}))
        return sorted(self.loc(x) for x in result or [])

    async def highlights(self, rel: str, needle: str, nth: int = 0) -> list[str]:
        result = as_plain(await lsp(self.client, "textDocument/documentHighlight",
                                        {"textDocument": self.doc(rel), "position": self.at(rel, needle, nth)}))
        kinds = {1: "text", 2: "read", 3: "write"}
        return sorted(f"{rng(h['range'])} {kinds[h.get('kind') or 1]}" for h in result or [])

    async def workspace_symbols(self, query: str) -> list[str]:
        result = as_plain(await lsp(self.client, "workspace/symbol", {"query": query}))
        return [f"{s['name']} {types.SymbolKind(s['kind']).name} {self.project.rel(s['location']['uri'])}"
                for s in result or []]

    async def prepare_calls(self, rel: str, needle: str, nth: int = 0) -> list[dict]:
        return as_plain(await lsp(self.client, "textDocument/prepareCallHierarchy",
                                      {"textDocument": self.doc(rel), "position": self.at(rel, needle, nth)})) or []

    async def incoming(self, rel: str, needle: str, nth: int = 0) -> list[str]:
        items = await self.prepare_calls(rel, needle, nth)
        assert len(items) == 1, items
        calls = as_plain(await lsp(self.client, "callHierarchy/incomingCalls", {"item": items[0]}))
        return sorted(f"{c['from']['name']} {self.project.rel(c['from']['uri'])} "
                      + ",".join(rng(r) for r in c["fromRanges"]) for c in calls or [])

    async def outgoing(self, rel: str, needle: str, nth: int = 0) -> list[str]:
        items = await self.prepare_calls(rel, needle, nth)
        assert len(items) == 1, items
        calls = as_plain(await lsp(self.client, "callHierarchy/outgoingCalls", {"item": items[0]}))
        return sorted(f"{c['to']['name']} {self.project.rel(c['to']['uri'])} "
                      + ",".join(rng(r) for r in c["fromRanges"]) for c in calls or [])

    async def links(self, rel: str) -> list[str]:
        result = as_plain(await lsp(self.client, "textDocument/documentLink", {"textDocument": self.doc(rel)}))
        return sorted(f"{rng(l['range'])} -> {self.project.rel(l['target'])}" for l in result or [])

    async def dependencies(self, rel: str, transitive: bool | None = None, depth: int | None = None,
                           method: str = "quorum/dependencies") -> list[str]:
        # A file by its URI; an external module ("ext:stdlib.h") by its bare name.
        params: dict = {"uri": rel[4:] if rel.startswith("ext:") else self.project.uri(rel)}
        if transitive is not None:
            params["transitive"] = transitive
        if depth is not None:
            params["depth"] = depth
        result = as_plain(await request(self.client, method, params))
        out = []
        for f in result["files"]:
            if f["external"]:
                assert f.get("uri") is None, f
                out.append(f"ext:{f['id']} {f['depth']}")
            else:
                assert self.project.rel(f["uri"]) == f["id"], f
                out.append(f"{f['id']} {f['depth']}")
        return sorted(out)

    async def dependents(self, rel: str, transitive: bool | None = None, depth: int | None = None) -> list[str]:
        return await self.dependencies(rel, transitive, depth, method="quorum/dependents")

    async def cycles(self) -> list[list[str]]:
        result = as_plain(await request(self.client, "quorum/cycles"))
        for c in result["cycles"]:
            assert [self.project.rel(u) for u in c["files"]] == c["ids"], c
        return [c["ids"] for c in result["cycles"]]

    async def path(self, a: str, b: str) -> list[str]:
        result = as_plain(await request(self.client, "quorum/path", {"from": self.project.uri(a), "to": self.project.uri(b)}))
        return result["path"]

    async def graph(self) -> tuple[list[str], list[str]]:
        result = as_plain(await request(self.client, "quorum/graph"))
        nodes = sorted(f"{n['kind']} {n['id']}" for n in result["nodes"])
        # pygls turns JSON objects into namedtuples and renames a member named `from` (a keyword) to `_<position>`.
        edges = sorted(f"{next(v for k, v in e.items() if k not in ('to', 'kind'))} -> {e['to']}" for e in result["edges"])
        assert all(e["kind"] == "import" for e in result["edges"])
        return nodes, edges


def dump(value) -> str:
    return json.dumps(value, indent=1)
