import Foundation

/// The fixtures written by scripts/gguf_make_fixtures.py (gguf-py is the independent writer).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let types = directory.appendingPathComponent("types.gguf")
    static let tinyMoE = directory.appendingPathComponent("tiny-moe.gguf")

    struct Entry: Decodable { let name: String; let type: String; let shape: [Int]; let file_offset: Int; let byte_count: Int }
    struct Manifest: Decodable { let tensors: [Entry] }
    struct Counts: Decodable { let total_parameters: Int; let active_parameters: Int }

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("types.json")))
    }

    static func tinyMoECounts() throws -> Counts {
        try JSONDecoder().decode(Counts.self, from: Data(contentsOf: directory.appendingPathComponent("tiny-moe.json")))
    }

    static func bytes(_ url: URL) throws -> [UInt8] { try [UInt8](Data(contentsOf: url)) }
}
