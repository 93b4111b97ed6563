import Foundation
import Syntax

/// What the refactors need to know about one language, in one table entry per language: what a valid
/// identifier is, which nodes open a local scope, which positions bind a name, and how declarations are
/// spelled. Node kinds are the tree-sitter grammars' (see `grammars/<lang>`).
public struct RefactorLanguageRules: Sendable {
    public var displayName: String
    /// Anchored pattern every identifier must match.
    public var identifierPattern: String
    public var keywords: Set<String>
    /// Nodes that open a scope of local names (functions, closures, methods).
    public var scopeKinds: Set<String>
    /// A leaf is a local binding when its parent has this kind and the leaf is the named field (nil: any child).
    public var bindings: [(parent: String, field: String?)]
    /// Nodes that group several bound names (`a, b = …`); the binding test looks through them.
    public var patternKinds: Set<String>
    /// A leaf in this (parent, field) is a member access (`x.name`): never a local, never shadowed. `object` is
    /// the field holding `x`, which for `module.name` / `package.Name` is a plain identifier.
    public var memberAccess: [(parent: String, field: String, object: String?)]
    /// Nodes whose children are statements; the statement holding a selection is a child of one of these.
    public var blockKinds: Set<String>
    /// How a new local is declared: `{name}` and `{value}` are replaced.
    public var declareTemplate: String
    /// Line comment marker.
    public var lineComment: String

    /// The rules of a language by its grammar name, nil when refactors do not support it.
    public static func forLanguage(_ name: String) -> RefactorLanguageRules? { table[name] }

    /// Why `name` is not a valid identifier, or nil when it is.
    public func identifierProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if keywords.contains(name) { return "it is a reserved word" }
        guard let re = try? NSRegularExpression(pattern: "^(?:" + identifierPattern + ")$"),
              re.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil else {
            return "it must match \(identifierPattern)"
        }
        return nil
    }

    /// Whether `leaf` (an identifier) binds its name here: a parameter, an assignment target, a declaration.
    public func isBinding(_ leaf: Node) -> Bool {
        guard var parent = leaf.parent else { return false }
        var child = leaf
        // `a, b = …` and `{a, b} = …`: look through pattern groups to the statement binding them.
        while patternKinds.contains(parent.kind), let up = parent.parent { child = parent; parent = up }
        for rule in bindings where rule.parent == parent.kind {
            guard let field = rule.field else { return true }
            if let named = parent.child(byField: field), named.startByte == child.startByte, named.endByte == child.endByte {
                return true
            }
        }
        return false
    }

    /// Whether `leaf` is the member name of an access (`obj.name`).
    public func isMemberAccess(_ leaf: Node) -> Bool { memberRule(leaf) != nil }

    /// The `x` of `x.name` when it is a plain identifier (a module or package name, or a variable).
    public func memberObject(_ leaf: Node) -> Node? {
        guard let rule = memberRule(leaf), let field = rule.object,
              let object = leaf.parent?.child(byField: field), object.namedChildCount == 0,
              object.kind.contains("identifier") else { return nil }
        return object
    }

    private func memberRule(_ leaf: Node) -> (parent: String, field: String, object: String?)? {
        guard let parent = leaf.parent else { return nil }
        return memberAccess.first { rule in
            rule.parent == parent.kind && parent.child(byField: rule.field).map { $0.startByte == leaf.startByte } == true
        }
    }

    static let cFamilyScopes: Set<String> = ["function_definition", "lambda_expression"]

    static let table: [String: RefactorLanguageRules] = {
        let python = RefactorLanguageRules(
            displayName: "Python", identifierPattern: "[A-Za-z_][A-Za-z0-9_]*",
            keywords: ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
                       "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
                       "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
                       "with", "yield"],
            scopeKinds: ["function_definition", "lambda"],
            bindings: [("parameters", nil), ("lambda_parameters", nil), ("default_parameter", "name"),
                       ("typed_parameter", nil), ("typed_default_parameter", "name"), ("assignment", "left"),
                       ("augmented_assignment", "left"), ("for_statement", "left"), ("for_in_clause", "left"),
                       ("as_pattern_target", nil), ("named_expression", "name"), ("list_splat_pattern", nil)],
            patternKinds: ["pattern_list", "tuple_pattern", "list_pattern", "as_pattern_target"],
            memberAccess: [("attribute", "attribute", "object"), ("keyword_argument", "name", nil)],
            blockKinds: ["block", "module"],
            declareTemplate: "{name} = {value}", lineComment: "#")
        let jsKeywords: Set<String> = ["break", "case", "catch", "class", "const", "continue", "debugger", "default",
                                       "delete", "do", "else", "export", "extends", "false", "finally", "for",
                                       "function", "if", "import", "in", "instanceof", "let", "new", "null", "return",
                                       "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
                                       "while", "with", "yield", "enum", "await", "implements", "interface",
                                       "package", "private", "protected", "public", "static"]
        let javascript = RefactorLanguageRules(
            displayName: "JavaScript", identifierPattern: "[A-Za-z_$][A-Za-z0-9_$]*", keywords: jsKeywords,
            scopeKinds: ["function_declaration", "function_expression", "function", "arrow_function", "method_definition",
                         "generator_function_declaration", "generator_function"],
            bindings: [("variable_declarator", "name"), ("formal_parameters", nil), ("required_parameter", "pattern"),
                       ("optional_parameter", "pattern"), ("arrow_function", "parameter"), ("for_in_statement", "left"),
                       ("catch_clause", "parameter"), ("assignment_pattern", "left")],
            patternKinds: ["array_pattern", "object_pattern", "shorthand_property_identifier_pattern", "rest_pattern"],
            memberAccess: [("member_expression", "property", "object")],
            blockKinds: ["statement_block", "program"],
            declareTemplate: "const {name} = {value};", lineComment: "//")
        var typescript = javascript
        typescript.displayName = "TypeScript"
        typescript.keywords.formUnion(["type", "declare", "namespace", "abstract", "readonly"])
        var tsx = typescript
        tsx.displayName = "TSX"
        let go = RefactorLanguageRules(
            displayName: "Go", identifierPattern: "[\\p{L}_][\\p{L}\\p{Nd}_]*",
            keywords: ["break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for",
                       "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
                       "struct", "switch", "type", "var"],
            scopeKinds: ["function_declaration", "method_declaration", "func_literal"],
            bindings: [("short_var_declaration", "left"), ("var_spec", "name"), ("const_spec", "name"),
                       ("parameter_declaration", "name"), ("range_clause", "left"), ("assignment_statement", "left")],
            patternKinds: ["expression_list"],
            memberAccess: [("selector_expression", "field", "operand")],
            blockKinds: ["block", "source_file"],
            declareTemplate: "{name} := {value}", lineComment: "//")
        let rust = RefactorLanguageRules(
            displayName: "Rust", identifierPattern: "[A-Za-z_][A-Za-z0-9_]*",
            keywords: ["as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
                       "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
                       "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
                       "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
                       "priv", "typeof", "unsized", "virtual", "yield", "try"],
            scopeKinds: ["function_item", "closure_expression"],
            bindings: [("let_declaration", "pattern"), ("parameter", "pattern"), ("closure_parameters", nil),
                       ("for_expression", "pattern"), ("mut_pattern", nil), ("reference_pattern", nil)],
            patternKinds: ["tuple_pattern", "mut_pattern", "reference_pattern", "slice_pattern"],
            memberAccess: [("field_expression", "field", "value"), ("field_initializer", "field", nil)],
            blockKinds: ["block", "source_file"],
            declareTemplate: "let {name} = {value};", lineComment: "//")
        let cKeywords: Set<String> = ["auto", "break", "case", "char", "const", "continue", "default", "do", "double",
                                      "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
                                      "register", "restrict", "return", "short", "signed", "sizeof", "static",
                                      "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while"]
        let c = RefactorLanguageRules(
            displayName: "C", identifierPattern: "[A-Za-z_][A-Za-z0-9_]*", keywords: cKeywords,
            scopeKinds: cFamilyScopes,
            bindings: [("init_declarator", "declarator"), ("parameter_declaration", "declarator"), ("declaration", "declarator")],
            patternKinds: ["pointer_declarator"],
            memberAccess: [("field_expression", "field", "argument")],
            blockKinds: ["compound_statement", "translation_unit"],
            declareTemplate: "__auto_type {name} = {value};", lineComment: "//")
        var cpp = c
        cpp.displayName = "C++"
        cpp.keywords.formUnion(["class", "namespace", "template", "typename", "public", "private", "protected",
                                "virtual", "new", "delete", "this", "operator", "using", "bool", "true", "false",
                                "nullptr", "try", "catch", "throw"])
        cpp.declareTemplate = "auto {name} = {value};"
        let java = RefactorLanguageRules(
            displayName: "Java", identifierPattern: "[A-Za-z_$][A-Za-z0-9_$]*",
            keywords: ["abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
                       "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
                       "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
                       "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
                       "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
                       "volatile", "while", "true", "false", "null", "var"],
            scopeKinds: ["method_declaration", "constructor_declaration", "lambda_expression"],
            bindings: [("variable_declarator", "name"), ("formal_parameter", "name"), ("enhanced_for_statement", "name"),
                       ("catch_formal_parameter", "name")],
            patternKinds: [],
            memberAccess: [("field_access", "field", "object"), ("method_invocation", "name", "object")],
            blockKinds: ["block", "program"],
            declareTemplate: "var {name} = {value};", lineComment: "//")
        return ["python": python, "javascript": javascript, "typescript": typescript, "tsx": tsx, "go": go,
                "rust": rust, "c": c, "cpp": cpp, "java": java]
    }()
}
