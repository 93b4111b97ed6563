"""The workspace index through LSP on a Go module (imports by go.mod module path, external fmt, no cycle: Go
forbids them) and a Rust crate (`mod` declarations, `use crate::…`, a cycle geometry.rs <-> report.rs, external
serde)."""

import pytest
import pytest_asyncio

from index_projects import GO, RUST
from indexkit import Project, Session

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def started(files, suffix):
    project = Project(files)
    async with Session.start(project) as session:
        for rel in files:
            if rel.endswith(suffix):
                session.open(rel)
        yield session
    project.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def go():
    async for s in started(GO, ".go"):
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rs():
    async for s in started(RUST, ".rs"):
        yield s


# Go

async def test_go_outlines(go):
    assert (await go.status())["indexedFiles"] == 3
    assert await go.outline("main.go") == ["Function main"]
    # Methods are top-level in Go source (their receiver names the type), and so in the outline.
    assert await go.outline("cart/cart.go") == ["Struct Cart", "  Field Items", "Function New", "Method Add", "Method Total"]
    assert await go.outline("pricing/pricing.go") == ["Struct Price", "  Field Cents", "Function Sum"]


async def test_go_definition_references_symbols_highlights(go):
    assert await go.definition("main.go", "New()") == [go.span("cart/cart.go", "New")]
    assert await go.definition("main.go", "Total()") == [go.span("cart/cart.go", "Total")]
    assert await go.definition("main.go", "Price{") == [go.span("pricing/pricing.go", "Price")]
    assert await go.definition("cart/cart.go", "Sum(") == [go.span("pricing/pricing.go", "Sum")]
    uses = sorted([go.span("cart/cart.go", "Price", 0), go.span("cart/cart.go", "Price", 1),
                   go.span("main.go", "Price"), go.span("pricing/pricing.go", "Price", 1)])
    assert await go.references("pricing/pricing.go", "Price", include_declaration=False) == uses
    assert await go.references("pricing/pricing.go", "Price", include_declaration=True) == sorted(
        uses + [go.span("pricing/pricing.go", "Price", 0)])
    assert await go.workspace_symbols("C") == [
        "Cart Struct cart/cart.go", "Cents Field pricing/pricing.go", "Price Struct pricing/pricing.go"]
    assert await go.highlights("pricing/pricing.go", "total") == ["11:8-11:13 read", "7:1-7:6 read", "9:2-9:7 read"]


async def test_go_call_hierarchy_and_links(go):
    assert await go.incoming("pricing/pricing.go", "Sum") == ["Total cart/cart.go 17:16-17:19"]
    assert await go.incoming("cart/cart.go", "Total") == ["main main.go 12:15-12:20"]
    assert await go.outgoing("main.go", "main") == [
        "Add cart/cart.go 11:3-11:6", "New cart/cart.go 10:11-10:14", "Total cart/cart.go 12:15-12:20"]
    assert await go.links("main.go") == ["5:2-5:23 -> cart/cart.go", "6:2-6:26 -> pricing/pricing.go"]
    assert await go.links("cart/cart.go") == ["2:8-2:32 -> pricing/pricing.go"]


async def test_go_graph(go):
    assert await go.dependencies("main.go") == ["cart/cart.go 1", "ext:fmt 1", "pricing/pricing.go 1"]
    assert await go.dependencies("cart/cart.go", transitive=True) == ["pricing/pricing.go 1"]
    assert await go.dependents("pricing/pricing.go", transitive=True) == ["cart/cart.go 1", "main.go 1"]
    assert await go.dependents("ext:fmt") == ["main.go 1"]
    assert await go.cycles() == []
    assert await go.path("main.go", "pricing/pricing.go") == ["main.go", "pricing/pricing.go"]
    nodes, edges = await go.graph()
    assert nodes == ["external fmt", "file cart/cart.go", "file main.go", "file pricing/pricing.go"]
    assert edges == ["cart/cart.go -> pricing/pricing.go", "main.go -> cart/cart.go", "main.go -> fmt",
                     "main.go -> pricing/pricing.go"]


# Rust

async def test_rust_outlines(rs):
    assert (await rs.status())["indexedFiles"] == 3
    assert await rs.outline("src/main.rs") == ["Module geometry", "Module report", "Function main"]
    # Methods of an `impl` block follow the struct (the impl itself is not a symbol).
    assert await rs.outline("src/geometry.rs") == ["Struct Circle", "  Field r", "Method new", "Method area", "Method label"]
    assert await rs.outline("src/report.rs") == ["Function describe"]


async def test_rust_definition_references_symbols_highlights(rs):
    assert await rs.definition("src/main.rs", "new(2.0)") == [rs.span("src/geometry.rs", "new")]
    assert await rs.definition("src/main.rs", "Circle::new") == [rs.span("src/geometry.rs", "Circle", 0)]
    assert await rs.definition("src/geometry.rs", "describe(self)") == [rs.span("src/report.rs", "describe")]
    assert await rs.definition("src/report.rs", "Circle) ->") == [rs.span("src/geometry.rs", "Circle", 0)]
    # Path segments are uses: `Circle::new(2.0)` and the names brought in by `use crate::geometry::Circle;`.
    uses = sorted([rs.span("src/main.rs", "Circle", 0), rs.span("src/main.rs", "Circle", 1),
                   rs.span("src/geometry.rs", "Circle", 1), rs.span("src/geometry.rs", "Circle", 2),
                   rs.span("src/report.rs", "Circle", 0), rs.span("src/report.rs", "Circle", 1)])
    assert await rs.references("src/geometry.rs", "Circle {", include_declaration=False) == uses
    assert await rs.references("src/geometry.rs", "Circle {", include_declaration=True) == sorted(
        uses + [rs.span("src/geometry.rs", "Circle", 0)])
    assert await rs.workspace_symbols("de") == ["describe Function src/report.rs"]
    assert await rs.workspace_symbols("area") == ["area Method src/geometry.rs"]
    assert await rs.highlights("src/geometry.rs", "describe") == ["0:19-0:27 read", "16:8-16:16 read"]


async def test_rust_call_hierarchy_and_links(rs):
    # FIXME: calls inside macro arguments (`println!("{}", report::describe(&c))`) are token trees to tree-sitter,
    # so main's call of describe is not seen. Asserted as today. A query cannot catch them without false calls:
    # `(token_tree (identifier) @name . (token_tree "("))` also matches `a * (b + c)` and `|x| (x, 1)`, because
    # an anchor constrains named siblings only and the operators between the name and the group are not named
    # nodes; it would also match `fn helper(x: u32)` inside item macros. A fix needs the macro's arguments parsed as expressions (an
    # injection that re-parses the token tree), not a pattern.
    assert await rs.incoming("src/report.rs", "describe") == ["label src/geometry.rs 16:8-16:16"]
    assert await rs.outgoing("src/geometry.rs", "label") == ["describe src/report.rs 16:8-16:16"]
    assert await rs.outgoing("src/main.rs", "main") == ["new src/geometry.rs 7:20-7:23"]
    assert await rs.links("src/main.rs") == ["0:4-0:12 -> src/geometry.rs", "1:4-1:10 -> src/report.rs",
                                             "3:4-3:27 -> src/geometry.rs"]
    assert await rs.links("src/report.rs") == ["0:4-0:27 -> src/geometry.rs"]


async def test_rust_graph(rs):
    assert await rs.dependencies("src/main.rs") == ["ext:serde 1", "src/geometry.rs 1", "src/report.rs 1"]
    assert await rs.dependencies("src/report.rs", transitive=True) == ["src/geometry.rs 1"]
    assert await rs.dependents("src/report.rs", transitive=True) == ["src/geometry.rs 1", "src/main.rs 1"]
    assert await rs.dependents("ext:serde") == ["src/main.rs 1"]
    assert await rs.cycles() == [["src/geometry.rs", "src/report.rs"]]
    assert await rs.path("src/main.rs", "src/report.rs") == ["src/main.rs", "src/report.rs"]
    nodes, edges = await rs.graph()
    assert nodes == ["external serde", "file src/geometry.rs", "file src/main.rs", "file src/report.rs"]
    assert edges == ["src/geometry.rs -> src/report.rs", "src/main.rs -> serde", "src/main.rs -> src/geometry.rs",
                     "src/main.rs -> src/report.rs", "src/report.rs -> src/geometry.rs"]
