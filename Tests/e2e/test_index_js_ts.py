"""The workspace index through LSP on a JavaScript project (ES imports with and without extension, require of a
folder's index.js, a cycle math.js <-> logger.js, external chalk) and a TypeScript one (tsconfig `paths` alias
@core/*, `import type`, a cycle shape.ts <-> registry.ts, external express)."""

import pytest
import pytest_asyncio

from index_projects import JAVASCRIPT, TYPESCRIPT
from indexkit import Project, Session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def started(files):
    project = Project(files)
    async with Session.start(project) as session:
        for rel in files:
            if rel.endswith((".js", ".ts")):
                session.open(rel)
        yield session
    project.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def js():
    async for s in started(JAVASCRIPT):
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def ts():
    async for s in started(TYPESCRIPT):
        yield s


# JavaScript

async def test_js_outlines(js):
    assert (await js.status())["indexedFiles"] == 4
    assert await js.outline("src/index.js") == ["Variable config", "Function main"]
    assert await js.outline("src/math.js") == ["Function add", "Function mul"]
    assert await js.outline("src/logger.js") == ["Variable count", "Function log"]
    assert await js.outline_ranges("src/math.js") == {"add": "2:16-2:19", "mul": "7:16-7:19"}


async def test_js_definition_references_symbols_highlights(js):
    assert await js.definition("src/index.js", "add(1") == ["src/math.js:2:16-2:19"]
    assert await js.definition("src/index.js", "mul(2") == ["src/math.js:7:16-7:19"]
    assert await js.definition("src/logger.js", "add(count") == ["src/math.js:2:16-2:19"]
    assert await js.definition("src/math.js", "log('add')") == ["src/logger.js:4:16-4:19"]
    # Named imports (`import { add } from './math.js'`) are uses too.
    uses = ["src/index.js:0:9-0:12", "src/index.js:5:16-5:19", "src/logger.js:0:9-0:12", "src/logger.js:5:10-5:13"]
    assert await js.references("src/math.js", "add", include_declaration=False) == uses
    assert await js.references("src/math.js", "add", include_declaration=True) == sorted(uses + ["src/math.js:2:16-2:19"])
    assert await js.workspace_symbols("m") == ["mul Function src/math.js", "main Function src/index.js"]
    assert await js.workspace_symbols("lg") == ["log Function src/logger.js"]
    assert await js.highlights("src/logger.js", "count") == [
        "2:4-2:9 write", "5:14-5:19 read", "5:2-5:7 read", "6:14-6:19 read"]


async def test_js_call_hierarchy_and_links(js):
    assert await js.incoming("src/math.js", "add") == ["log src/logger.js 5:10-5:13", "main src/index.js 5:16-5:19"]
    # `console.log(...)` calls the runtime, not the workspace's `log`: calls on the language's global objects are
    # not recorded (the index matches calls by name).
    assert await js.outgoing("src/index.js", "main") == ["add src/math.js 5:16-5:19", "mul src/math.js 5:23-5:26"]
    assert await js.links("src/index.js") == ["0:26-0:35 -> src/math.js", "2:24-2:32 -> src/config/index.js"]
    assert await js.links("src/math.js") == ["0:21-0:29 -> src/logger.js"]


async def test_js_graph(js):
    assert await js.dependencies("src/index.js") == ["ext:chalk 1", "src/config/index.js 1", "src/math.js 1"]
    assert await js.dependencies("src/index.js", transitive=True) == [
        "ext:chalk 1", "src/config/index.js 1", "src/logger.js 2", "src/math.js 1"]
    assert await js.dependents("src/math.js") == ["src/index.js 1", "src/logger.js 1"]
    assert await js.dependents("src/config/index.js", transitive=True) == ["src/index.js 1"]
    assert await js.dependents("ext:chalk") == ["src/index.js 1"]
    assert await js.cycles() == [["src/logger.js", "src/math.js"]]
    assert await js.path("src/index.js", "src/logger.js") == ["src/index.js", "src/math.js", "src/logger.js"]
    nodes, edges = await js.graph()
    assert nodes == ["external chalk", "file src/config/index.js", "file src/index.js", "file src/logger.js",
                     "file src/math.js"]
    assert edges == ["src/index.js -> chalk", "src/index.js -> src/config/index.js", "src/index.js -> src/math.js",
                     "src/logger.js -> src/math.js", "src/math.js -> src/logger.js"]


# TypeScript

async def test_ts_outlines(ts):
    assert (await ts.status())["indexedFiles"] == 3
    assert await ts.outline("src/core/shape.ts") == [
        "Interface Shape", "  Method area", "Class Square", "  Method constructor", "  Method area", "Function register"]
    assert await ts.outline("src/core/registry.ts") == [
        "Class Registry", "  Field items", "  Method add", "  Method total"]
    assert await ts.outline("src/app.ts") == ["Function build"]


async def test_ts_definition_through_the_paths_alias(ts):
    assert await ts.definition("src/app.ts", "register(registry") == ["src/core/shape.ts:14:16-14:24"]
    assert await ts.definition("src/app.ts", "Registry()") == ["src/core/registry.ts:2:13-2:21"]
    assert await ts.definition("src/app.ts", "total()") == ["src/core/registry.ts:9:2-9:7"]
    assert await ts.definition("src/core/registry.ts", "Shape[]") == ["src/core/shape.ts:2:17-2:22"]


async def test_ts_references_symbols_highlights(ts):
    # `import type { Shape } from './shape'` names it too.
    assert await ts.references("src/core/shape.ts", "Shape", include_declaration=False) == [
        "src/core/registry.ts:0:14-0:19", "src/core/registry.ts:3:17-3:22", "src/core/registry.ts:5:13-5:18", "src/core/shape.ts:6:31-6:36"]
    assert await ts.references("src/core/shape.ts", "Shape", include_declaration=True) == [
        "src/core/registry.ts:0:14-0:19", "src/core/registry.ts:3:17-3:22", "src/core/registry.ts:5:13-5:18", "src/core/shape.ts:2:17-2:22",
        "src/core/shape.ts:6:31-6:36"]
    assert await ts.workspace_symbols("Reg") == ["Registry Class src/core/registry.ts", "register Function src/core/shape.ts"]
    assert await ts.workspace_symbols("area") == ["area Method src/core/shape.ts", "area Method src/core/shape.ts"]
    assert await ts.highlights("src/core/shape.ts", "square", nth=0) == ["15:8-15:14 read", "16:15-16:21 read",
                                                                          "17:9-17:15 read"]


async def test_ts_call_hierarchy_and_links(ts):
    assert await ts.incoming("src/core/shape.ts", "register") == ["build src/app.ts 6:2-6:10"]
    assert await ts.outgoing("src/app.ts", "build") == [
        "Registry src/core/registry.ts 5:23-5:31", "register src/core/shape.ts 6:2-6:10",
        "total src/core/registry.ts 7:18-7:23"]
    assert await ts.links("src/app.ts") == ["0:26-0:37 -> src/core/shape.ts", "1:26-1:40 -> src/core/registry.ts"]


async def test_ts_graph(ts):
    assert await ts.dependencies("src/app.ts") == ["ext:express 1", "src/core/registry.ts 1", "src/core/shape.ts 1"]
    assert await ts.dependents("src/core/shape.ts") == ["src/app.ts 1", "src/core/registry.ts 1"]
    assert await ts.dependents("src/core/shape.ts", depth=5) == ["src/app.ts 1", "src/core/registry.ts 1"]
    assert await ts.cycles() == [["src/core/registry.ts", "src/core/shape.ts"]]
    assert await ts.path("src/app.ts", "src/core/shape.ts") == ["src/app.ts", "src/core/shape.ts"]
    nodes, edges = await ts.graph()
    assert nodes == ["external express", "file src/app.ts", "file src/core/registry.ts", "file src/core/shape.ts"]
    assert edges == ["src/app.ts -> express", "src/app.ts -> src/core/registry.ts", "src/app.ts -> src/core/shape.ts",
                     "src/core/registry.ts -> src/core/shape.ts", "src/core/shape.ts -> src/core/registry.ts"]
