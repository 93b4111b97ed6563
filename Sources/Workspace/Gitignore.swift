import Foundation

/// One rule of a `.gitignore` file, compiled to a regular expression over slash-separated paths relative
/// to the folder holding the file.
///
/// Supported, as git documents them: `#` comments, `\#` and `\!` escapes, `!` negation, trailing `/` for
/// folders only, a `/` at the start or in the middle anchoring the pattern to its folder, `*`, `?`, `[...]`
/// (with `!` or `^` negation), a leading `**/`, a trailing `/**` and a middle `/**/`.
public struct GitignoreRule: Sendable {
    public let pattern: String
    public let negated: Bool
    public let directoryOnly: Bool
    private let regex: NSRegularExpression
    /// The same test without the regex for the common shapes (`name`, `*.ext`, `/path`): the scanner asks
    /// every rule about every entry, and a regex match costs a conversion to UTF-16 each time.
    private let simple: SimpleMatch?

    /// Rules whose regex is equivalent to a byte comparison. Bytes, like the regex, compare literally.
    private enum SimpleMatch: Sendable {
        /// Unanchored literal: the path is the name or ends with `/name`.
        case name([UInt8])
        /// Unanchored `*<literal>`: the last component ends with the literal.
        case lastComponentSuffix([UInt8])
        /// Anchored literal: the whole path.
        case path([UInt8])
    }

    /// Parses one line; nil for blank lines, comments and patterns that do not compile.
    public init?(line raw: String) {
        var line = Substring(raw)
        if line.hasSuffix("\r") { line = line.dropLast() }
        // Trailing spaces are ignored unless escaped with a backslash.
        while line.hasSuffix(" "), !line.hasSuffix("\\ ") { line = line.dropLast() }
        guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
        var negated = false
        if line.hasPrefix("!") { negated = true; line = line.dropFirst() }
        else if line.hasPrefix("\\!") || line.hasPrefix("\\#") { line = line.dropFirst() }
        var directoryOnly = false
        if line.hasSuffix("/") { directoryOnly = true; line = line.dropLast() }
        guard !line.isEmpty else { return nil }
        // A slash anywhere but at the end anchors the pattern to the .gitignore's folder.
        let anchored = line.contains("/")
        if line.hasPrefix("/") { line = line.dropFirst() }
        var body = GitignoreRule.translate(String(line))
        if !anchored { body = "(?:.*/)?" + body }
        guard let regex = try? NSRegularExpression(pattern: "^" + body + "$") else { return nil }
        self.pattern = raw
        self.negated = negated
        self.directoryOnly = directoryOnly
        self.regex = regex
        let special: Set<Character> = ["*", "?", "[", "\\"]
        if !line.contains(where: special.contains) {
            simple = anchored ? .path(Array(line.utf8)) : .name(Array(line.utf8))
        } else if !anchored, line.hasPrefix("*"), !line.dropFirst().contains(where: special.contains) {
            simple = .lastComponentSuffix(Array(line.dropFirst().utf8))
        } else {
            simple = nil
        }
    }

    /// Whether the rule matches `path` (relative to the rule's folder, no leading slash).
    public func matches(_ path: String, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        if let simple {
            let bytes = path.utf8
            switch simple {
            case let .path(literal):
                return bytes.elementsEqual(literal)
            case let .name(literal):
                return bytes.elementsEqual(literal)
                    || (bytes.count > literal.count && bytes.suffix(literal.count).elementsEqual(literal)
                        && bytes.dropLast(literal.count).last == UInt8(ascii: "/"))
            case let .lastComponentSuffix(literal):
                let last = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last ?? bytes[...]
                return last.count >= literal.count && last.suffix(literal.count).elementsEqual(literal)
            }
        }
        return regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }

    /// Glob to regex. `**` handling follows gitignore(5): it only has meaning next to slashes.
    static func translate(_ glob: String) -> String {
        let chars = Array(glob)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "*" {
                let double = i + 1 < chars.count && chars[i + 1] == "*"
                let atSegmentStart = i == 0 || chars[i - 1] == "/"
                if double && atSegmentStart {
                    let next = i + 2 < chars.count ? chars[i + 2] : nil
                    if next == "/" { out += "(?:.*/)?"; i += 3; continue }  // `**/`: zero or more folders
                    if next == nil { out += ".*"; i += 2; continue }          // trailing `/**`: everything inside
                }
                out += "[^/]*"
                i += double ? 2 : 1
            } else if c == "?" {
                out += "[^/]"; i += 1
            } else if c == "[", let close = chars[(i + 1)...].firstIndex(of: "]"), close > i + 1 {
                var set = String(chars[(i + 1)..<close])
                if set.hasPrefix("!") { set = "^" + set.dropFirst() }
                out += "[" + set.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                i = close + 1
            } else if c == "\\", i + 1 < chars.count {
                out += NSRegularExpression.escapedPattern(for: String(chars[i + 1])); i += 2
            } else {
                out += NSRegularExpression.escapedPattern(for: String(c)); i += 1
            }
        }
        return out
    }
}

/// The rules of one `.gitignore` (or of the exclude list), with the folder they are relative to.
public struct Gitignore: Sendable {
    /// Workspace-relative folder of the file ("" for the root).
    public let base: String
    public let rules: [GitignoreRule]

    public init(base: String, text: String) {
        self.base = base
        rules = text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { GitignoreRule(line: String($0)) }
    }

    public init(base: String, patterns: [String]) {
        self.base = base
        rules = patterns.compactMap { GitignoreRule(line: $0) }
    }

    /// nil when no rule matches; otherwise whether the last matching rule ignores the path.
    public func verdict(_ relativePath: String, isDirectory: Bool) -> Bool? {
        let local: String
        if base.isEmpty { local = relativePath }
        else if relativePath.hasPrefix(base + "/") { local = String(relativePath.dropFirst(base.count + 1)) }
        else { return nil }
        for rule in rules.reversed() where rule.matches(local, isDirectory: isDirectory) { return !rule.negated }
        return nil
    }
}

/// The gitignore files in effect for one folder: the root's first, deeper ones later, so deeper files win.
public struct IgnoreStack: Sendable {
    public private(set) var layers: [Gitignore] = []
    public init(_ layers: [Gitignore] = []) { self.layers = layers }

    public func pushing(_ layer: Gitignore) -> IgnoreStack {
        var copy = self
        if !layer.rules.isEmpty { copy.layers.append(layer) }
        return copy
    }

    /// Whether `relativePath` (workspace-relative) is ignored. As in git, a file inside an ignored folder
    /// cannot be re-included; the scanner never descends into ignored folders, which gives that for free.
    public func isIgnored(_ relativePath: String, isDirectory: Bool) -> Bool {
        for layer in layers.reversed() {
            if let verdict = layer.verdict(relativePath, isDirectory: isDirectory) { return verdict }
        }
        return false
    }
}
