"""Completions with the real Gemma 3 270M model (installed by `make models`): the body of a simple Python
function is completed with code that keeps the file valid Python."""

import os
import pathlib

import pytest

from conftest import as_plain, request
from indexkit import Project, Session, lsp
from test_completion import ready

GEMMA = pathlib.Path(os.path.expanduser("~/.cache/quorum/models/gemma3-270m-q4_k_m.gguf"))

pytestmark = pytest.mark.skipif(not GEMMA.is_file(), reason=f"{GEMMA} is not installed (run `make models`)")

PREFIX = 'def add(a, b):\n    """Returns the sum of a and b."""\n    return '
SUFFIX = "\n\n\nprint(add(1, 2))\n"


async def test_gemma_completes_a_python_function_body_that_compiles():
    project = Project({"calc.py": PREFIX + SUFFIX})
    try:
        options = {"model": {"path": str(GEMMA), "contextSize": 2048, "threads": 1}, "completion": {"maxTokens": 24}}
        async with Session.start(project, options) as s:
            status = await ready(s)
            assert "gemma3" in status["completionBackend"]
            s.open("calc.py")
            position = {"line": 2, "character": len("    return ")}
            result = await lsp(s.client, "textDocument/inlineCompletion", {
                "textDocument": s.doc("calc.py"), "position": position, "context": {"triggerKind": 1}})
            items = result["items"]
            assert items and items[0]["insertText"].strip() != "", result
            completed = PREFIX + items[0]["insertText"] + SUFFIX
            compile(completed, "calc.py", "exec")  # raises SyntaxError when the completion broke the file
    finally:
        project.cleanup()


BLOCK_PREFIX = 'def is_even(n):\n    """True when n is divisible by two."""\n'
BLOCK_SUFFIX = "\n\nprint(is_even(4))\n"


async def test_gemma_completes_an_empty_function_body_as_a_block_that_compiles():
    project = Project({"even.py": BLOCK_PREFIX + "    " + BLOCK_SUFFIX})
    try:
        options = {"model": {"path": str(GEMMA), "contextSize": 2048, "threads": 1}, "completion": {"maxTokens": 48}}
        async with Session.start(project, options) as s:
            await ready(s)
            s.open("even.py")
            position = {"line": 2, "character": 4}  # an empty, indented line: a multi-line (block) completion
            result = await lsp(s.client, "textDocument/inlineCompletion", {
                "textDocument": s.doc("even.py"), "position": position, "context": {"triggerKind": 1}})
            items = result["items"]
            assert items and items[0]["insertText"].strip() != "", result
            completed = BLOCK_PREFIX + "    " + items[0]["insertText"] + BLOCK_SUFFIX
            compile(completed, "even.py", "exec")
    finally:
        project.cleanup()
