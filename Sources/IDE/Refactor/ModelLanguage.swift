import Foundation
import Syntax
import Workspace

/// How the model actions work in one language: where a body, a docstring and a test go, and how to cut
/// the model's output there. One table entry per language.
struct ModelLanguage: Sendable {
    enum BodyStyle: Sendable { case indented, braces }
    enum DocStyle: Sendable { case pythonDocstring, blockComment, lineComment(String) }
    var body: BodyStyle
    var doc: DocStyle
    var testFile: @Sendable (_ index: Index, _ source: String) -> String
    /// The text opening a test of `function` in a test file (`existing`: the file is there already).
    var testHeader: @Sendable (_ index: Index, _ source: String, _ function: String, _ existing: Bool) -> String
    var testFooter: String

    static let table: [String: ModelLanguage] = {
        let python = ModelLanguage(
            body: .indented, doc: .pythonDocstring,
            testFile: { index, source in
                let dir = PathMath.dir(source), stem = PathMath.base(PathMath.stem(source))
                let root = index.roots.first { source.hasPrefix($0 + "/") } ?? dir
                let tests = root + "/tests"
                let inTests = FileManager.default.fileExists(atPath: tests)
                return (inTests ? tests : dir) + "/test_" + stem + ".py"
            },
            testHeader: { index, source, function, existing in
                let root = index.roots.first { source.hasPrefix($0 + "/") } ?? PathMath.dir(source)
                let module = (PathMath.below(root, PathMath.stem(source)) ?? [PathMath.base(PathMath.stem(source))]).joined(separator: ".")
                let head = existing ? "\n\n" : "from \(module) import \(function)\n\n\n"
                return head + "def test_\(function)():\n    "
            }, testFooter: "\n")
        let script = ModelLanguage(
            body: .braces, doc: .blockComment,
            testFile: { _, source in
                let ext = (source as NSString).pathExtension
                return PathMath.stem(source) + ".test." + (ext.isEmpty ? "ts" : ext)
            },
            testHeader: { _, source, function, existing in
                let head = existing ? "\n" : "import { \(function) } from './\(PathMath.base(PathMath.stem(source)))';\n\n"
                return head + "test('\(function)', () => {\n  "
            }, testFooter: "\n});\n")
        let go = ModelLanguage(
            body: .braces, doc: .lineComment("//"),
            testFile: { _, source in PathMath.stem(source) + "_test.go" },
            testHeader: { index, source, function, existing in
                let package = (index.syntaxTree(for: source)?.rootNode.namedChildren.first { $0.kind == "package_clause" }?
                    .namedChildren.first?.text) ?? "main"
                let name = function.prefix(1).uppercased() + function.dropFirst()
                let head = existing ? "\n" : "package \(package)\n\nimport \"testing\"\n\n"
                return head + "func Test\(name)(t *testing.T) {\n\t"
            }, testFooter: "\n}\n")
        let rust = ModelLanguage(
            body: .braces, doc: .lineComment("///"),
            testFile: { _, source in source },
            testHeader: { _, _, function, _ in
                "\n#[cfg(test)]\nmod test_\(function) {\n    use super::*;\n\n    #[test]\n    fn \(function)_works() {\n        "
            }, testFooter: "\n    }\n}\n")
        return ["python": python, "javascript": script, "typescript": script, "tsx": script, "go": go, "rust": rust]
    }()

    /// The body node of a function definition.
    func bodyNode(_ function: Node) -> Node? {
        function.child(byField: "body") ?? function.namedChildren.last { $0.kind == "block" || $0.kind == "statement_block" }
    }

    func implement(_ site: CodeActions.Site, _ function: Node, _ symbol: SymbolRow) throws -> ModelActions.Plan {
        guard let body = bodyNode(function) else {
            throw RefactorError.noSelection(what: "`\(symbol.name)` has no body to implement")
        }
        let source = site.source
        let indent = site.indentation(at: function.startByte)
        var replace: Range<Int>
        var lead = "", trail = ""
        var finish: @Sendable (String) -> String?
        switch self.body {
        case .indented:
            // Keep the docstring; replace the stub statements after it (`pass`, `...`, `raise NotImplementedError`).
            let statements = body.namedChildren
            let keep = statements.first.map { $0.kind == "expression_statement" && $0.namedChild(0)?.kind == "string" } == true ? 1 : 0
            let bodyIndent = site.indentation(at: body.startByte)
            if keep < statements.count {
                replace = statements[keep].startByte..<body.endByte
            } else {
                replace = body.endByte..<body.endByte
                lead = "\n" + bodyIndent
            }
            let minimum = bodyIndent.count
            finish = { [lead] raw in
                let text = ModelActions.cutAtDedent(raw, minimum: minimum)
                return text.isEmpty ? nil : lead + text
            }
        case .braces:
            replace = (body.startByte + 1)..<(body.endByte - 1)
            let inner = indent + (site.language == "go" ? "\t" : site.language == "rust" ? "    " : "  ")
            lead = "\n" + inner
            trail = "\n" + indent
            finish = { [lead, trail] raw in
                let text = ModelActions.cutAtClosingBrace(raw)
                return text.isEmpty ? nil : lead + text + trail
            }
        }
        let prefix = String(decoding: source[..<replace.lowerBound], as: UTF8.self) + lead
        let suffix = trail + String(decoding: source[replace.upperBound...], as: UTF8.self)
        return ModelActions.Plan(path: site.path, language: site.language, createsFile: false, original: source,
                                 replace: replace, promptPrefix: prefix, promptSuffix: suffix,
                                 stop: ["\n\n\n", "\ndef ", "\nclass ", "\nfunc ", "\nfn ", "\nfunction ", "\nexport "],
                                 maxTokens: 160, function: symbol.name, finish: finish)
    }

    func docstring(_ site: CodeActions.Site, _ function: Node, _ symbol: SymbolRow) throws -> ModelActions.Plan {
        let source = site.source
        // A declaration's comment goes above `export …` when the function is exported.
        let anchor = function.parent.map { $0.kind == "export_statement" || $0.kind == "decorated_definition" ? $0 : function } ?? function
        let indent = site.indentation(at: anchor.startByte)
        var at = anchor.startByte
        var open: String, finish: @Sendable (String) -> String?
        var stop: [String]
        switch doc {
        case .pythonDocstring:
            guard let body = bodyNode(function) else { throw RefactorError.noSelection(what: "`\(symbol.name)` has no body") }
            at = body.startByte
            let bodyIndent = site.indentation(at: body.startByte)
            open = "\"\"\""
            stop = ["\"\"\""]
            finish = { raw in
                let text = raw.components(separatedBy: "\"\"\"")[0].trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : "\"\"\"" + text + "\"\"\"\n" + bodyIndent
            }
        case .blockComment:
            open = "/**\n" + indent + " * "
            stop = ["*/"]
            finish = { raw in
                let lines = raw.components(separatedBy: "*/")[0].split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.map { $0.hasPrefix("*") ? String($0.dropFirst()).trimmingCharacters(in: .whitespaces) : $0 }
                    .filter { !$0.isEmpty }
                return lines.isEmpty ? nil : "/**\n" + lines.map { indent + " * " + $0 + "\n" }.joined() + indent + " */\n" + indent
            }
        case .lineComment(let marker):
            let lead = marker == "//" ? "// \(symbol.name) " : "/// "
            open = lead
            stop = ["\n"]
            finish = { raw in
                let line = raw.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
                return line.isEmpty ? nil : lead + line + "\n" + indent
            }
        }
        return ModelActions.Plan(path: site.path, language: site.language, createsFile: false, original: source,
                                 replace: at..<at, promptPrefix: String(decoding: source[..<at], as: UTF8.self) + open,
                                 promptSuffix: String(decoding: source[at...], as: UTF8.self), stop: stop, maxTokens: 96,
                                 function: symbol.name, finish: finish)
    }

    func unitTest(_ index: Index, _ site: CodeActions.Site, _ function: Node, _ symbol: SymbolRow) throws -> ModelActions.Plan {
        let path = testFile(index, site.path)
        let existing = FileManager.default.fileExists(atPath: path)
        // The test goes into the function's own file (Rust) as the editor has it, or into a file of its own.
        let original = path == site.path ? site.source
            : existing ? ((try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []) : []
        let header = testHeader(index, site.path, symbol.name, existing)
        let footer = testFooter
        let braces = body == .braces
        let finish: @Sendable (String) -> String? = { raw in
            let text = braces ? ModelActions.cutAtClosingBrace(raw) : ModelActions.cutAtDedent(raw, minimum: 4)
            return text.isEmpty ? nil : header + text + footer
        }
        // The model sees the function under test first, then the test file up to the new test.
        let context = "\(site.rules.lineComment) File: \(index.relativePath(site.path))\n" + function.text + "\n\n"
        let prefix = context + String(decoding: original, as: UTF8.self) + header
        return ModelActions.Plan(path: path, language: site.language, createsFile: !existing, original: original,
                                 replace: original.count..<original.count, promptPrefix: prefix, promptSuffix: footer,
                                 stop: ["\n\n\n", "\ndef ", "\nfunc ", "\ntest(", "\n#[test]"], maxTokens: 192,
                                 function: symbol.name, finish: finish)
    }
}
