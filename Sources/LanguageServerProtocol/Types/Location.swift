/// LSP SymbolKind numbers.
public enum LSPSymbolKind {
    public static let file = 1, module = 2, namespace = 3, package = 4, `class` = 5, method = 6, property = 7
    public static let field = 8, constructor = 9, `enum` = 10, interface = 11, function = 12, variable = 13
    public static let constant = 14, string = 15, `struct` = 23, typeParameter = 26
}
