"""The workspace index through LSP on a C project and a C++ one, both with include folders given by
compile_commands.json (-Iinclude), a header include cycle (guarded), and system headers as external nodes."""

import pytest
import pytest_asyncio

from index_projects import C, C_COMPILE_COMMANDS, CPP, CPP_COMPILE_COMMANDS, compile_commands
from indexkit import Project, Session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def started(files, commands):
    project = Project(files)
    compile_commands(project, commands)
    async with Session.start(project) as session:
        for rel in files:
            session.open(rel)
        yield session
    project.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def c():
    async for s in started(C, C_COMPILE_COMMANDS):
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cpp():
    async for s in started(CPP, CPP_COMPILE_COMMANDS):
        yield s


def at(location: str) -> str:
    """The range part of a location string."""
    return location.split(":", 1)[1]


# C

async def test_c_outlines(c):
    assert (await c.status())["indexedFiles"] == 4
    # Pointer fields count; `typedef struct List {…} List;` is one struct; include guards are no symbols.
    assert await c.outline("include/list.h") == [
        "Struct List", "  Field head", "  Field size", "Function list_push", "Function list_sum"]
    assert await c.outline("include/node.h") == ["Struct Node", "  Field value", "  Field next", "Function node_new"]
    assert await c.outline("src/list.c") == ["Function node_new", "Function list_push", "Function list_sum"]
    assert await c.outline("src/main.c") == ["Function main"]


async def test_c_definition_references_symbols_highlights(c):
    # From main.c the prototype in the included header is the nearest definition.
    assert await c.definition("src/main.c", "list_push(&list, 1)") == [c.span("include/list.h", "list_push")]
    # Inside list.c its own definition wins over the header's prototype.
    assert await c.definition("src/list.c", "node_new(value)") == [c.span("src/list.c", "node_new")]
    # `typedef struct List {…} List;` defines one struct, named by its tag.
    assert await c.definition("src/main.c", "List list") == ["include/list.h:4:15-4:19"]
    uses = [c.span("src/main.c", "list_sum")]
    assert await c.references("include/list.h", "list_sum", include_declaration=False) == uses
    assert await c.references("include/list.h", "list_sum", include_declaration=True) == sorted(
        uses + [c.span("include/list.h", "list_sum"), c.span("src/list.c", "list_sum")])
    # Case-insensitive and shorter names first among equal matches; the include guard LIST_H is no symbol.
    assert await c.workspace_symbols("list_") == [
        "list_sum Function include/list.h", "list_sum Function src/list.c",
        "list_push Function include/list.h", "list_push Function src/list.c"]
    assert await c.highlights("src/list.c", "total") == sorted(
        f"{at(c.span('src/list.c', 'total', i))} read" for i in range(3))


async def test_c_call_hierarchy_and_links(c):
    push = [at(c.span("src/main.c", "list_push", i)) for i in range(2)]
    assert await c.incoming("include/list.h", "list_push") == [f"main src/main.c {push[0]},{push[1]}"]
    assert await c.outgoing("src/main.c", "main") == [
        f"list_push include/list.h {push[0]},{push[1]}", f"list_sum include/list.h {at(c.span('src/main.c', 'list_sum'))}"]
    assert await c.incoming("src/list.c", "node_new") == [f"list_push src/list.c {at(c.span('src/list.c', 'node_new', 1))}"]
    assert await c.links("src/main.c") == ["1:9-1:17 -> include/list.h"]
    assert await c.links("include/list.h") == ["2:9-2:17 -> include/node.h"]


async def test_c_graph(c):
    assert await c.dependencies("src/main.c") == ["ext:stdio.h 1", "include/list.h 1"]
    assert await c.dependencies("src/main.c", transitive=True) == ["ext:stdio.h 1", "include/list.h 1", "include/node.h 2"]
    assert await c.dependents("include/node.h", transitive=True) == ["include/list.h 1", "src/list.c 2", "src/main.c 2"]
    assert await c.dependents("ext:stdlib.h") == ["src/list.c 1"]
    assert await c.cycles() == [["include/list.h", "include/node.h"]]
    assert await c.path("src/main.c", "include/node.h") == ["src/main.c", "include/list.h", "include/node.h"]
    nodes, edges = await c.graph()
    assert nodes == ["external stdio.h", "external stdlib.h", "file include/list.h", "file include/node.h",
                     "file src/list.c", "file src/main.c"]
    assert edges == ["include/list.h -> include/node.h", "include/node.h -> include/list.h", "src/list.c -> include/list.h",
                     "src/list.c -> stdlib.h", "src/main.c -> include/list.h", "src/main.c -> stdio.h"]


# C++

async def test_cpp_outlines(cpp):
    assert (await cpp.status())["indexedFiles"] == 4
    # The inline constructor `explicit Square(double side) : … {}` is a method of Square.
    assert await cpp.outline("include/geo/shape.hpp") == [
        "Module geo", "  Class Shape", "    Method area", "    Method draw",
        "  Class Square", "    Method Square", "    Method area", "    Field side_"]
    assert await cpp.outline("include/geo/canvas.hpp") == ["Module geo", "  Class Canvas", "    Method paint", "    Field output"]
    assert await cpp.outline("src/shape.cpp") == ["Module geo", "  Method draw", "  Method area"]
    assert await cpp.outline("src/main.cpp") == ["Function main"]


async def test_cpp_definition_references_symbols_highlights(cpp):
    assert await cpp.definition("src/main.cpp", "draw(canvas)") == [cpp.span("include/geo/shape.hpp", "draw")]
    assert await cpp.definition("src/shape.cpp", "paint(") == [cpp.span("include/geo/canvas.hpp", "paint")]
    assert await cpp.definition("src/main.cpp", "Canvas canvas") == [cpp.span("include/geo/canvas.hpp", "Canvas")]
    uses = [cpp.span("src/main.cpp", "area")]
    assert await cpp.references("include/geo/shape.hpp", "area", include_declaration=False) == uses
    assert await cpp.references("include/geo/shape.hpp", "area", include_declaration=True) == sorted(uses + [
        cpp.span("include/geo/shape.hpp", "area", 0), cpp.span("include/geo/shape.hpp", "area", 1),
        cpp.span("src/shape.cpp", "area")])
    assert await cpp.workspace_symbols("Can") == ["Canvas Class include/geo/canvas.hpp"]
    assert await cpp.highlights("src/shape.cpp", "side_") == sorted(
        f"{at(cpp.span('src/shape.cpp', 'side_', i))} read" for i in range(2))


async def test_cpp_call_hierarchy_and_links(cpp):
    assert await cpp.incoming("include/geo/canvas.hpp", "paint") == [
        f"draw src/shape.cpp {at(cpp.span('src/shape.cpp', 'paint'))}"]
    assert await cpp.outgoing("src/shape.cpp", "draw") == [
        f"paint include/geo/canvas.hpp {at(cpp.span('src/shape.cpp', 'paint'))}"]
    assert await cpp.links("src/main.cpp") == ["1:9-1:24 -> include/geo/shape.hpp"]
    assert await cpp.links("include/geo/canvas.hpp") == ["2:9-2:24 -> include/geo/shape.hpp"]


async def test_cpp_graph(cpp):
    assert await cpp.dependencies("src/main.cpp") == ["ext:iostream 1", "include/geo/shape.hpp 1"]
    assert await cpp.dependencies("src/main.cpp", transitive=True) == [
        "ext:iostream 1", "ext:string 3", "include/geo/canvas.hpp 2", "include/geo/shape.hpp 1"]
    assert await cpp.dependents("include/geo/canvas.hpp", transitive=True) == [
        "include/geo/shape.hpp 1", "src/main.cpp 2", "src/shape.cpp 2"]
    assert await cpp.cycles() == [["include/geo/canvas.hpp", "include/geo/shape.hpp"]]
    assert await cpp.path("src/main.cpp", "include/geo/canvas.hpp") == [
        "src/main.cpp", "include/geo/shape.hpp", "include/geo/canvas.hpp"]
    nodes, edges = await cpp.graph()
    assert nodes == ["external iostream", "external string", "file include/geo/canvas.hpp", "file include/geo/shape.hpp",
                     "file src/main.cpp", "file src/shape.cpp"]
    assert edges == ["include/geo/canvas.hpp -> include/geo/shape.hpp", "include/geo/canvas.hpp -> string",
                     "include/geo/shape.hpp -> include/geo/canvas.hpp", "src/main.cpp -> include/geo/shape.hpp",
                     "src/main.cpp -> iostream", "src/shape.cpp -> include/geo/shape.hpp"]
