import Foundation
import LanguageServerProtocol

extension Settings {
    /// Returns these settings overridden by the valid members of `json`, and the problems with the others.
    ///
    /// `null`, an absent value and `{}` change nothing. An object with a `quorum` member is read as the
    /// `quorum` section of a larger configuration (what editors push through didChangeConfiguration), and its
    /// other members, belonging to other tools, are not reported.
    public func applying(_ json: LSPAny?) -> (settings: Settings, problems: [SettingsProblem]) {
        var result = self
        var problems: [SettingsProblem] = []
        guard var json, json != .null else { return (result, problems) }
        if let section = json["quorum"] { json = section }
        if json == .null { return (result, problems) }
        guard let object = json.objectValue else {
            problems.append(SettingsProblem(setting: "(root)", reason: "must be an object, got \(json.typeName)"))
            return (result, problems)
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "model":
                result.model = applyModel(value, to: result.model, problems: &problems)
            case "engine":
                result.engine = applyEngine(value, to: result.engine, problems: &problems)
            case "completion":
                result.completion = applyCompletion(value, to: result.completion, problems: &problems)
            case "cacheDir":
                if let path = string(value, "cacheDir", &problems) {
                    if path.isEmpty {
                        problems.append(SettingsProblem(setting: "cacheDir", reason: "must not be empty"))
                    } else {
                        result.cacheDir = (path as NSString).expandingTildeInPath
                    }
                }
            case "languages":
                guard value != .null else { continue }
                guard let languages = value.objectValue else {
                    problems.append(.init(setting: "languages", reason: "must be an object of booleans, got \(value.typeName)"))
                    continue
                }
                for (name, enabled) in languages.sorted(by: { $0.key < $1.key }) {
                    guard case .bool(let flag) = enabled else {
                        problems.append(.init(setting: "languages.\(name)", reason: "must be a boolean, got \(enabled.typeName)"))
                        continue
                    }
                    result.languages[name] = flag
                }
            case "exclude":
                guard value != .null else { continue }
                guard case .array(let items) = value else {
                    problems.append(.init(setting: "exclude", reason: "must be an array of strings, got \(value.typeName)"))
                    continue
                }
                var patterns: [String] = []
                for (index, item) in items.enumerated() {
                    if let pattern = item.stringValue {
                        patterns.append(pattern)
                    } else {
                        problems.append(.init(setting: "exclude[\(index)]", reason: "must be a string, got \(item.typeName)"))
                    }
                }
                result.exclude = patterns
            default:
                problems.append(.init(setting: key, reason: "is unknown (known: model, engine, completion, cacheDir, languages, exclude)"))
            }
        }
        return (result, problems)
    }

    private func applyModel(_ value: LSPAny, to base: Model, problems: inout [SettingsProblem]) -> Model {
        guard value != .null else { return base }
        guard let object = value.objectValue else {
            problems.append(.init(setting: "model", reason: "must be an object, got \(value.typeName)"))
            return base
        }
        var model = base
        for (key, member) in object.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "path":
                if member == .null { model.path = nil } else if let path = string(member, "model.path", &problems) {
                    model.path = path.isEmpty ? nil : (path as NSString).expandingTildeInPath
                }
            case "contextSize":
                if let size = integer(member, "model.contextSize", in: 1...1_048_576, &problems) { model.contextSize = size }
            case "threads":
                if let threads = integer(member, "model.threads", in: 0...1024, &problems) { model.threads = threads }
            default:
                problems.append(.init(setting: "model.\(key)", reason: "is unknown (known: path, contextSize, threads)"))
            }
        }
        return model
    }

    private func applyEngine(_ value: LSPAny, to base: Engine, problems: inout [SettingsProblem]) -> Engine {
        guard value != .null else { return base }
        guard let object = value.objectValue else {
            problems.append(.init(setting: "engine", reason: "must be an object, got \(value.typeName)"))
            return base
        }
        var engine = base
        for (key, member) in object.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "url":
                if member == .null { engine.url = nil } else if let url = string(member, "engine.url", &problems) {
                    if url.isEmpty { engine.url = nil } else if let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https" {
                        engine.url = url
                    } else {
                        problems.append(.init(setting: "engine.url", reason: "must be an http:// or https:// URL, got \(url)"))
                    }
                }
            case "model":
                if member == .null { engine.model = nil } else if let m = string(member, "engine.model", &problems) { engine.model = m }
            case "apiKeyEnv":
                if member == .null { engine.apiKeyEnv = nil } else if let n = string(member, "engine.apiKeyEnv", &problems) { engine.apiKeyEnv = n }
            case "timeout":
                if let t = integer(member, "engine.timeout", in: 1...3600, &problems) { engine.timeout = Double(t) }
            case "useInfill":
                if case .bool(let flag) = member { engine.useInfill = flag } else {
                    problems.append(.init(setting: "engine.useInfill", reason: "must be a boolean, got \(member.typeName)"))
                }
            default:
                problems.append(.init(setting: "engine.\(key)", reason: "is unknown (known: url, model, apiKeyEnv, timeout, useInfill)"))
            }
        }
        return engine
    }

    private func applyCompletion(_ value: LSPAny, to base: Completion, problems: inout [SettingsProblem]) -> Completion {
        guard value != .null else { return base }
        guard let object = value.objectValue else {
            problems.append(.init(setting: "completion", reason: "must be an object, got \(value.typeName)"))
            return base
        }
        var completion = base
        for (key, member) in object.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "maxTokens":
                if let n = integer(member, "completion.maxTokens", in: 1...4096, &problems) { completion.maxTokens = n }
            case "candidates":
                if let n = integer(member, "completion.candidates", in: 1...8, &problems) { completion.candidates = n }
            default:
                problems.append(.init(setting: "completion.\(key)", reason: "is unknown (known: maxTokens, candidates)"))
            }
        }
        return completion
    }

    private func string(_ value: LSPAny, _ setting: String, _ problems: inout [SettingsProblem]) -> String? {
        guard case .string(let text) = value else {
            problems.append(.init(setting: setting, reason: "must be a string, got \(value.typeName)"))
            return nil
        }
        return text
    }

    private func integer(_ value: LSPAny, _ setting: String, in range: ClosedRange<Int>,
                         _ problems: inout [SettingsProblem]) -> Int? {
        var number: Int?
        switch value {
        case .int(let int): number = int
        case .double(let double) where double.rounded() == double && abs(double) < 1e15: number = Int(double)
        default: break
        }
        guard let number else {
            problems.append(.init(setting: setting, reason: "must be an integer, got \(value.typeName)"))
            return nil
        }
        guard range.contains(number) else {
            problems.append(.init(setting: setting, reason: "must be in \(range.lowerBound)…\(range.upperBound), got \(number)"))
            return nil
        }
        return number
    }
}

extension LanguageServer {
    /// Recomputes the effective settings: defaults, then initializationOptions, then workspace configuration.
    /// Call with `lock` held. Returns the problems of both sources.
    func recomputeSettings() -> [SettingsProblem] {
        let fromOptions = Settings.defaults.applying(state.initializationOptions)
        let fromWorkspace = fromOptions.settings.applying(state.workspaceConfiguration)
        state.settings = fromWorkspace.settings
        return fromOptions.problems + fromWorkspace.problems
    }

    /// Replaces the workspace-configuration layer (pushed or pulled) and reports new problems.
    func applyWorkspaceConfiguration(_ json: LSPAny?) {
        lock.withLock {
            state.workspaceConfiguration = json
            _ = recomputeSettings()
        }
        reportNewSettingProblems()
        if lock.withLock({ state.lifecycle == .running }) { settingsDidChange() }
    }

    /// Shows each settings problem once per session (a client that pushes the same bad settings repeatedly
    /// should not nag the user each time).
    func reportNewSettingProblems() {
        let fresh: [SettingsProblem] = lock.withLock {
            let all = recomputeSettings()
            var fresh: [SettingsProblem] = []
            for problem in all where !state.reportedSettingProblems.contains(problem.description) {
                state.reportedSettingProblems.insert(problem.description)
                fresh.append(problem)
            }
            return fresh
        }
        guard !fresh.isEmpty else { return }
        showMessage(.warning, "Quorum: " + fresh.map(\.description).joined(separator: "; "))
    }
}
