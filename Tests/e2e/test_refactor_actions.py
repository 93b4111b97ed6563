"""textDocument/codeAction (titles, kinds and data only), codeAction/resolve (the edit), and
workspace/executeCommand, through the real binary. Each resolved edit is applied and the files must still parse."""

import pytest
from pygls.exceptions import JsonRpcException

from test_refactor_kit import apply_edit, open_doc, parse_errors, position_of, raw, reindex, uri, workspace

FILES = {
    "shop/__init__.py": "",
    "shop/cart.py": (
        "import sys\nimport os\nfrom .prices import unit_price, tax_rate\n\n\n"
        "def total(items):\n"
        "    count = len(items)\n"
        "    base = sum(unit_price(i) for i in items)\n"
        "    taxed = base * (1 + tax_rate())\n"
        "    return taxed / max(count, 1)\n"),
    "shop/prices.py": "def unit_price(item):\n    return 2\n\n\ndef tax_rate():\n    return 0.2\n",
    "web/cart.ts": (
        "import { z } from './z';\nimport { price, unused } from './price';\n\n"
        "export function total(items: number[]): number {\n"
        "  const base = items.reduce((a, b) => a + price(b), 0);\n"
        "  const taxed = base * 1.2;\n"
        "  return taxed + z;\n"
        "}\n"),
    "web/price.ts": "export function price(x: number): number {\n  return x;\n}\nexport const unused = 1;\n",
    "web/z.ts": "export const z = 0;\n",
}


def span(path, needle: str, occurrence: int = 0) -> dict:
    line, col = position_of(path, needle, occurrence)
    return {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + len(needle)}}


async def actions(client, path, rng, only=None) -> list[dict]:
    open_doc(client, path)
    params = {"textDocument": {"uri": uri(path)}, "range": rng, "context": {"diagnostics": []}}
    if only:
        params["context"]["only"] = only
    return await raw(client, "textDocument/codeAction", params)


async def resolve(client, action: dict) -> dict:
    return await raw(client, "codeAction/resolve", action)


async def run_action(client, root, path, rng, title: str) -> str:
    listed = {a["title"]: a for a in await actions(client, path, rng)}
    assert title in listed, listed.keys()
    assert listed[title].get("edit") is None and listed[title]["data"]["uri"] == uri(path)
    resolved = await resolve(client, listed[title])
    files = apply_edit(resolved["edit"])
    reindex(client, files)
    assert all(n == 0 for n in parse_errors(root).values()), parse_errors(root)
    return path.read_text()


async def test_capabilities_advertise_the_refactors():
    async with workspace({"a.py": "x = 1\n"}) as (client, _):
        caps = client.protocol._converter.unstructure(client.quorum_initialize_result.capabilities)
        assert caps["renameProvider"] == {"prepareProvider": True}
        assert caps["codeActionProvider"]["resolveProvider"] is True
        assert "refactor.extract" in caps["codeActionProvider"]["codeActionKinds"]
        assert caps["executeCommandProvider"]["commands"] == ["quorum.showDependents", "quorum.showDependencies",
                                                               "quorum.showCycles"]
        assert caps["workspace"]["fileOperations"]["willRename"]["filters"][0]["pattern"]["glob"] == "**"


async def test_extract_variable_then_inline_it_back():
    async with workspace(FILES) as (client, root):
        cart = root / "shop/cart.py"
        text = await run_action(client, root, cart, span(cart, "base * (1 + tax_rate())"), "Extract into a variable")
        assert "    extracted = base * (1 + tax_rate())\n    taxed = extracted\n" in text
        line, col = position_of(cart, "extracted =")
        here = {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}
        text = await run_action(client, root, cart, here, "Inline variable")
        assert "    taxed = (base * (1 + tax_rate()))\n" in text


async def test_extract_function_in_python_and_typescript():
    async with workspace(FILES) as (client, root):
        cart = root / "shop/cart.py"
        first, last = position_of(cart, "    base = sum"), position_of(cart, "tax_rate())\n")
        rng = {"start": {"line": first[0], "character": 4}, "end": {"line": last[0], "character": last[1] + len("tax_rate())")}}
        text = await run_action(client, root, cart, rng, "Extract into a function")
        assert "    taxed = extracted_function(items)\n" in text
        assert "\n\n\ndef extracted_function(items):\n    base = sum(unit_price(i) for i in items)\n" in text
        ts = root / "web/cart.ts"
        first, last = position_of(ts, "  const base"), position_of(ts, "base * 1.2;")
        rng = {"start": {"line": first[0], "character": 2}, "end": {"line": last[0], "character": last[1] + len("base * 1.2;")}}
        text = await run_action(client, root, ts, rng, "Extract into a function")
        assert "  const taxed = extractedFunction(items);\n" in text
        assert "function extractedFunction(items) {\n" in text and "  return taxed;\n}" in text


async def test_organize_imports_removes_unused_and_sorts():
    async with workspace(FILES) as (client, root):
        cart, ts = root / "shop/cart.py", root / "web/cart.ts"
        start = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
        listed = await actions(client, cart, start, only=["source.organizeImports"])
        assert [a["kind"] for a in listed] == ["source.organizeImports"]
        text = await run_action(client, root, cart, start, "Organize imports")
        assert text.startswith("from .prices import tax_rate, unit_price\n\n\ndef total")
        text = await run_action(client, root, ts, start, "Organize imports")
        assert text.startswith("import { price } from './price';\nimport { z } from './z';\n\nexport function")


async def test_bad_selections_and_stale_actions_are_refused():
    async with workspace(FILES) as (client, root):
        cart = root / "shop/cart.py"
        listed = await actions(client, cart, span(cart, "ems)\n    base"))
        assert "Extract into a variable" not in [a["title"] for a in listed]
        forged = {"title": "Extract into a variable", "kind": "refactor.extract",
                  "data": {"uri": uri(cart), "id": "extract.variable", "version": 1, "start": 0, "end": 3}}
        with pytest.raises(JsonRpcException) as error:
            await resolve(client, forged)
        assert error.value.code == -32602 and "select a whole expression" in error.value.message
        forged["data"]["version"] = 7
        with pytest.raises(JsonRpcException) as error:
            await resolve(client, forged)
        assert error.value.code == -32801
        with pytest.raises(JsonRpcException) as error:
            await resolve(client, {"title": "x", "data": {"uri": uri(cart)}})
        assert error.value.code == -32602


async def test_execute_command_answers_like_the_graph_requests():
    async with workspace(FILES) as (client, root):
        prices = uri(root / "shop/prices.py")
        direct = await raw(client, "quorum/dependents", {"uri": prices})
        by_command = await raw(client, "workspace/executeCommand", {"command": "quorum.showDependents", "arguments": [prices]})
        assert by_command == direct and [f["id"] for f in direct["files"]] == ["shop/cart.py"]
        deps = await raw(client, "workspace/executeCommand",
                         {"command": "quorum.showDependencies", "arguments": [{"uri": uri(root / "shop/cart.py")}]})
        assert "shop/prices.py" in [f["id"] for f in deps["files"]]
        cycles = await raw(client, "workspace/executeCommand", {"command": "quorum.showCycles", "arguments": []})
        assert cycles == {"cycles": []}
        with pytest.raises(JsonRpcException) as error:
            await raw(client, "workspace/executeCommand", {"command": "quorum.format", "arguments": []})
        assert error.value.code == -32602 and "quorum.showDependents" in error.value.message
