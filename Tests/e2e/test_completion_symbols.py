"""textDocument/completion's symbol candidates from the index (members of the receiver, names in scope,
importable symbols with the import as an additional edit), and a remote engine that is down: completions
degrade to symbol-only with one message, not one per keystroke."""

import socket

from conftest import as_plain
from indexkit import Project, Session, lsp

FILES = {
    "shop/__init__.py": "",
    "shop/models.py": (
        "class Cart:\n"
        "    def add_item(self, item):\n        self.items.append(item)\n\n"
        "    def subtotal(self):\n        return 0\n"),
    "shop/pricing.py": "def apply_discount(total, percent):\n    return total - total * percent // 100\n",
    "shop/main.py": "from shop.models import Cart\n\n\ndef run():\n    cart = Cart()\n    cart.\n",
}


def end_of_line(text: str, needle: str) -> dict:
    before = text[: text.index(needle) + len(needle)]
    lines = before.split("\n")
    return {"line": len(lines) - 1, "character": len(lines[-1])}


async def complete(s: Session, rel: str, position: dict) -> list[dict]:
    result = as_plain(await lsp(s.client, "textDocument/completion", {"textDocument": s.doc(rel), "position": position}))
    return result["items"] if isinstance(result, dict) else result


async def test_members_of_a_variable_whose_class_the_file_states():
    p = Project(FILES)
    try:
        async with Session.start(p) as s:
            text = p.text("shop/main.py")
            s.open("shop/main.py", text)
            items = await complete(s, "shop/main.py", end_of_line(text, "cart."))
            labels = [i["label"] for i in items]
            assert labels[:2] == ["add_item", "subtotal"], labels
            assert all(i["detail"] == "shop/models.py" for i in items[:2])
    finally:
        p.cleanup()


async def test_names_in_scope_and_importable_symbols_with_their_import():
    files = dict(FILES)
    files["shop/main.py"] = "from shop.models import Cart\n\n\ndef run():\n    total = ap\n"
    p = Project(files)
    try:
        async with Session.start(p) as s:
            text = p.text("shop/main.py")
            s.open("shop/main.py", text)
            items = await complete(s, "shop/main.py", end_of_line(text, "= ap"))
            found = {i["label"]: i for i in items}
            assert "apply_discount" in found, list(found)
            item = found["apply_discount"]
            assert item["detail"] == "import from shop/pricing.py"
            # The import goes after the existing import line.
            assert item["additionalTextEdits"] == [{
                "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                "newText": "from shop.pricing import apply_discount\n"}]
            # The word being typed is replaced, not appended to.
            assert item["textEdit"]["range"]["start"] == {"line": 4, "character": 12}
            scope = await complete(s, "shop/main.py", {"line": 4, "character": 12})
            assert "run" in [i["label"] for i in scope] and "Cart" in [i["label"] for i in scope]
    finally:
        p.cleanup()


async def test_a_dead_completion_server_degrades_to_symbols_with_one_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    files = dict(FILES)
    files["shop/main.py"] = "from shop.models import Cart\n\n\ndef run():\n    cart = Cart()\n    cart.\n"
    p = Project(files)
    try:
        async with Session.start(p, {"engine": {"url": f"http://127.0.0.1:{port}", "timeout": 2}}) as s:
            text = p.text("shop/main.py")
            s.open("shop/main.py", text)
            for _ in range(3):
                items = await complete(s, "shop/main.py", end_of_line(text, "cart."))
                assert [i["label"] for i in items][:2] == ["add_item", "subtotal"]
                inline = as_plain(await lsp(s.client, "textDocument/inlineCompletion", {
                    "textDocument": s.doc("shop/main.py"), "position": end_of_line(text, "cart."),
                    "context": {"triggerKind": 2}}))
                assert inline["items"] == []
            unavailable = [m.message for m in s.client.messages if "model completions are unavailable" in m.message]
            assert len(unavailable) == 1, [m.message for m in s.client.messages]
            assert f"127.0.0.1:{port}" in unavailable[0]
            stats = as_plain(await lsp(s.client, "quorum/stats", {}))
            assert stats["backend"] == "remote" and stats["backendHealth"]["state"] == "degraded"
    finally:
        p.cleanup()
