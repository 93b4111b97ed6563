#!/usr/bin/env python3
"""`make demo`: drive the real `quorum lsp` through a scripted LSP session on scripts/demo_workspace.

Each capability the server advertises gets its section; one it does not advertise yet is named as such,
so the demo always shows the product as it stands.
"""
import argparse
import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lspclient import Client, LSPError, position_of, uri, wait_until  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def section(title):
    print(f"\n{BOLD}== {title}{RESET}")


def show(obj, limit=40):
    lines = json.dumps(obj, indent=2, ensure_ascii=False).splitlines()
    for line in lines[:limit]:
        print("   " + line)
    if len(lines) > limit:
        print(f"   {DIM}… {len(lines) - limit} more lines{RESET}")


def relative(u: str, root: pathlib.Path) -> str:
    return u.replace(root.as_uri() + "/", "")


KINDS = {1: "file", 2: "module", 5: "class", 6: "method", 8: "field", 10: "enum", 11: "interface", 12: "function",
         13: "variable", 14: "constant", 23: "struct", 26: "type"}


def where(loc, root):
    r = loc["range"]["start"]
    return f"{relative(loc['uri'], root)}:{r['line'] + 1}:{r['character'] + 1}"


def render_symbols(items, depth=0):
    for item in items or []:
        line = item["selectionRange"]["start"]["line"] + 1
        print(f"   {'  ' * depth}{KINDS.get(item['kind'], item['kind'])} {item['name']}  (line {line})")
        render_symbols(item.get("children"), depth + 1)


def render_locations(root):
    def render(items):
        for loc in items or []:
            print(f"   {where(loc, root)}")
        if not items:
            print("   (none)")
    return render


def render_workspace_symbols(root):
    def render(items):
        for s in items or []:
            print(f"   {KINDS.get(s['kind'], s['kind'])} {s['name']}  {where(s['location'], root)}")
    return render


def render_files(result):
    for f in result.get("files", []):
        print(f"   {'external ' if f['external'] else ''}{f['id']}  (depth {f['depth']})")
    if not result.get("files"):
        print("   (none)")


def render_cycles(result):
    for c in result.get("cycles", []):
        print("   " + " → ".join(c["ids"] + c["ids"][:1]))
    if not result.get("cycles"):
        print("   no import cycles")


def render_inline(result):
    items = result.get("items", result) if isinstance(result, dict) else result
    if not items:
        print("   (no suggestion)")
    for item in items[:1]:
        text = item["insertText"] if isinstance(item["insertText"], str) else item["insertText"]["value"]
        print("   ┌─ ghost text")
        for line in text.splitlines() or [""]:
            print(f"   │ {line}")
        print("   └─")


def render_stats(result):
    keys = ["backend", "backendLabel", "completions", "tokensReusedMemory", "tokensReusedDisk", "tokensComputed",
            "tokensGenerated", "completionsStale", "completionsCancelled"]
    for k in keys:
        if k in result:
            print(f"   {k:<22} {result[k]}")


def render_edit(root):
    def render(edit):
        if not edit:
            print("   (no edit)")
            return
        for change in edit.get("documentChanges", []):
            if change.get("kind") == "rename":
                print(f"   rename {relative(change['oldUri'], root)} → {relative(change['newUri'], root)}")
                continue
            doc = relative(change["textDocument"]["uri"], root)
            for e in change["edits"]:
                r = e["range"]["start"]
                print(f"   {doc}:{r['line'] + 1}:{r['character'] + 1}  → {e['newText']!r}")
        for uri, edits in (edit.get("changes") or {}).items():
            for e in edits:
                print(f"   {relative(uri, root)}:{e['range']['start']['line'] + 1}  → {e['newText']!r}")
    return render


def default_model() -> str | None:
    cache = os.environ.get("QUORUM_CACHE_DIR") or os.path.expanduser("~/.cache/quorum")
    models = pathlib.Path(os.environ.get("QUORUM_MODEL_DIR") or os.path.join(cache, "models"))
    candidate = models / "gemma3-270m-q4_k_m.gguf"
    return str(candidate) if candidate.exists() else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quorum", default=".build/release/quorum")
    ap.add_argument("--model", default=os.environ.get("QUORUM_MODEL") or default_model())
    ap.add_argument("--engine-url", default=os.environ.get("QUORUM_ENGINE_URL"))
    ap.add_argument("--remote", action="store_true",
                    help="serve the model with llama-cpp-python on loopback and point engine.url at it")
    args = ap.parse_args()
    server = None
    if args.remote and not args.engine_url:
        server, args.engine_url = start_loopback_server(args.model)
    try:
        return run(args)
    finally:
        if server:
            server.kill()
            server.wait()


def start_loopback_server(model):
    """llama-cpp-python's OpenAI-compatible server on a free loopback port, for the remote-engine demo."""
    import socket
    import subprocess
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "4096"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import urllib.request
    def up():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return True
        except Exception:
            return False
    if not wait_until(up, timeout=120, step=0.5):
        proc.kill()
        sys.exit("the loopback llama-cpp-python server did not start")
    print(f"{DIM}serving {model} with llama-cpp-python on http://127.0.0.1:{port}{RESET}")
    return proc, f"http://127.0.0.1:{port}"


def run(args):

    # Work on a copy so the demo's edits and index never touch the repository.
    work = pathlib.Path(tempfile.mkdtemp(prefix="quorum-demo-"))
    root = work / "workspace"
    shutil.copytree(HERE / "demo_workspace", root)
    env = dict(os.environ, QUORUM_CACHE_DIR=os.environ.get("QUORUM_CACHE_DIR", str(work / "cache")))
    env.setdefault("QUORUM_GRAMMAR_DIR", os.path.expanduser("~/.cache/quorum/grammars"))

    settings = {"cacheDir": str(work / "cache")}
    if args.model:
        settings["model"] = {"path": args.model, "contextSize": 4096, "threads": os.cpu_count() or 2}
    if args.engine_url:
        settings["engine"] = {"url": args.engine_url}

    client = Client([args.quorum, "lsp"], env=env)
    section("initialize")
    t0 = time.time()
    init = client.request("initialize", {
        "processId": os.getpid(), "rootUri": uri(root), "workspaceFolders": [{"uri": uri(root), "name": "demo"}],
        "initializationOptions": settings,
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "window": {"workDoneProgress": True},
            "workspace": {"workspaceFolders": True, "configuration": True,
                          "workspaceEdit": {"documentChanges": True, "resourceOperations": ["create", "rename", "delete"]}},
            "textDocument": {"synchronization": {"didSave": True},
                             "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                             "completion": {"completionItem": {"snippetSupport": False}},
                             "rename": {"prepareSupport": True}},
        }})
    client.notify("initialized", {})
    caps = init.get("capabilities", {})
    info = init.get("serverInfo", {})
    print(f"   server: {info.get('name')} {info.get('version')}  ({(time.time() - t0) * 1000:.0f} ms)")
    print(f"   model: {args.model or 'none (symbol completions only)'}")
    print("   advertised: " + ", ".join(sorted(k for k, v in caps.items() if v)))

    def has(cap):
        if cap == "willRenameFiles":
            return bool(caps.get("workspace", {}).get("fileOperations", {}).get("willRename"))
        return bool(caps.get(cap)) or cap in caps.get("experimental", {}).get("quorum", {}).get("requests", [])

    def attempt(title, cap, method, params, render=show):
        section(title)
        if not has(cap):
            print(f"   {DIM}not available yet: the server does not advertise {cap}{RESET}")
            return None
        t = time.time()
        try:
            result = client.request(method, params)
        except LSPError as e:
            print(f"   error {e.code}: {e.message}")
            return None
        print(f"   {DIM}{method} answered in {(time.time() - t) * 1000:.0f} ms{RESET}")
        render(result)
        return result

    files = {p: (root / p).read_text() for p in ["shop/main.py", "shop/pricing.py", "shop/models.py"]}
    for path, text in files.items():
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(root / path), "languageId": "python", "version": 1, "text": text}})

    # Wait for the initial index when the server reports progress for it.
    if has("quorum/status"):
        wait_until(lambda: client.request("quorum/status", {}).get("indexing", False) is False, timeout=120)
    def render_status(st):
        print(f"   indexed files: {st.get('indexedFiles')}, indexing: {st.get('indexing')}")
        print(f"   completion backend: {st.get('completionBackend') or 'none'}")
        print(f"   open documents: {', '.join(relative(d['uri'], root) for d in st.get('documents', []))}")
    if has("quorum/status"):
        wait_until(lambda: not client.request("quorum/status", {}).get("modelLoading", False), timeout=300)
    attempt("status", "quorum/status", "quorum/status", {}, render_status)

    main_py = files["shop/main.py"]
    attempt("document symbols of shop/models.py", "documentSymbolProvider", "textDocument/documentSymbol",
            {"textDocument": {"uri": uri(root / "shop/models.py")}}, render_symbols)
    attempt("workspace symbols matching 'cart'", "workspaceSymbolProvider", "workspace/symbol", {"query": "cart"},
            render_workspace_symbols(root))
    call_site = position_of(main_py, "apply_discount(cart", 2)
    attempt("definition of apply_discount (from shop/main.py)", "definitionProvider", "textDocument/definition",
            {"textDocument": {"uri": uri(root / "shop/main.py")}, "position": call_site}, render_locations(root))
    attempt("references of Cart", "referencesProvider", "textDocument/references",
            {"textDocument": {"uri": uri(root / "shop/models.py")},
             "position": position_of(files["shop/models.py"], "class Cart", 6),
             "context": {"includeDeclaration": True}}, render_locations(root))
    attempt("files that depend on shop/models.py", "quorum/dependents", "quorum/dependents",
            {"uri": uri(root / "shop/models.py"), "transitive": True}, render_files)
    attempt("what shop/main.py imports", "quorum/dependencies", "quorum/dependencies",
            {"uri": uri(root / "shop/main.py")}, render_files)
    attempt("import cycles", "quorum/cycles", "quorum/cycles", {}, render_cycles)

    completion_at = position_of(main_py, "def format_price(cents: int) -> str:\n    ", 41)
    attempt("inline completion in format_price()", "inlineCompletionProvider", "textDocument/inlineCompletion",
            {"textDocument": {"uri": uri(root / "shop/main.py")}, "position": completion_at,
             "context": {"triggerKind": 2}}, render_inline)
    # The next keystroke: the user types "r"; only the tokens after the change are computed again.
    if has("inlineCompletionProvider"):
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri(root / "shop/main.py"), "version": 2},
                                                 "contentChanges": [{"range": {"start": completion_at, "end": completion_at},
                                                                     "text": "r"}]})
        after = {"line": completion_at["line"], "character": completion_at["character"] + 1}
        attempt("the next keystroke ('r'): completion again", "inlineCompletionProvider", "textDocument/inlineCompletion",
                {"textDocument": {"uri": uri(root / "shop/main.py")}, "position": after,
                 "context": {"triggerKind": 2}}, render_inline)
    attempt("completion statistics (prompt tokens reused vs computed)", "quorum/stats", "quorum/stats", {}, render_stats)

    attempt("rename apply_discount → discounted_total", "renameProvider", "textDocument/rename",
            {"textDocument": {"uri": uri(root / "shop/main.py")}, "position": call_site, "newName": "discounted_total"}, render_edit(root))
    attempt("move shop/pricing.py → shop/prices.py", "willRenameFiles", "workspace/willRenameFiles",
            {"files": [{"oldUri": uri(root / "shop/pricing.py"), "newUri": uri(root / "shop/prices.py")}]}, render_edit(root))

    section("shutdown")
    code = client.close()
    print(f"   exit code {code}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
