"""The workspace index through LSP on a Java project (packages under src/main/java, a cycle Order <-> OrderService,
external org.slf4j) and a SwiftPM package (modules under Sources/<Module>, external Foundation; SwiftPM forbids
cycles between targets, so there is none)."""

import pytest
import pytest_asyncio

from index_projects import JAVA, JAVA_BASE, SWIFT
from indexkit import Project, Session

pytestmark = pytest.mark.asyncio(loop_scope="module")

APP = JAVA_BASE + "App.java"
ORDER = JAVA_BASE + "model/Order.java"
SERVICE = JAVA_BASE + "service/OrderService.java"
ITEM = "Sources/Model/Item.swift"
CART = "Sources/Shop/Cart.swift"
MAIN = "Sources/App/main.swift"


async def started(files):
    project = Project(files)
    async with Session.start(project) as session:
        for rel in files:
            session.open(rel)
        yield session
    project.cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def java():
    async for s in started(JAVA):
        yield s


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def swift():
    async for s in started(SWIFT):
        yield s


def at(location: str) -> str:
    return location.split(":", 1)[1]


# Java

async def test_java_outlines(java):
    assert (await java.status())["indexedFiles"] == 3
    assert await java.outline(APP) == ["Class App", "  Method main"]
    assert await java.outline(ORDER) == ["Class Order", "  Field item", "  Field price", "  Method Order", "  Method total"]
    assert await java.outline(SERVICE) == ["Class OrderService", "  Method create", "  Method withTax"]


async def test_java_definition_references_symbols_highlights(java):
    assert await java.definition(APP, "create(") == [java.span(SERVICE, "create")]
    assert await java.definition(APP, "total()") == [java.span(ORDER, "total")]
    assert await java.definition(ORDER, "withTax(") == [java.span(SERVICE, "withTax")]
    # The class and its constructor share the name.
    assert await java.definition(APP, "Order order") == [java.span(ORDER, "Order", 1), java.span(ORDER, "Order", 2)]
    assert await java.references(SERVICE, "withTax", include_declaration=False) == [java.span(ORDER, "withTax")]
    assert await java.references(SERVICE, "withTax", include_declaration=True) == sorted(
        [java.span(ORDER, "withTax"), java.span(SERVICE, "withTax")])
    assert await java.workspace_symbols("wt") == [f"withTax Method {SERVICE}"]
    assert await java.workspace_symbols("Order") == [
        f"Order Class {ORDER}", f"Order Method {ORDER}", f"OrderService Class {SERVICE}"]
    # Syntactic: every `price` in the file, the parameters of both methods alike.
    price = [at(java.span(SERVICE, "price", i)) for i in range(5)]
    assert await java.highlights(SERVICE, "price", 1) == sorted(f"{r} read" for r in price)


async def test_java_call_hierarchy_and_links(java):
    assert await java.incoming(SERVICE, "withTax") == [f"total {ORDER} {at(java.span(ORDER, 'withTax'))}"]
    assert await java.incoming(SERVICE, "create") == [f"main {APP} {at(java.span(APP, 'create'))}"]
    assert await java.outgoing(ORDER, "total") == [f"withTax {SERVICE} {at(java.span(ORDER, 'withTax'))}"]
    assert await java.links(APP) == [f"2:7-2:27 -> {ORDER}", f"3:7-3:36 -> {SERVICE}"]


async def test_java_graph(java):
    assert await java.dependencies(APP) == sorted([f"{ORDER} 1", f"{SERVICE} 1", "ext:org.slf4j 1"])
    assert await java.dependents(ORDER, transitive=True) == sorted([f"{APP} 1", f"{SERVICE} 1"])
    assert await java.dependents("ext:org.slf4j") == sorted([f"{APP} 1"])
    assert await java.cycles() == [[ORDER, SERVICE]]
    assert await java.path(APP, ORDER) == [APP, ORDER]
    nodes, edges = await java.graph()
    assert nodes == sorted(["external org.slf4j", f"file {APP}", f"file {ORDER}", f"file {SERVICE}"])
    assert edges == [f"{APP} -> org.slf4j", f"{APP} -> {ORDER}", f"{APP} -> {SERVICE}", f"{ORDER} -> {SERVICE}",
                     f"{SERVICE} -> {ORDER}"]


# Swift

async def test_swift_outlines(swift):
    assert (await swift.status())["indexedFiles"] == 4
    assert await swift.outline(ITEM) == ["Struct Item", "  Field name", "  Field price", "  Method init"]
    assert await swift.outline(CART) == ["Class Cart", "  Field items", "  Method init", "  Method add", "  Method total"]
    assert await swift.outline(MAIN) == ["Function run"]


async def test_swift_definition_references_symbols_highlights(swift):
    assert await swift.definition(MAIN, "Cart()") == [swift.span(CART, "Cart")]
    assert await swift.definition(MAIN, "add(") == [swift.span(CART, "add")]
    assert await swift.definition(MAIN, "Item(") == [swift.span(ITEM, "Item")]
    assert await swift.definition(MAIN, "total()") == [swift.span(CART, "total")]
    uses = sorted([swift.span(CART, "Item", 0), swift.span(CART, "Item", 1), swift.span(MAIN, "Item")])
    assert await swift.references(ITEM, "Item", include_declaration=False) == uses
    assert await swift.references(ITEM, "Item", include_declaration=True) == sorted(uses + [swift.span(ITEM, "Item")])
    assert await swift.workspace_symbols("item") == [f"Item Struct {ITEM}", f"items Field {CART}"]
    assert await swift.highlights(CART, "items") == sorted(
        [f"{at(swift.span(CART, 'items', 0))} write"] + [f"{at(swift.span(CART, 'items', i))} read" for i in (1, 2)])


async def test_swift_call_hierarchy_and_links(swift):
    assert await swift.incoming(CART, "total") == [f"run {MAIN} {at(swift.span(MAIN, 'total'))}"]
    assert await swift.outgoing(MAIN, "run") == [
        f"Cart {CART} {at(swift.span(MAIN, 'Cart'))}", f"Item {ITEM} {at(swift.span(MAIN, 'Item'))}",
        f"add {CART} {at(swift.span(MAIN, 'add'))}", f"total {CART} {at(swift.span(MAIN, 'total'))}"]
    assert await swift.links(MAIN) == [f"0:7-0:12 -> {ITEM}", f"1:7-1:11 -> {CART}"]
    assert await swift.links(CART) == [f"1:7-1:12 -> {ITEM}"]


async def test_swift_graph(swift):
    assert await swift.dependencies(MAIN) == sorted([f"{CART} 1", f"{ITEM} 1"])
    assert await swift.dependencies(MAIN, transitive=True) == sorted([f"{CART} 1", f"{ITEM} 1", "ext:Foundation 2"])
    assert await swift.dependents(ITEM, transitive=True) == sorted([f"{MAIN} 1", f"{CART} 1"])
    assert await swift.dependents("ext:Foundation") == sorted([f"{CART} 1"])
    assert await swift.cycles() == []
    assert await swift.path(MAIN, ITEM) == [MAIN, ITEM]
    nodes, edges = await swift.graph()  # both sorted
    assert nodes == sorted(["external Foundation", "external PackageDescription", "file Package.swift", f"file {MAIN}",
                     f"file {ITEM}", f"file {CART}"])
    assert edges == sorted(["Package.swift -> PackageDescription", f"{MAIN} -> {ITEM}", f"{MAIN} -> {CART}",
                     f"{CART} -> Foundation", f"{CART} -> {ITEM}"])
