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
    args = ap.parse_args()

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
    attempt("status", "quorum/status", "quorum/status", {})

    main_py = files["shop/main.py"]
    attempt("document symbols of shop/pricing.py", "documentSymbolProvider", "textDocument/documentSymbol",
            {"textDocument": {"uri": uri(root / "shop/pricing.py")}})
    attempt("workspace symbols matching 'cart'", "workspaceSymbolProvider", "workspace/symbol", {"query": "cart"})
    call_site = position_of(main_py, "apply_discount(cart", 2)
    attempt("definition of apply_discount (from shop/main.py)", "definitionProvider", "textDocument/definition",
            {"textDocument": {"uri": uri(root / "shop/main.py")}, "position": call_site})
    attempt("references of Cart", "referencesProvider", "textDocument/references",
            {"textDocument": {"uri": uri(root / "shop/models.py")},
             "position": position_of(files["shop/models.py"], "class Cart", 6),
             "context": {"includeDeclaration": True}})
    attempt("files that depend on shop/models.py", "quorum/dependents", "quorum/dependents",
            {"uri": uri(root / "shop/models.py"), "transitive": True})
    attempt("import cycles", "quorum/cycles", "quorum/cycles", {})

    completion_at = position_of(main_py, "def format_price(cents: int) -> str:\n    ", 41)
    attempt("inline completion in format_price()", "inlineCompletionProvider", "textDocument/inlineCompletion",
            {"textDocument": {"uri": uri(root / "shop/main.py")}, "position": completion_at,
             "context": {"triggerKind": 2}})
    attempt("completion statistics", "quorum/stats", "quorum/stats", {})

    attempt("rename apply_discount → discounted_total", "renameProvider", "textDocument/rename",
            {"textDocument": {"uri": uri(root / "shop/main.py")}, "position": call_site, "newName": "discounted_total"})
    attempt("move shop/pricing.py → shop/prices.py", "willRenameFiles", "workspace/willRenameFiles",
            {"files": [{"oldUri": uri(root / "shop/pricing.py"), "newUri": uri(root / "shop/prices.py")}]})

    section("shutdown")
    code = client.close()
    print(f"   exit code {code}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
