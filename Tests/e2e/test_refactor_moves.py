"""workspace/willRenameFiles through the real binary: moving files and folders in Python, TypeScript, Go and Rust
projects. The edit is applied, the files moved as an editor moves them, the workspace re-indexed; then every file
parses and the import graph is the one before with the moved nodes renamed."""

import pytest
from pygls.exceptions import JsonRpcException

from test_refactor_kit import apply_edit, graph, move_tree, parse_errors, raw, reindex, uri, workspace
from test_refactor_rename import GO, PYTHON, RUST, TYPESCRIPT


async def will_rename(client, pairs):
    return await raw(client, "workspace/willRenameFiles",
                     {"files": [{"oldUri": uri(old), "newUri": uri(new)} for old, new in pairs]})


async def move_and_check(client, root, old_rel: str, new_rel: str) -> dict:
    """Moves `old_rel` to `new_rel` through willRenameFiles and checks parses and the graph; returns the edit."""
    nodes, edges = await graph(client)
    old, new = root / old_rel, root / new_rel
    edit = await will_rename(client, [(old, new)])
    assert all("edits" in c for c in edit["documentChanges"]), "the editor moves the files; the edit only fixes imports"
    files = apply_edit(edit)
    moved = move_tree(old, new)
    reindex(client, {k: files[k] + moved[k] for k in files})

    def renamed(node: str) -> str:
        return new_rel + node[len(old_rel):] if node == old_rel or node.startswith(old_rel + "/") else node
    after_nodes, after_edges = await graph(client)
    assert after_nodes == {renamed(n) for n in nodes}
    assert after_edges == {(renamed(a), renamed(b)) for a, b in edges}
    assert all(n == 0 for n in parse_errors(root).values()), parse_errors(root)
    return edit


async def test_python_module_move_rewrites_relative_absolute_and_submodule_imports():
    async with workspace(PYTHON) as (client, root):
        await move_and_check(client, root, "app/pricing.py", "app/billing/prices.py")
        assert (root / "app/main.py").read_text().startswith("from .billing.prices import apply_discount, Cart\n")
        assert (root / "app/report.py").read_text() == (
            "from app.billing import prices\n\n\ndef report(price):\n    return prices.apply_discount(price, prices.TAX)\n")


async def test_typescript_file_move_keeps_relative_specifiers_relative():
    async with workspace(TYPESCRIPT) as (client, root):
        await move_and_check(client, root, "src/api.ts", "src/services/api.ts")
        assert "from './services/api';" in (root / "src/app.ts").read_text()
        assert "import * as api from './services/api';" in (root / "src/view.ts").read_text()


async def test_go_package_folder_move_changes_import_paths():
    async with workspace(GO) as (client, root):
        await move_and_check(client, root, "pricing", "internal/pricing")
        assert '"example.com/shop/internal/pricing"' in (root / "main.go").read_text()


async def test_rust_module_file_rename_renames_mod_and_use_paths():
    async with workspace(RUST) as (client, root):
        await move_and_check(client, root, "src/shapes.rs", "src/geometry.rs")
        text = (root / "src/main.rs").read_text()
        assert text.startswith("mod geometry;\n\nuse crate::geometry::area;\n") and "geometry::area(r)" in text


async def test_a_move_outside_the_workspace_is_refused_without_an_edit():
    async with workspace(PYTHON) as (client, root):
        with pytest.raises(JsonRpcException) as error:
            await will_rename(client, [(root / "app/main.py", root.parent / "elsewhere" / "main.py")])
        assert error.value.code == -32602 and "outside the workspace" in error.value.message
        assert (root / "app/main.py").read_text() == PYTHON["app/main.py"]
