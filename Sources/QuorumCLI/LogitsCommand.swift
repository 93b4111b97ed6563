import ArgumentParser
import Foundation
import Inference

/// `quorum logits`: the top-k next-token logits at every position of a prompt, as JSON, for parity checks.
struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Print the top-k logits at every position as JSON: {\"tokens\": [...], \"positions\": [{\"top\": [{\"id\", \"logit\"}]}]}.")

    @OptionGroup var options: ModelOptions

    @Option(help: "Text to tokenize (BOS added when the model wants it; special tokens parsed).")
    var prompt: String?

    @Option(help: "Comma-separated token ids, instead of --prompt.")
    var tokens: String?

    @Option(help: "Logits to print per position.")
    var top: Int = 5

    func validate() throws {
        if (prompt == nil) == (tokens == nil) { throw ValidationError("give exactly one of --prompt or --tokens") }
        if top < 1 { throw ValidationError("--top must be ≥ 1") }
    }

    func run() throws {
        let model = try options.load()
        let ids: [TokenID]
        if let tokens {
            ids = try tokens.split(separator: ",").map { part in
                guard let id = TokenID(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("'\(part)' in --tokens is not a token id")
                }
                return id
            }
        } else {
            ids = model.tokenizer.encode(prompt ?? "", addSpecial: true, parseSpecial: true)
        }
        guard !ids.isEmpty else { throw ValidationError("no tokens to evaluate") }
        let rows = try model.evaluate(ids, cache: model.makeCache(capacity: ids.count), logits: .all)
        let positions: [[String: Any]] = rows.map { row in
            let best = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(top)
            return ["top": best.map { ["id": $0, "logit": Double(row[$0])] as [String: Any] }]
        }
        let json: [String: Any] = ["tokens": ids.map(Int.init), "positions": positions]
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
