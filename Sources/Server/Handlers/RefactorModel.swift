import Foundation
import IDE
import LanguageServerProtocol
import Workspace

extension LanguageServer {
    /// Runs a model action: plans it from the syntax tree, builds the prompt with the graph's context (FIM when
    /// the model has the tokens, a prefix prompt otherwise), runs the backend and checks that the result parses.
    func modelEdit(index: Index, path: String, selection: Range<Int>, id: String, state: ServerState) async throws -> RefactorEdit {
        if assistant.isLoading { await assistant.waitUntilReady() }
        guard let service = assistant.current else {
            throw ResponseError.requestFailed(assistant.modelError.map { "the model is unavailable: \($0)" }
                ?? "no model is configured: set model.path or engine.url to use the model's refactors")
        }
        let plan = try ModelActions.plan(index: index, path: path, selection: selection, id: id)
        let backend = service.backend
        let open = Dictionary(state.documents.all.compactMap { doc in LanguageServer.path(ofURI: doc.uri).map { ($0, doc.bytes) } },
                              uniquingKeysWith: { a, _ in a })
        let sourceBytes = open[path] ?? ((try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? [])
        let pieces = ContextCollector.collect(index: index, path: path, text: sourceBytes, offset: selection.lowerBound) { p in
            open[p] ?? (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: p))))
        }
        // Room for the answer within the model's context: a body takes more than a completion's line.
        var maxTokens = plan.maxTokens, budget = service.promptBudget
        if let limit = backend.contextLimit {
            maxTokens = max(16, min(maxTokens, limit / 3))
            budget = max(32, min(budget, limit - maxTokens - 8))
        }
        let builder = PromptBuilder(template: backend.template, budget: budget,
                                    repositoryName: state.roots.first?.name ?? "workspace")
        let prompt = builder.build(path: index.relativePath(plan.path), prefix: plan.promptPrefix, suffix: plan.promptSuffix,
                                   context: pieces, counter: backend)
        let stop = prompt.usesFIM ? [] : plan.stop + ["\n// File:"]
        let result: BackendCompletion
        do {
            result = try await backend.complete(BackendRequest(prompt: prompt, maxTokens: maxTokens, stop: stop,
                                                               temperature: 0)) { Task.isCancelled }
        } catch let error as CompletionError {
            throw ResponseError.requestFailed("the model could not write `\(plan.function)`: \(error)")
        }
        try Task.checkCancellation()
        logger.info("model action \(id) on \(plan.function): \(result.promptTokens) prompt tokens, \(result.generatedTokens) generated")
        guard let registry = assistant.registry else {
            throw ResponseError.requestFailed("the grammars cannot be loaded, so the model's text cannot be checked; run `make grammars`")
        }
        return try ModelActions.edit(plan: plan, raw: result.text, registry: registry)
    }
}
