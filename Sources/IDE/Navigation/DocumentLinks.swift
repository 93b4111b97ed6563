import Foundation
import Syntax
import Workspace

/// An import's module string linked to the workspace file it resolved to.
public struct DocumentLink: Hashable, Sendable {
    public var range: TextRange
    /// Absolute path of the target file.
    public var target: String
}

public enum DocumentLinks {
    /// One link per import that resolved to a workspace file (the first file for package imports that
    /// resolve to several, as Go and Swift modules do). External imports get no link.
    public static func links(index: Index, path: String) -> [DocumentLink] {
        ((try? index.imports(in: path)) ?? []).compactMap { row in
            row.targets.first { !NodeID.isExternal($0) }.map { DocumentLink(range: row.moduleRange, target: $0) }
        }
    }
}
