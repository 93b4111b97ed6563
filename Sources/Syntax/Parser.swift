import CTreeSitter
import Foundation

/// A tree-sitter parser bound to one language. One per task: parsers are not thread-safe.
public final class Parser {
    private let raw: OpaquePointer
    public let language: Language
    /// Set to non-zero from any thread to make a running parse return nil.
    private let cancellationFlag = UnsafeMutablePointer<Int>.allocate(capacity: 1)

    public init(language: Language) throws {
        guard let parser = ts_parser_new() else {
            throw SyntaxError.grammarLibraryUnloadable(language: language.name, path: "-", reason: "ts_parser_new failed")
        }
        guard ts_parser_set_language(parser, language.raw) else {
            ts_parser_delete(parser)
            throw SyntaxError.incompatibleABI(language: language.name, grammarVersion: language.abiVersion,
                                              minSupported: UInt32(TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION),
                                              maxSupported: UInt32(TREE_SITTER_LANGUAGE_VERSION))
        }
        raw = parser
        self.language = language
        cancellationFlag.initialize(to: 0)
        ts_parser_set_cancellation_flag(parser, UnsafePointer(cancellationFlag))
    }

    deinit {
        ts_parser_delete(raw)
        cancellationFlag.deallocate()
    }

    /// Parses UTF-8 source. With `previous` (already `edit`ed to match `source`), unchanged subtrees are reused.
    /// Returns nil only when cancelled.
    public func parse(_ source: [UInt8], previous: Tree? = nil) -> Tree? {
        cancellationFlag.pointee = 0
        let tree: OpaquePointer? = source.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, buf.count > 0 else {
                return "".withCString { ts_parser_parse_string(raw, previous?.raw, $0, 0) }
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                ts_parser_parse_string(raw, previous?.raw, $0, UInt32(buf.count))
            }
        }
        guard let tree else { ts_parser_reset(raw); return nil }
        return Tree(raw: tree, language: language, source: source)
    }

    public func parse(_ text: String, previous: Tree? = nil) -> Tree? { parse(Array(text.utf8), previous: previous) }

    /// Makes a parse running on another thread stop soon; it then returns nil.
    public func cancel() { cancellationFlag.pointee = 1 }
}
