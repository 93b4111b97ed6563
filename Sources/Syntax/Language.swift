import Base
import CTreeSitter
import Foundation

/// What `grammars/<lang>/grammar.json` says about a language.
public struct GrammarManifest: Codable, Sendable, Equatable {
    /// The folder name and the language id Quorum uses everywhere (`python`, `tsx`, …).
    public var name: String
    /// Path of the grammar inside the pinned package (`parsers/python`).
    public var parser: String
    /// The C entry point exported by the compiled grammar (`tree_sitter_python`).
    public var symbol: String
    public var upstream: String
    public var license: String
    /// File extensions without the dot, lower case.
    public var extensions: [String]
    /// Whole file names that belong to the language (`Rakefile`).
    public var fileNames: [String]
    public var lineComment: String?
}

/// A loaded grammar: its manifest and the `TSLanguage` that lives as long as the process
/// (the library is never closed, since trees and queries keep pointers into it).
public final class Language: @unchecked Sendable {
    public let manifest: GrammarManifest
    /// Where the manifest and our `.scm` queries live.
    public let definitionDirectory: URL
    let raw: OpaquePointer

    public var name: String { manifest.name }
    /// The grammar's ABI version (LANGUAGE_VERSION of its parser.c).
    public var abiVersion: UInt32 { ts_language_version(raw) }

    init(manifest: GrammarManifest, definitionDirectory: URL, raw: OpaquePointer) {
        self.manifest = manifest
        self.definitionDirectory = definitionDirectory
        self.raw = raw
    }

    /// The text of one of our query files (`tags.scm`), or nil when the language has none.
    public func queryText(_ file: String) -> String? {
        try? String(contentsOf: definitionDirectory.appendingPathComponent(file), encoding: .utf8)
    }

    /// Names of the node kinds of the grammar, used by queries' validation and tests.
    public var nodeKindCount: UInt32 { ts_language_symbol_count(raw) }
}
