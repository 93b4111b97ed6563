import Foundation
import Syntax
import Workspace

/// Renaming a module from a name in an import: the module's file (or its package folder) is renamed, and every
/// import of it follows through `FileMoves`, the same edits `workspace/willRenameFiles` gives.
enum ModuleRename {
    /// The workspace file or package folder `leaf` names when it is the last segment of an import's module
    /// path resolved into the workspace (`pricing` in `from .pricing import x`, `shapes` in `mod shapes;`).
    static func module(named leaf: Node, in path: String, index: Index) -> String? {
        for row in (try? index.imports(in: path)) ?? [] {
            let inModule = row.moduleRange.startByte <= leaf.startByte && leaf.endByte <= row.moduleRange.endByte
            // `from pkg import pricing` names the submodule `pricing` in its import list.
            let inNames = row.range.startByte <= leaf.startByte && leaf.endByte <= row.range.endByte && row.names.contains(leaf.text)
            guard inModule || inNames,
                  let target = row.targets.first(where: { !NodeID.isExternal($0) && PathMath.base(PathMath.stem($0)) == leaf.text })
                    ?? (inModule ? row.targets.first(where: { !NodeID.isExternal($0) }) : nil) else { continue }
            let base = PathMath.base(target)
            if ["__init__.py", "mod.rs"].contains(base), PathMath.base(PathMath.dir(target)) == leaf.text {
                return PathMath.dir(target)
            }
            if PathMath.base(PathMath.stem(target)) == leaf.text { return target }
        }
        return nil
    }

    static func edit(index: Index, module: String, newName: String) throws -> RefactorEdit {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: module, isDirectory: &isFolder)
        let ext = isFolder.boolValue ? "" : "." + (module as NSString).pathExtension
        let destination = PathMath.dir(module) + "/" + newName + ext
        if FileManager.default.fileExists(atPath: destination) {
            throw RefactorError.collision(name: newName, path: index.relativePath(destination), line: 1)
        }
        let move = FileMove(from: module, to: destination)
        var edit = try FileMoves.edits(index: index, moves: [move])
        edit.moves = [move]
        return edit
    }
}
