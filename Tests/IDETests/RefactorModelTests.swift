import Foundation
import IDE
import Syntax
import Workspace
import XCTest

/// Model actions: plans, and the parse check on what the model wrote.
final class RefactorModelTests: RefactorTestCase {
    // MARK: Model actions (the model's text is given; the backend is exercised end to end in Tests/e2e)

    func testModelTextIsOfferedOnlyWhenItParses() throws {
        let f = try NavigationFixture(["shop.py": "def discount(price, rate):\n    \"\"\"Price after a discount of `rate`.\"\"\"\n    pass\n"])
        let at = try bytes(f, "shop.py", "pass").lowerBound
        XCTAssertEqual(ModelActions.offers(index: f.index, path: f.path("shop.py"), selection: at..<at).map(\.id),
                       [ModelActions.implement, ModelActions.unitTest])
        let plan = try ModelActions.plan(index: f.index, path: f.path("shop.py"), selection: at..<at, id: ModelActions.implement)
        XCTAssertTrue(plan.promptPrefix.hasSuffix("\"\"\"Price after a discount of `rate`.\"\"\"\n    "))
        let good = try ModelActions.edit(plan: plan, raw: "return price * (1 - rate)\n\ndef unrelated():\n    pass\n",
                                         registry: f.index.registry)
        XCTAssertEqual(try applied(good, f, "shop.py"),
                       "def discount(price, rate):\n    \"\"\"Price after a discount of `rate`.\"\"\"\n    return price * (1 - rate)\n")
        XCTAssertThrowsError(try ModelActions.edit(plan: plan, raw: "return price * (1 - \n", registry: f.index.registry)) {
            XCTAssertEqual(($0 as? RefactorError)?.description.contains("does not parse"), true)
        }
        let test = try ModelActions.plan(index: f.index, path: f.path("shop.py"), selection: at..<at, id: ModelActions.unitTest)
        XCTAssertEqual(test.path, f.path("test_shop.py"))
        XCTAssertTrue(test.createsFile)
        let written = try ModelActions.edit(plan: test, raw: "assert discount(10, 0.5) == 5\n", registry: f.index.registry)
        XCTAssertEqual(written.creates, [f.path("test_shop.py")])
        XCTAssertEqual(written.allEdits.first?.newText,
                       "from shop import discount\n\n\ndef test_discount():\n    assert discount(10, 0.5) == 5\n")
    }
}
