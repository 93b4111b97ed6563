/// Everything that can go wrong at the Syntax layer's IO boundary: loading grammars and compiling queries.
/// Parsing user code never throws; tree-sitter recovers and marks ERROR nodes instead.
public enum SyntaxError: Error, CustomStringConvertible, Equatable {
    case manifestUnreadable(path: String, reason: String)
    case grammarLibraryMissing(language: String, path: String)
    case grammarLibraryUnloadable(language: String, path: String, reason: String)
    case grammarSymbolMissing(language: String, symbol: String, path: String)
    case incompatibleABI(language: String, grammarVersion: UInt32, minSupported: UInt32, maxSupported: UInt32)
    case unknownLanguage(String)
    case queryInvalid(language: String, file: String, offset: UInt32, kind: String)
    case unknownCapture(language: String, file: String, capture: String)
    case unsupportedPredicate(language: String, file: String, predicate: String)

    public var description: String {
        switch self {
        case let .manifestUnreadable(path, reason):
            return "grammar manifest \(path) is unreadable (\(reason)); fix the file or restore it from git"
        case let .grammarLibraryMissing(language, path):
            return "grammar '\(language)' is not built: \(path) does not exist; run `make grammars`"
        case let .grammarLibraryUnloadable(language, path, reason):
            return "grammar '\(language)' at \(path) cannot be loaded (\(reason)); rebuild it with `make grammars`"
        case let .grammarSymbolMissing(language, symbol, path):
            return "grammar '\(language)': \(path) does not export \(symbol); rebuild it with `make grammars` "
                + "(it must be compiled without TREE_SITTER_HIDE_SYMBOLS)"
        case let .incompatibleABI(language, version, minV, maxV):
            return "grammar '\(language)' has ABI \(version) but libtree-sitter accepts \(minV)...\(maxV); "
                + "rebuild from the pinned package in grammars/PIN.json with `make grammars`"
        case let .unknownLanguage(name):
            return "no grammar named '\(name)' in grammars/; add grammars/\(name)/grammar.json"
        case let .queryInvalid(language, file, offset, kind):
            return "query \(language)/\(file) does not compile: \(kind) error at byte \(offset)"
        case let .unknownCapture(language, file, capture):
            return "query \(language)/\(file) uses capture @\(capture), which is not part of the capture contract"
        case let .unsupportedPredicate(language, file, predicate):
            return "query \(language)/\(file) uses predicate #\(predicate), which Quorum does not evaluate"
        }
    }
}
