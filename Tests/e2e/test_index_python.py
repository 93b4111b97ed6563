"""The workspace index through LSP on a Python project: packages, relative and absolute imports, an import
cycle (pkg/models.py <-> pkg/util.py) and an external import (requests)."""

import pytest
import pytest_asyncio
from pygls.exceptions import JsonRpcException

from index_projects import PYTHON
from conftest import as_plain, request
from indexkit import Project, Session

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def s():
    project = Project(PYTHON)
    async with Session.start(project) as session:
        for rel in PYTHON:
            session.open(rel)
        yield session
    project.cleanup()


async def test_initial_index_counts_every_file(s):
    assert (await s.status())["indexedFiles"] == 5


async def test_outlines(s):
    assert await s.outline("app.py") == ["Function main"]
    assert await s.outline("pkg/models.py") == ["Class User", "  Method __init__", "  Method slug"]
    assert await s.outline("pkg/util.py") == ["Function slugify", "Function shout"]
    assert await s.outline("pkg/__init__.py") == []
    assert await s.outline_ranges("pkg/models.py") == {"User": "3:6-3:10", "__init__": "4:8-4:16", "slug": "7:8-7:12"}


async def test_definition_across_files(s):
    assert await s.definition("app.py", "User(") == ["pkg/models.py:3:6-3:10"]
    assert await s.definition("app.py", "slugify") == ["pkg/util.py:3:4-3:11"]
    assert await s.definition("app.py", "slug()") == ["pkg/models.py:7:8-7:12"]
    assert await s.definition("pkg/models.py", "slugify(self") == ["pkg/util.py:3:4-3:11"]
    assert await s.definition("cli.py", "main()") == ["app.py:5:4-5:8"]
    # On a definition's own name: that definition.
    assert await s.definition("pkg/util.py", "slugify") == ["pkg/util.py:3:4-3:11"]


async def test_references_with_and_without_the_declaration(s):
    uses = ["app.py:7:15-7:22", "pkg/models.py:0:18-0:25", "pkg/models.py:8:15-8:22", "pkg/util.py:8:11-8:18"]
    assert await s.references("pkg/util.py", "slugify", include_declaration=False) == uses
    assert await s.references("pkg/util.py", "slugify", include_declaration=True) == sorted(uses + ["pkg/util.py:3:4-3:11"])
    # Names in import statements (`from .util import slugify`, `from pkg.models import User`) are references.
    assert await s.references("app.py", "User(", include_declaration=False) == ["app.py:0:23-0:27", "app.py:6:11-6:15"]


async def test_workspace_symbol_ranking(s):
    assert await s.workspace_symbols("slug") == ["slug Method pkg/models.py", "slugify Function pkg/util.py"]
    assert await s.workspace_symbols("User") == ["User Class pkg/models.py"]
    assert await s.workspace_symbols("sh") == ["shout Function pkg/util.py"]
    assert await s.workspace_symbols("") == []


async def test_document_highlight(s):
    assert await s.highlights("pkg/util.py", "slugify") == ["3:4-3:11 write", "8:11-8:18 read"]
    assert await s.highlights("app.py", "user", nth=0) == ["6:4-6:8 read", "7:23-7:27 read", "8:11-8:15 read"]


async def test_call_hierarchy(s):
    assert await s.incoming("pkg/util.py", "slugify") == [
        "main app.py 7:15-7:22", "shout pkg/util.py 8:11-8:18", "slug pkg/models.py 8:15-8:22"]
    assert await s.outgoing("app.py", "main") == [
        "User pkg/models.py 6:11-6:15", "slug pkg/models.py 8:16-8:20", "slugify pkg/util.py 7:15-7:22"]


async def test_document_links(s):
    assert await s.links("app.py") == ["0:5-0:15 -> pkg/models.py", "1:5-1:8 -> pkg/util.py"]
    assert await s.links("pkg/models.py") == ["0:5-0:10 -> pkg/util.py"]
    assert await s.links("cli.py") == ["0:5-0:8 -> app.py"]


async def test_dependencies_and_dependents(s):
    assert await s.dependencies("cli.py") == ["app.py 1"]
    assert await s.dependencies("cli.py", transitive=True) == [
        "app.py 1", "ext:requests 2", "pkg/models.py 2", "pkg/util.py 2"]
    assert await s.dependencies("cli.py", depth=1) == ["app.py 1"]
    assert await s.dependents("pkg/util.py") == ["app.py 1", "pkg/models.py 1"]
    assert await s.dependents("pkg/util.py", transitive=True) == ["app.py 1", "cli.py 2", "pkg/models.py 1"]
    assert await s.dependents("ext:requests") == ["app.py 1"]
    with pytest.raises(JsonRpcException) as error:
        await s.dependencies("cli.py", depth=0)
    assert error.value.code == -32602 and "depth" in str(error.value)
    assert await s.dependencies("no/such/file.py") == []


async def test_cycle_path_and_external_node(s):
    assert await s.cycles() == [["pkg/models.py", "pkg/util.py"]]
    assert await s.path("cli.py", "pkg/util.py") == ["cli.py", "app.py", "pkg/util.py"]
    assert await s.path("pkg/util.py", "cli.py") == []
    nodes, edges = await s.graph()
    assert nodes == ["external requests", "file app.py", "file cli.py", "file pkg/__init__.py", "file pkg/models.py",
                     "file pkg/util.py"]
    assert edges == ["app.py -> pkg/models.py", "app.py -> pkg/util.py", "app.py -> requests", "cli.py -> app.py",
                     "pkg/models.py -> pkg/util.py", "pkg/util.py -> pkg/models.py"]


async def test_rank_lists_the_files_and_symbols_closest_to_a_file(s):
    ranked = as_plain(await request(s.client, "quorum/rank", {"uri": s.project.uri("app.py"), "limit": 5}))
    assert [(r["kind"], s.project.rel("file://" + r["path"]), r.get("name")) for r in ranked] == [
        ("file", "pkg/models.py", None), ("file", "pkg/util.py", None), ("symbol", "pkg/util.py", "slugify"),
        ("symbol", "pkg/models.py", "slug"), ("symbol", "pkg/models.py", "User")]
    scores = [r["score"] for r in ranked]
    assert scores == sorted(scores, reverse=True) and all(0 < x < 1 for x in scores)
