import ArgumentParser
import Foundation
import Inference

/// `quorum tokenize`: print a text's token ids as a JSON array.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of TEXT as a JSON array.")

    @OptionGroup var options: ModelOptions

    @Argument(help: "The text to tokenize.")
    var text: String

    @Flag(help: "Recognise special tokens such as <|fim_prefix|> written in the text.")
    var parseSpecial = false

    @Flag(help: "Do not add the BOS token the model asks for.")
    var noBos = false

    func run() throws {
        let model = try options.load()
        let ids = model.tokenizer.encode(text, addSpecial: !noBos, parseSpecial: parseSpecial)
        print("[" + ids.map(String.init).joined(separator: ",") + "]")
    }
}
