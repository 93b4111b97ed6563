import Foundation

/// JavaScript, TypeScript and TSX: relative paths with or without extensions, `index` files, TypeScript's
/// `.js`-spelled imports of `.ts` files, and `tsconfig.json` `baseUrl` / `paths`. Anything else is a
/// package: `react`, `@scope/pkg`, or a Node builtin (`node:fs` is `fs`).
enum JavaScriptImports: LanguageImportResolver {
    static let extensions = [".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs"]

    static func resolve(_ tag: ImportRow, from file: String, layout: WorkspaceLayout) -> [ImportTarget] {
        let spec = tag.module
        if spec.hasPrefix("./") || spec.hasPrefix("../") || spec == "." || spec == ".." {
            if let found = resolvePath(file.directory.appendingPath(spec), layout) { return [.file(found)] }
            return [.external(spec)]
        }
        if spec.hasPrefix("/"), let found = resolvePath(spec, layout) { return [.file(found)] }
        if let config = tsconfig(for: file, layout: layout) {
            for (pattern, replacements) in config.paths {
                guard let rest = match(pattern, spec) else { continue }
                for replacement in replacements {
                    let target = config.baseDirectory.appendingPath(replacement.replacingOccurrences(of: "*", with: rest))
                    if let found = resolvePath(target, layout) { return [.file(found)] }
                }
            }
            if let base = config.baseUrl, let found = resolvePath(base.appendingPath(spec), layout) { return [.file(found)] }
        }
        return [.external(packageName(spec))]
    }

    /// The file `base` names: itself, with an extension added or swapped, or its folder's index file.
    static func resolvePath(_ base: String, _ layout: WorkspaceLayout) -> String? {
        var candidates = [base] + extensions.map { base + $0 }
        for jsExt in [".js", ".jsx", ".mjs", ".cjs"] where base.hasSuffix(jsExt) {
            let stem = String(base.dropLast(jsExt.count))
            candidates += [".ts", ".tsx", ".d.ts"].map { stem + $0 }
        }
        candidates += extensions.map { base.appendingPath("index") + $0 }
        return layout.firstFile(candidates)
    }

    /// `*`-pattern matching as tsconfig `paths` use it: returns what the star stood for.
    static func match(_ pattern: String, _ spec: String) -> String? {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == spec ? "" : nil }
        let prefix = pattern[..<star], suffix = pattern[pattern.index(after: star)...]
        guard spec.hasPrefix(prefix), spec.hasSuffix(suffix), spec.count >= prefix.count + suffix.count else { return nil }
        return String(spec.dropFirst(prefix.count).dropLast(suffix.count))
    }

    static func packageName(_ spec: String) -> String {
        var s = spec
        if s.hasPrefix("node:") { s = String(s.dropFirst(5)) }
        let parts = s.split(separator: "/").map(String.init)
        if s.hasPrefix("@"), parts.count >= 2 { return parts[0] + "/" + parts[1] }
        return parts.first ?? s
    }

    struct TSConfig {
        var baseDirectory: String
        var baseUrl: String?
        var paths: [(String, [String])]
    }

    /// The nearest `tsconfig.json` (or `jsconfig.json`) above the file, parsed once.
    static func tsconfig(for file: String, layout: WorkspaceLayout) -> TSConfig? {
        for name in ["tsconfig.json", "jsconfig.json"] {
            guard let dir = layout.nearest(name, from: file) else { continue }
            let config: TSConfig? = layout.memoized("tsconfig:" + dir + "/" + name) { load(dir, name) }
            if let config { return config }
        }
        return nil
    }

    private static func load(_ dir: String, _ name: String) -> TSConfig? {
        guard let data = FileManager.default.contents(atPath: dir.appendingPath(name)),
              let object = try? JSONSerialization.jsonObject(with: Data(stripJSONC(String(decoding: data, as: UTF8.self)).utf8)),
              let json = object as? [String: Any] else { return nil }
        let options = json["compilerOptions"] as? [String: Any] ?? [:]
        let baseUrl = (options["baseUrl"] as? String).map { dir.appendingPath($0) }
        let pathsBase = baseUrl ?? dir
        var paths: [(String, [String])] = []
        for (key, value) in (options["paths"] as? [String: Any] ?? [:]).sorted(by: { $0.key.count > $1.key.count }) {
            paths.append((key, value as? [String] ?? []))
        }
        return TSConfig(baseDirectory: pathsBase, baseUrl: baseUrl, paths: paths)
    }

    /// tsconfig.json is JSON with comments and trailing commas; remove both outside strings.
    static func stripJSONC(_ text: String) -> String {
        var out = "", chars = Array(text), i = 0, inString = false
        while i < chars.count {
            let c = chars[i]
            if inString {
                out.append(c)
                if c == "\\", i + 1 < chars.count { out.append(chars[i + 1]); i += 2; continue }
                if c == "\"" { inString = false }
                i += 1
            } else if c == "\"" {
                inString = true; out.append(c); i += 1
            } else if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
            } else if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
            } else if c == "," {
                var j = i + 1
                while j < chars.count, chars[j].isWhitespace { j += 1 }
                if j < chars.count, chars[j] == "}" || chars[j] == "]" { i += 1; continue }
                out.append(c); i += 1
            } else {
                out.append(c); i += 1
            }
        }
        return out
    }
}
