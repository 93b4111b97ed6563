#!/usr/bin/env python3
"""Index latency through the real `quorum lsp` on a workspace: the editor path of a one-file re-index, and
the references and dependents queries.

Re-index: an open file gets `didChange` edits, each replacing one function with a newly named one; the time
runs from sending the edit until a request that reads the index rows of that file answers with the new
name. Index reads wait for the edit queue (`IndexHost.drain`), so that answer comes after `Index.applyEdit`
(incremental parse, tags, one write transaction) has replaced the file's rows. The same request without an
edit before it is measured too: the round trip the re-index rides on. Two observers: `documentSymbol` of
the file (reads its `symbols` row) and `workspace/symbol` for the new name (searches every name).

Prints one JSON object with p50/p99 in milliseconds; Benchmarks/run.py turns it into rows.
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts"))
from lspclient import Client, position_of, uri, wait_until  # noqa: E402


def percentile(values, p):
    """Nearest-rank percentile: p99 of 100 samples is the 99th smallest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary(values):
    return {"p50": statistics.median(values), "p99": percentile(values, 99), "n": len(values)}


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


def end_position(text: str) -> dict:
    lines = text.split("\n")
    return {"line": len(lines) - 1, "character": len(lines[-1].encode("utf-16-le")) // 2}


def large_module(functions: int) -> str:
    """A long Python module (about 50 bytes a line), for the re-index of a large file."""
    parts = ['"""A large module: the re-index of one big file."""', "import os", ""]
    for i in range(functions):
        parts += [f"def large_{i}(x: int) -> int:", f'    """Function {i}."""', f"    y = x * {i} + len(os.sep)",
                  f"    return large_{max(0, i - 1)}(y) if y < 0 else y", ""]
    return "\n".join(parts) + "\n"


def reindex(c: Client, path: pathlib.Path, language: str, edits: int, template: str, observer: str,
            text: str | None = None) -> dict:
    """`edits` didChange edits of `path` (opened with `text`, else its content on disk), each observed by
    `observer`; and as many unchanged round trips."""
    text = path.read_text() if text is None else text
    doc = {"uri": uri(path)}
    c.notify("textDocument/didOpen", {"textDocument": {**doc, "languageId": language, "version": 1, "text": text}})
    version = 1

    def observe(name: str):
        if observer == "documentSymbol":
            symbols = c.request("textDocument/documentSymbol", {"textDocument": doc})
            return any(s["name"] == name for s in symbols)
        found = c.request("workspace/symbol", {"query": name})
        return any(s["name"] == name for s in found)

    def reindex_stats():
        return c.request("quorum/stats", {}).get("reindex") or {"count": 0, "recentMs": []}

    before = reindex_stats()["count"]
    # The added function: appended once, then replaced by the next one at every edit, so the file keeps its size.
    start = end_position(text)
    added = ""
    edit_ms, unchanged_ms = [], []
    for k in range(edits + 1):
        new = template.format(k=k, observer=observer)
        lines = added.split("\n")
        old_end = start if not added else {
            "line": start["line"] + len(lines) - 1,
            "character": (start["character"] if len(lines) == 1 else 0) + len(lines[-1].encode("utf-16-le")) // 2}
        version += 1
        name = f"bench_{observer}_{k}"

        def edit_and_observe():
            c.notify("textDocument/didChange", {"textDocument": {**doc, "version": version},
                                                "contentChanges": [{"range": {"start": start, "end": old_end}, "text": new}]})
            return observe(name)

        ms, seen = timed(edit_and_observe)
        if not seen:
            raise RuntimeError(f"{observer} did not see {name} right after its edit")
        added = new
        if k == 0:
            continue  # the first edit also warms the parser and the kept tree up
        edit_ms.append(ms)
        ms, seen = timed(lambda: observe(name))
        if not seen:
            raise RuntimeError(f"{observer} lost {name}")
        unchanged_ms.append(ms)
    # The server's own time for each re-index (didChange to its rows committed), without the observer's round
    # trip; the first edit is left out as above.
    stats = reindex_stats()
    ran = stats["count"] - before
    if ran != edits + 1 or ran > len(stats["recentMs"]):
        raise RuntimeError(f"quorum/stats counted {ran} re-indexes for {edits + 1} edits")
    server_ms = stats["recentMs"][-ran:][1:]
    c.notify("textDocument/didClose", {"textDocument": doc})
    return {"edit": summary(edit_ms), "unchanged": summary(unchanged_ms), "server": summary(server_ms),
            "bytes": len((text + added).encode())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quorum", required=True)
    ap.add_argument("--workspace", required=True, help="a workspace from Benchmarks/make_workspace.py")
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    root = pathlib.Path(args.workspace).resolve()
    work = pathlib.Path(tempfile.mkdtemp(prefix="quorum-index-latency-"))
    try:
        cache = work / "cache"
        # A throw-away cache for the store and the log, but the grammars built in the usual one.
        usual = pathlib.Path(os.environ.get("QUORUM_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME", "") and
                             pathlib.Path(os.environ["XDG_CACHE_HOME"]) / "quorum" or pathlib.Path.home() / ".cache/quorum")
        grammars = os.environ.get("QUORUM_GRAMMAR_DIR") or str(usual / "grammars")
        c = Client([args.quorum, "lsp"], env=dict(os.environ, QUORUM_CACHE_DIR=str(cache), QUORUM_GRAMMAR_DIR=grammars))
        c.request("initialize", {"processId": os.getpid(), "rootUri": uri(root), "capabilities": {},
                                 "initializationOptions": {"cacheDir": str(cache)}})
        c.notify("initialized", {})
        started = time.perf_counter()
        wait_until(lambda: not c.request("quorum/status", {}).get("indexing"), timeout=600, step=0.05)
        initial_s = time.perf_counter() - started
        indexed = c.request("quorum/status", {}).get("indexedFiles", 0)
        if indexed == 0:
            raise RuntimeError(f"the server indexed no file of {root} (grammars in {grammars}?): "
                               + " | ".join(c.stderr_lines[-5:]))

        result = {"initial_index_s": initial_s, "indexed_files": indexed}
        py = root / "py" / "pkg0" / "mod0.py"
        template = "\n\ndef bench_{observer}_{k}(x: int) -> int:\n    return x + {k}\n"
        result["reindex_documentSymbol"] = reindex(c, py, "python", args.edits, template, "documentSymbol")
        result["reindex_workspaceSymbol"] = reindex(c, py, "python", args.edits // 2, template, "workspaceSymbol")
        # A large file: an unsaved buffer (nothing is written to the workspace) of about 100 KB.
        large = root / "py" / "bench_large_unsaved.py"
        result["reindex_large"] = reindex(c, large, "python", args.edits // 2, template, "documentSymbol",
                                          text=large_module(800))

        # References of functions defined in one file and called from others, in every language of the workspace.
        targets = []
        for rel, needle in [("py/pkg0/mod0.py", "def fn_0_0"), ("ts/m0/mod0.ts", "function fn0_0"),
                            ("rust/src/r0.rs", "fn fn_0_0"), ("c/c0.c", "int fn_0_0"),
                            ("java/src/main/java/bench/j0/Model0.java", "class Model0"), ("go/g0/f0.go", "func Fn0x0")]:
            path = root / rel
            if not path.exists():
                continue
            text = path.read_text()
            if needle not in text:
                continue
            name_offset = len(needle.split()[-1])
            targets.append((path, position_of(text, needle, len(needle) - name_offset)))
            language = {".py": "python", ".ts": "typescript", ".rs": "rust", ".c": "c", ".java": "java", ".go": "go"}[path.suffix]
            c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(path), "languageId": language, "version": 1,
                                                               "text": text}})
        ref_ms, ref_counts = [], []
        for i in range(args.queries):
            path, position = targets[i % len(targets)]
            ms, refs = timed(lambda: c.request("textDocument/references", {
                "textDocument": {"uri": uri(path)}, "position": position, "context": {"includeDeclaration": True}}))
            ref_ms.append(ms)
            ref_counts.append(len(refs or []))
        result["references"] = {**summary(ref_ms), "results_mean": statistics.mean(ref_counts)}

        # Dependents of files imported by others: direct, and transitive up to depth 3.
        imported = [root / p for p in ["py/pkg0/mod0.py", "ts/m0/mod0.ts", "c/c0.h", "rust/src/r0.rs",
                                       "java/src/main/java/bench/j0/Model0.java", "go/g0/f0.go"]]
        imported = [p for p in imported if p.exists()]
        for label, params in [("dependents", {}), ("dependents_transitive", {"transitive": True, "depth": 3})]:
            ms_list, counts = [], []
            for i in range(args.queries):
                path = imported[i % len(imported)]
                ms, found = timed(lambda: c.request("quorum/dependents", {"uri": uri(path), **params}))
                ms_list.append(ms)
                counts.append(len(found["files"]))
            result[label] = {**summary(ms_list), "results_mean": statistics.mean(counts)}
        c.close()
        print(json.dumps(result))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
