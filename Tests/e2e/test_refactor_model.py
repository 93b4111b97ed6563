"""Model-powered code actions through the real binary: offered only with a model, computed on resolve, and never
offered with text that does not parse. The tiny random-weight Qwen3-MoE writes gibberish (so its text is usually
refused, which is the point of the check); Gemma 3 270M writes plausible code."""

import os
import pathlib

import pytest
from pygls.exceptions import JsonRpcException

from test_refactor_kit import apply_edit, open_doc, parse_errors, position_of, raw, reindex, uri, workspace

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY = ROOT / "Tests/InferenceTests/Models/tiny-qwen3moe-f32.gguf"
GEMMA = pathlib.Path(os.environ.get("QUORUM_GEMMA", os.path.expanduser("~/.cache/quorum/models/gemma3-270m-q4_k_m.gguf")))

FILES = {
    "shop/__init__.py": "",
    "shop/pricing.py": (
        "def add(a, b):\n"
        "    \"\"\"Return the sum of a and b.\"\"\"\n"
        "    pass\n\n\n"
        "def halve(x):\n"
        "    return x / 2\n"),
    "tests/__init__.py": "",
}


async def model_actions(client, path, needle: str) -> dict[str, dict]:
    open_doc(client, path)
    line, col = position_of(path, needle)
    here = {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}
    listed = await raw(client, "textDocument/codeAction",
                       {"textDocument": {"uri": uri(path)}, "range": here, "context": {"diagnostics": []}})
    return {a["data"]["id"]: a for a in listed if a["data"]["id"].startswith("model.")}


async def resolve_or_refusal(client, root, action: dict):
    """The resolved edit applied and checked to parse, or the refusal's message."""
    try:
        resolved = await raw(client, "codeAction/resolve", action, timeout=300)
    except JsonRpcException as error:
        assert error.code == -32803, error
        assert "does not parse" in error.message or "nothing usable" in error.message, error.message
        return None, error.message
    files = apply_edit(resolved["edit"])
    reindex(client, files)
    errors = parse_errors(root)
    assert all(n == 0 for n in errors.values()), errors
    return resolved["edit"], None


async def test_model_actions_are_not_offered_without_a_model():
    async with workspace(FILES) as (client, root):
        assert await model_actions(client, root / "shop/pricing.py", "pass") == {}


async def test_tiny_model_text_is_checked_before_it_is_offered():
    options = {"model": {"path": str(TINY), "contextSize": 512, "threads": 1}}
    async with workspace(FILES, options) as (client, root):
        pricing = root / "shop/pricing.py"
        offered = await model_actions(client, pricing, "pass")
        assert set(offered) == {"model.implement", "model.test"}  # `add` has a docstring already
        assert set(await model_actions(client, pricing, "x / 2")) == {"model.implement", "model.docstring", "model.test"}
        for action in offered.values():
            edit, refusal = await resolve_or_refusal(client, root, action)
            assert (edit is None) != (refusal is None)


async def test_gemma_implements_a_function_and_writes_its_test():
    assert GEMMA.exists(), f"{GEMMA} is missing: run `make models`"
    options = {"model": {"path": str(GEMMA), "contextSize": 2048, "threads": 2}}
    async with workspace(FILES, options) as (client, root):
        pricing = root / "shop/pricing.py"
        offered = await model_actions(client, pricing, "pass")
        edit, refusal = await resolve_or_refusal(client, root, offered["model.implement"])
        assert edit is not None, refusal
        body = pricing.read_text().split('"""Return the sum of a and b."""\n', 1)[1].split("\n\n\ndef halve")[0]
        assert "pass" not in body and body.strip(), body
        offered = await model_actions(client, pricing, "x / 2")
        edit, refusal = await resolve_or_refusal(client, root, offered["model.test"])
        if edit is not None:
            created = [c for c in edit["documentChanges"] if c.get("kind") == "create"]
            assert created and created[0]["uri"].endswith("/tests/test_pricing.py")
            assert (root / "tests/test_pricing.py").read_text().startswith("from shop.pricing import halve\n\n\ndef test_halve():\n")
