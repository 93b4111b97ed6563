"""textDocument/prepareRename and textDocument/rename through the real binary, on Python, TypeScript, Go and Rust
projects created here: the edit is applied to the files, the workspace re-indexed, and then every file must parse,
no definition or reference may keep the old name, and the import graph must be the same."""

import pytest
from pygls.exceptions import JsonRpcException
from conftest import request
from test_refactor_kit import apply_edit, open_doc, edited_texts, graph, parse_errors, position_of, raw, reindex, rename, uri, workspace

PYTHON = {
    "app/__init__.py": "",
    "app/pricing.py": (
        "TAX = 0.2\n\n\n"
        "def apply_discount(price, rate):\n"
        "    \"\"\"Apply a discount.\"\"\"\n"
        "    discounted = price * (1 - rate)\n"
        "    return discounted\n\n\n"
        "class Cart:\n"
        "    def __init__(self):\n"
        "        self.items = []\n\n"
        "    def total(self):\n"
        "        return sum(self.items)\n"),
    "app/main.py": (
        "from .pricing import apply_discount, Cart\n\n\n"
        "def run(price):\n"
        "    cart = Cart()\n"
        "    total = cart.total()\n"
        "    return apply_discount(price, 0.1) + total\n"),
    "app/report.py": (
        "from app import pricing\n\n\n"
        "def report(price):\n"
        "    return pricing.apply_discount(price, pricing.TAX)\n"),
}


async def names_defined(client, query: str) -> list[str]:
    found = await raw(client, "workspace/symbol", {"query": query})
    return [s["name"] for s in found]


async def check_after(client, root, edit, old: str, new: str, nodes_before, edges_before):
    files = apply_edit(edit)
    reindex(client, files)
    assert all(n == 0 for n in parse_errors(root).values()), parse_errors(root)
    assert old not in await names_defined(client, old)
    assert new in await names_defined(client, new)
    nodes, edges = await graph(client)
    assert (nodes, edges) == (nodes_before, edges_before)


async def test_python_function_rename_updates_imports_and_qualified_uses():
    async with workspace(PYTHON) as (client, root):
        nodes, edges = await graph(client)
        main = root / "app/main.py"
        line, col = position_of(main, "apply_discount(price")
        open_doc(client, main)
        prepared = await raw(client, "textDocument/prepareRename",
                             {"textDocument": {"uri": uri(main)}, "position": {"line": line, "character": col + 2}})
        assert prepared["placeholder"] == "apply_discount"
        assert prepared["range"]["start"] == {"line": line, "character": col}
        edit = await rename(client, main, line, col + 2, "compute_discount")
        assert edited_texts(edit) == {"main.py": ["compute_discount"] * 2, "pricing.py": ["compute_discount"],
                                      "report.py": ["compute_discount"]}
        versions = {c["textDocument"]["uri"].rsplit("/", 1)[1]: c["textDocument"]["version"] for c in edit["documentChanges"]}
        assert versions == {"main.py": 1, "pricing.py": None, "report.py": None}
        await check_after(client, root, edit, "apply_discount", "compute_discount", nodes, edges)
        assert "from .pricing import compute_discount, Cart" in main.read_text()


async def test_python_method_rename_leaves_a_local_of_the_same_name():
    async with workspace(PYTHON) as (client, root):
        nodes, edges = await graph(client)
        pricing = root / "app/pricing.py"
        line, col = position_of(pricing, "total(self)")
        edit = await rename(client, pricing, line, col, "grand_total")
        await check_after(client, root, edit, "total", "grand_total", nodes, edges)
        text = (root / "app/main.py").read_text()
        assert "    total = cart.grand_total()\n" in text and "+ total\n" in text


async def test_python_local_variable_rename_stays_in_its_function():
    async with workspace(PYTHON) as (client, root):
        pricing = root / "app/pricing.py"
        line, col = position_of(pricing, "discounted", 1)
        edit = await rename(client, pricing, line, col, "reduced")
        assert edited_texts(edit) == {"pricing.py": ["reduced", "reduced"]}
        apply_edit(edit)
        assert "    reduced = price * (1 - rate)\n    return reduced\n" in pricing.read_text()


async def test_bad_renames_are_refused_with_a_clear_error():
    async with workspace(PYTHON) as (client, root):
        main, pricing = root / "app/main.py", root / "app/pricing.py"
        line, col = position_of(main, "apply_discount(price")
        cases = [
            (main, 1, 0, "x", -32602, ["no symbol", "line 2"]),              # an empty line
            (main, line, col, "2fast", -32602, ["2fast", "not a valid Python identifier"]),
            (main, line, col, "class", -32602, ["reserved word"]),
            (main, line, col, "Cart", -32602, ["Cart", "already defined", "pricing.py"]),
        ]
        for path, l, c, new, code, words in cases:
            with pytest.raises(JsonRpcException) as error:
                await rename(client, path, l, c, new)
            assert error.value.code == code
            for word in words:
                assert word in error.value.message, (word, error.value.message)
        open_doc(client, main)
        with pytest.raises(JsonRpcException) as error:
            await raw(client, "textDocument/prepareRename",
                      {"textDocument": {"uri": uri(main)}, "position": {"line": 1, "character": 0}})
        assert error.value.code == -32602
        # A name defined nowhere in the workspace (a builtin) is not renamed.
        line, col = position_of(pricing, "sum(")
        with pytest.raises(JsonRpcException) as error:
            await rename(client, pricing, line, col, "total_of")
        assert "not defined in this workspace" in error.value.message
        # Nothing was written.
        assert main.read_text() == PYTHON["app/main.py"]


TYPESCRIPT = {
    "tsconfig.json": "{}\n",
    "src/api.ts": "export function fetchProducts(): string[] {\n  return [\"a\"];\n}\n\nexport const LIMIT = 3;\n",
    "src/app.ts": ("import { fetchProducts, LIMIT } from './api';\n\n"
                   "export function main(): number {\n  const items = fetchProducts();\n  return items.length + LIMIT;\n}\n"),
    "src/view.ts": ("import * as api from './api';\n\n"
                    "export function view(): string {\n  return api.fetchProducts().join(',');\n}\n"),
}


async def test_typescript_rename_across_named_and_namespace_imports():
    async with workspace(TYPESCRIPT) as (client, root):
        nodes, edges = await graph(client)
        api = root / "src/api.ts"
        line, col = position_of(api, "fetchProducts")
        edit = await rename(client, api, line, col, "loadProducts")
        assert edited_texts(edit) == {"api.ts": ["loadProducts"], "app.ts": ["loadProducts"] * 2,
                                      "view.ts": ["loadProducts"]}
        await check_after(client, root, edit, "fetchProducts", "loadProducts", nodes, edges)
        assert "import { loadProducts, LIMIT } from './api';" in (root / "src/app.ts").read_text()


GO = {
    "go.mod": "module example.com/shop\n\ngo 1.21\n",
    "pricing/pricing.go": "package pricing\n\n// Apply applies the discount.\nfunc Apply(p float64) float64 {\n\treturn p * 0.9\n}\n",
    "pricing/tax.go": "package pricing\n\nfunc WithTax(p float64) float64 {\n\treturn Apply(p) * 1.2\n}\n",
    "main.go": ("package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/shop/pricing\"\n)\n\n"
                "func main() {\n\tfmt.Println(pricing.Apply(10), pricing.WithTax(1))\n}\n"),
}


async def test_go_rename_reaches_the_same_package_and_importers():
    async with workspace(GO) as (client, root):
        nodes, edges = await graph(client)
        pricing = root / "pricing/pricing.go"
        line, col = position_of(pricing, "Apply(p")
        edit = await rename(client, pricing, line, col, "Discount")
        assert edited_texts(edit) == {"pricing.go": ["Discount"], "tax.go": ["Discount"], "main.go": ["Discount"]}
        await check_after(client, root, edit, "Apply", "Discount", nodes, edges)


RUST = {
    "Cargo.toml": "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n",
    "src/main.rs": ("mod shapes;\n\nuse crate::shapes::area;\n\n"
                    "fn main() {\n    let r = 2.0;\n    println!(\"{} {}\", area(r), shapes::area(r));\n}\n"),
    "src/shapes.rs": "pub fn area(r: f64) -> f64 {\n    r * r\n}\n",
}


async def test_rust_rename_updates_use_paths():
    async with workspace(RUST) as (client, root):
        nodes, edges = await graph(client)
        main = root / "src/main.rs"
        line, col = position_of(main, "area(r)")
        edit = await rename(client, main, line, col, "surface")
        assert edited_texts(edit) == {"main.rs": ["surface"] * 3, "shapes.rs": ["surface"]}
        await check_after(client, root, edit, "area", "surface", nodes, edges)
        assert "use crate::shapes::surface;" in main.read_text()
        with pytest.raises(JsonRpcException) as error:
            await rename(client, main, line, col, "fn")
        assert error.value.code == -32602 and "Rust" in error.value.message
        await request(client, "quorum/status")


async def test_renaming_a_module_name_moves_its_file_and_fixes_every_import():
    for files, rel, needle, new_name, new_rel, checks in [
        (PYTHON, "app/main.py", "pricing", "prices", "app/prices.py",
         {"app/main.py": "from .prices import apply_discount, Cart\n", "app/report.py": "from app import prices\n"}),
        (RUST, "src/main.rs", "shapes", "geometry", "src/geometry.rs",
         {"src/main.rs": "mod geometry;\n\nuse crate::geometry::area;\n"}),
    ]:
        async with workspace(files) as (client, root):
            nodes, edges = await graph(client)
            path = root / rel
            line, col = position_of(path, needle)
            edit = await rename(client, path, line, col, new_name)
            moves = [(c["oldUri"], c["newUri"]) for c in edit["documentChanges"] if c.get("kind") == "rename"]
            old_rel = next(n for n in nodes if n.endswith("/" + needle + (".py" if rel.endswith(".py") else ".rs")))
            assert moves == [(uri(root / old_rel), uri(root / new_rel))]
            assert edit["documentChanges"][-1].get("kind") == "rename", "the move comes after the edits of the old file"
            reindex(client, apply_edit(edit))
            assert all(n == 0 for n in parse_errors(root).values()), parse_errors(root)
            after_nodes, after_edges = await graph(client)
            fix = lambda n: new_rel if n == old_rel else n  # noqa: E731
            assert after_nodes == {fix(n) for n in nodes} and after_edges == {(fix(a), fix(b)) for a, b in edges}
            for f, start in checks.items():
                assert (root / f).read_text().startswith(start), (root / f).read_text()
            if rel.endswith(".py"):
                assert "prices.apply_discount(price, prices.TAX)" in (root / "app/report.py").read_text()
