#!/usr/bin/env python3
"""Completion latency through the real `quorum lsp`: a ~2K-token prompt on a realistic workspace,
cold (nothing cached) vs warm (the next keystroke, prefix in memory) vs after a daemon restart (prefix from LMDB).

Prints one JSON object; Benchmarks/run.py turns it into rows with ratios.
The target: a warm keystroke costs no more than 1.5x computing only the changed tokens.
"""
import argparse
import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "scripts"))
from lspclient import Client, uri, wait_until  # noqa: E402


def long_python_file(lines: int) -> str:
    """A realistic module long enough for a ~2K-token prompt, ending in a function to complete."""
    parts = ['"""Inventory management for a small shop."""', "from dataclasses import dataclass, field", ""]
    for i in range(lines // 12):
        parts += [f"@dataclass", f"class Record{i}:", f"    sku: str", f"    quantity: int = {i}",
                  f"    price_cents: int = {100 + i}", "",
                  f"    def value_cents(self) -> int:", f"        return self.quantity * self.price_cents", "",
                  f"def restock_{i}(record: Record{i}, amount: int) -> Record{i}:",
                  f"    record.quantity += amount", f"    return record", ""]
    parts += ["def total_value(records) -> int:", "    "]
    return "\n".join(parts)


def start(quorum, root, cache, model, context):
    c = Client([quorum, "lsp"], env=dict(os.environ, QUORUM_CACHE_DIR=str(cache)))
    c.request("initialize", {"processId": os.getpid(), "rootUri": uri(root), "capabilities": {},
                             "initializationOptions": {"model": {"path": model, "contextSize": context},
                                                       "cacheDir": str(cache), "completion": {"maxTokens": 16}}})
    c.notify("initialized", {})
    wait_until(lambda: not c.request("quorum/status", {}).get("indexing") and not c.request("quorum/status", {}).get("modelLoading"),
               timeout=600, step=0.2)
    return c


def explain(c, path, position):
    t = time.perf_counter()
    e = c.request("quorum/explain", {"textDocument": {"uri": uri(path)}, "position": position}, timeout=600)
    wall = (time.perf_counter() - t) * 1000
    decode = e["phasesMs"].get("decode", 0)
    generated = max(1, e["generatedTokens"])
    ttft = e["phasesMs"].get("context", 0) + e["phasesMs"].get("prompt", 0) + e["phasesMs"].get("prefill", 0) + decode / generated
    return dict(wall_ms=wall, ttft_ms=ttft, prefill_ms=e["phasesMs"].get("prefill", 0), decode_ms=decode,
                prompt_tokens=e["promptTokens"], reused_memory=e["tokensReusedMemory"], reused_disk=e["tokensReusedDisk"],
                computed=e["tokensComputed"], generated=e["generatedTokens"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quorum", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--lines", type=int, default=260, help="size of the edited file (260 lines ≈ 2K tokens)")
    args = ap.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="quorum-latency-"))
    try:
        root = work / "ws"
        shutil.copytree(HERE.parent / "scripts" / "demo_workspace", root)
        path = root / "shop" / "inventory.py"
        text = long_python_file(args.lines)
        path.write_text(text)
        lines = text.split("\n")
        position = {"line": len(lines) - 1, "character": len(lines[-1])}
        cache = work / "cache"

        c = start(args.quorum, root, cache, args.model, 4096)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(path), "languageId": "python", "version": 1, "text": text}})
        cold = explain(c, path, position)
        # The next keystroke: one character typed at the cursor.
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri(path), "version": 2},
                                            "contentChanges": [{"range": {"start": position, "end": position}, "text": "t"}]})
        position2 = {"line": position["line"], "character": position["character"] + 1}
        warm = explain(c, path, position2)
        c.close()

        c = start(args.quorum, root, cache, args.model, 4096)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(path), "languageId": "python", "version": 1, "text": text}})
        restart = explain(c, path, position)
        c.close()

        per_token = cold["prefill_ms"] / max(1, cold["computed"])
        changed_only = warm["computed"] * per_token + warm["decode_ms"]
        print(json.dumps({"cold": cold, "warm": warm, "restart": restart,
                          "changed_tokens_only_ms": changed_only,
                          "warm_vs_changed_only": (warm["prefill_ms"] + warm["decode_ms"]) / max(changed_only, 1e-6)}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
