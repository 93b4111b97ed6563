/// The capture names our `.scm` query files may use, in one place.
///
/// Queries are compiled with `allowedCaptures: CaptureContract.tags` (or `.imports`), so a typo such as
/// `@definition.fucntion` fails at load time and in the query test, instead of silently matching nothing.
/// Captures starting with `_` are private helpers for predicates and always allowed.
public enum CaptureContract {
    /// `tags.scm`: `@definition.<kind>` on the whole definition node with `@name` on its name;
    /// `@reference.<kind>` on a use with `@name` on the used name; optional `@doc` and `@container`.
    public static let tags: Set<String> = Set(
        SymbolKind.allCases.map { "definition.\($0.rawValue)" }
        + ReferenceKind.allCases.map { "reference.\($0.rawValue)" }
        + ["name", "doc", "container"])

    /// `imports.scm`: `@import` on the statement; `@import.module` on the module path or file string;
    /// `@import.submodule` on a declaration that loads a file by name (Rust `mod foo;`);
    /// `@import.name` on each imported name (`from m import a, b`).
    public static let imports: Set<String> = ["import", "import.module", "import.submodule", "import.name"]

    /// The query files each language may have, with the contract each is checked against.
    public static let queryFiles: [(file: String, captures: Set<String>)] = [("tags.scm", tags), ("imports.scm", imports)]
}

/// What a definition is. The raw values are the suffixes of `@definition.<kind>` captures and the strings
/// stored in the index and printed by the CLI.
public enum SymbolKind: String, CaseIterable, Codable, Sendable {
    case function, method, `class`, `struct`, `enum`, interface, `protocol`, trait
    case variable, constant, field, module, type, macro

    /// Kinds that can contain members; used to pick a symbol's container.
    public var isContainer: Bool {
        switch self {
        case .class, .struct, .enum, .interface, .protocol, .trait, .module: return true
        default: return false
        }
    }
}

/// What a reference is: the suffixes of `@reference.<kind>` captures.
public enum ReferenceKind: String, CaseIterable, Codable, Sendable {
    /// A call or an instantiation (`f()`, `new C()`).
    case call
    /// A type written in a signature or annotation.
    case type
    /// A superclass, implemented interface or trait.
    case implementation
    /// Any other use of a name.
    case name
}
