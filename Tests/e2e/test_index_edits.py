"""The index follows the editor and the disk: edits are visible to the next request, deleted files leave the graph,
files with syntax errors are indexed, and positions are UTF-16 with non-ASCII text on the line."""

import os

import pytest
from pygls.exceptions import JsonRpcException
from lsprotocol import types

from conftest import as_plain, request
from indexkit import Project, Session, lsp, utf16_len

FILES = {
    "app.py": "from util import helper\nimport gone\n\n\ndef main():\n    return helper(1)\n",
    "util.py": "def helper(x):\n    return x + 1\n",
    "gone.py": "def vanish():\n    pass\n",
}


@pytest.fixture
def project():
    p = Project(FILES)
    yield p
    p.cleanup()


async def test_a_function_added_by_did_change_is_visible_right_after(project):
    async with Session.start(project) as s:
        s.open("util.py")
        assert await s.outline("util.py") == ["Function helper"]
        text = project.text("util.py")
        end = types.Position(line=text.count("\n"), character=0)
        s.insert("util.py", 2, end, "\n\ndef added_helper(y):\n    return helper(y) * 2\n")
        s.insert("util.py", 3, types.Position(line=0, character=0), "import os\n")
        # No waiting: the edits were sent before these requests, so they see them.
        assert await s.outline("util.py") == ["Function helper", "Function added_helper"]
        assert await s.workspace_symbols("added_helper") == ["added_helper Function util.py"]
        assert (await s.outline_ranges("util.py"))["added_helper"] == "5:4-5:16"
        s.open("app.py")
        assert await s.definition("app.py", "helper(1)") == ["util.py:1:4-1:10"]
        assert await s.incoming("util.py", "helper") == [
            "added_helper util.py 6:11-6:17", "main app.py 5:11-5:17"]
        nodes, edges = await s.graph()
        assert "util.py -> os" in edges
        # The server times each re-index of an open document (the index benchmark's < 20 ms target is stated for it).
        stats = as_plain(await request(s.client, "quorum/stats", {}))
        reindex = stats["reindex"]
        assert reindex["count"] == 2 and len(reindex["recentMs"]) == 2
        assert 0 < reindex["p50Ms"] <= reindex["p99Ms"] == max(reindex["recentMs"])


async def test_a_file_deleted_on_disk_leaves_the_graph(project):
    async with Session.start(project) as s:
        nodes, edges = await s.graph()
        assert nodes == ["file app.py", "file gone.py", "file util.py"]
        assert edges == ["app.py -> gone.py", "app.py -> util.py"]
        os.remove(project.root / "gone.py")
        s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=project.uri("gone.py"), type=types.FileChangeType.Deleted)]))
        nodes, edges = await s.graph()
        # The import that named the deleted file now points at an external module.
        assert nodes == ["external gone", "file app.py", "file util.py"]
        assert edges == ["app.py -> gone", "app.py -> util.py"]
        assert await s.workspace_symbols("vanish") == []
        assert await s.dependents("util.py") == ["app.py 1"]


async def test_a_file_with_syntax_errors_is_still_indexed(project):
    project.write("broken.py", "from util import helper\n\n\ndef fine():\n    return helper(2)\n\n\n"
                               "def broken(:\n    pass\n\n\nclass Kept:\n    def method(self):\n        return 1\n")
    async with Session.start(project) as s:
        s.open("broken.py")
        assert await s.outline("broken.py") == ["Function fine", "Function broken", "Class Kept", "  Method method"]
        assert await s.workspace_symbols("Kept") == ["Kept Class broken.py"]
        assert await s.dependencies("broken.py") == ["util.py 1"]
        s.open("util.py")
        # The names in `from util import helper` are uses too.
        assert await s.references("util.py", "helper", include_declaration=False) == [
            "app.py:0:17-0:23", "app.py:5:11-5:17", "broken.py:0:17-0:23", "broken.py:4:11-4:17"]


async def test_positions_are_utf16_with_non_ascii_text_on_the_line(project):
    line = 'grüße = "Grüße 😀 ünïcode"; value = helper(grüße)'
    project.write("intl.py", f"from util import helper\n\n{line}\n")
    async with Session.start(project) as s:
        s.open("intl.py")
        s.open("util.py")
        column = utf16_len(line[:line.index("helper")])
        assert column == 36  # the emoji is two UTF-16 units: 35 characters, 36 units
        at = {"line": 2, "character": column + 2}
        found = as_plain(await lsp(s.client, "textDocument/definition", {"textDocument": s.doc("intl.py"), "position": at}))
        assert [s.loc(x) for x in found] == ["util.py:0:4-0:10"]
        assert await s.highlights("intl.py", "helper", nth=1) == ["0:17-0:23 read", f"2:{column}-2:{column + 6} read"]
        assert await s.references("util.py", "helper", include_declaration=False) == [
            "app.py:0:17-0:23", "app.py:5:11-5:17", "intl.py:0:17-0:23", f"intl.py:2:{column}-2:{column + 6}"]
        # The variable's occurrences after the emoji on the same line are in UTF-16 units too.
        g = utf16_len(line[:line.index("grüße)")])
        assert f"2:{g}-2:{g + 5}" in " ".join(await s.highlights("intl.py", "grüße"))


async def test_closing_an_edited_document_brings_back_the_file_on_disk(project):
    async with Session.start(project) as s:
        s.open("util.py")
        s.insert("util.py", 2, types.Position(line=2, character=0), "\n\ndef unsaved(z):\n    return z\n")
        assert await s.workspace_symbols("unsaved") == ["unsaved Function util.py"]
        s.close("util.py")
        assert await s.workspace_symbols("unsaved") == []
        assert await s.workspace_symbols("helper") == ["helper Function util.py"]


async def test_a_file_created_on_disk_joins_the_graph(project):
    async with Session.start(project) as s:
        project.write("extra.py", "from util import helper\n\n\ndef extra():\n    return helper(3)\n")
        project.write("app.py", project.text("app.py") + "import extra\n")
        s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=project.uri("extra.py"), type=types.FileChangeType.Created),
            types.FileEvent(uri=project.uri("app.py"), type=types.FileChangeType.Changed)]))
        nodes, edges = await s.graph()
        assert nodes == ["file app.py", "file extra.py", "file gone.py", "file util.py"]
        assert edges == ["app.py -> extra.py", "app.py -> gone.py", "app.py -> util.py", "extra.py -> util.py"]
        assert await s.workspace_symbols("extra") == ["extra Function extra.py"]
        assert await s.dependents("util.py") == ["app.py 1", "extra.py 1"]


async def test_an_import_of_a_file_created_later_stops_being_external(project):
    project.write("late_user.py", "import late\n\n\ndef use():\n    return late.value()\n")
    async with Session.start(project) as s:
        assert "external late" in (await s.graph())[0]
        project.write("late.py", "def value():\n    return 1\n")
        s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=project.uri("late.py"), type=types.FileChangeType.Created)]))
        nodes, edges = await s.graph()
        assert "late_user.py -> late.py" in edges and "external late" not in nodes
        assert await s.dependencies("late_user.py") == ["late.py 1"]


async def test_a_workspace_folder_added_later_is_indexed(project):
    other = Project({"lib/tools.py": "def tool():\n    return 2\n"})
    try:
        async with Session.start(project) as s:
            assert (await s.status())["indexedFiles"] == 3
            s.client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=other.root.as_uri(), name="other")], removed=[])))
            status = await s.wait_for_index()
            assert status["indexedFiles"] == 4
            found = await s.workspace_symbols("tool")
            assert len(found) == 1 and found[0].startswith("tool Function ") and found[0].endswith("lib/tools.py")
    finally:
        other.cleanup()


async def test_one_did_change_with_several_changes_applies_them_in_order(project):
    async with Session.start(project) as s:
        s.open("util.py")
        s.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=project.uri("util.py"), version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
                    text="class First:\n    pass\n\n\n"),
                # Positions of the second change are in the text after the first one.
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=4, character=4), end=types.Position(line=4, character=10)),
                    text="renamed"),
            ]))
        assert await s.outline("util.py") == ["Class First", "Function renamed"]
        assert (await s.outline_ranges("util.py"))["renamed"] == "4:4-4:11"
        assert await s.workspace_symbols("helper") == []


async def test_locations_in_files_not_open_are_utf16_too(project):
    line = 'naïve = "日本語 😀"; helper(naïve)'
    project.write("far.py", f"from util import helper\n{line}\n")
    async with Session.start(project) as s:
        s.open("util.py")  # far.py stays closed: its positions come from the file on disk
        column = utf16_len(line[:line.index("helper")])
        assert column == 18  # the emoji is two units
        assert await s.references("util.py", "helper", include_declaration=False) == [
            "app.py:0:17-0:23", "app.py:5:11-5:17", "far.py:0:17-0:23", f"far.py:1:{column}-1:{column + 6}"]


async def test_utf8_position_encoding_when_the_client_prefers_it(project):
    line = 'naïve = "日本語 😀"; helper(naïve)'
    project.write("far.py", f"from util import helper\n{line}\n")
    capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8]))
    async with Session.start(project, capabilities=capabilities) as s:
        assert (await s.status())["positionEncoding"] == "utf-8"
        s.open("util.py")
        column = len(line[:line.index("helper")].encode("utf-8"))
        assert column == 27  # ï is two bytes, each kanji three, the emoji four
        assert await s.references("util.py", "helper", include_declaration=False) == [
            "app.py:0:17-0:23", "app.py:5:11-5:17", "far.py:0:17-0:23", f"far.py:1:{column}-1:{column + 6}"]


async def test_a_document_outside_every_workspace_folder(project):
    outside = Project({"loose.py": "def loose():\n    return 1\n"})
    try:
        async with Session.start(project) as s:
            s.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
                uri=outside.uri("loose.py"), language_id="python", version=1, text=outside.text("loose.py"))))
            # FIXME: a file outside the workspace folders is not indexed, so an editor that opens one gets no
            # outline, links or definitions in it (no error either). Asserted as today.
            result = await lsp(s.client, "textDocument/documentSymbol", {"textDocument": {"uri": outside.uri("loose.py")}})
            assert result == []
            assert await s.workspace_symbols("loose") == []
    finally:
        outside.cleanup()


async def test_documents_opened_during_the_initial_scan_keep_their_buffer_text(project):
    many = {f"bulk/mod{i}.py": f"def f{i}():\n    return {i}\n" for i in range(200)}
    for rel, text in many.items():
        project.write(rel, text)
    async with Session.start(project, wait=False) as s:
        # Opened (with text that is not on disk) while the scan may still run: the editor's buffer wins.
        s.open("util.py", "def helper(x):\n    return x + 1\n\n\ndef buffered():\n    return 0\n")
        await s.wait_for_index()
        assert (await s.status())["indexedFiles"] == 203
        assert await s.outline("util.py") == ["Function helper", "Function buffered"]
        assert await s.workspace_symbols("buffered") == ["buffered Function util.py"]
        found = await s.workspace_symbols("f19")
        # The exact name, then the prefixes f190…f199, then the fuzzy matches f109…f189.
        assert [f.split()[0] for f in found] == ["f19"] + [f"f19{i}" for i in range(10)] + [f"f1{i}9" for i in range(9)]


async def test_a_call_hierarchy_item_survives_an_edit_that_moves_its_symbol(project):
    async with Session.start(project) as s:
        s.open("util.py")
        s.open("app.py")
        items = await s.prepare_calls("util.py", "helper")
        assert [i["name"] for i in items] == ["helper"]
        # A new function above it: the item's row in the file's symbols now belongs to `first`.
        s.insert("util.py", 2, types.Position(line=0, character=0), "def first():\n    return helper(0)\n\n\n")
        calls = await lsp(s.client, "callHierarchy/incomingCalls", {"item": items[0]})
        assert sorted(f"{c['from']['name']} {s.project.rel(c['from']['uri'])}" for c in calls) == [
            "first util.py", "main app.py"]
        outgoing = await lsp(s.client, "callHierarchy/outgoingCalls", {"item": items[0]})
        assert outgoing == []
        # Once the function is gone, the item is refused with ContentModified.
        s.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=project.uri("util.py"), version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="def other():\n    return 2\n")]))
        with pytest.raises(JsonRpcException) as error:
            await lsp(s.client, "callHierarchy/incomingCalls", {"item": items[0]})
        assert error.value.code == -32801
