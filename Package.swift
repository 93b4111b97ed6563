// swift-tools-version:5.10
// Quorum: a local LSP code assistant. The target graph mirrors the layer map in ARCHITECTURE.md:
// C shims -> leaf domains -> Inference/Workspace/PromptCache -> IDE -> protocol -> Server -> quorum.
import PackageDescription

let package = Package(
    name: "Quorum",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "quorum", targets: ["quorum"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // L0: C shims over Debian's system libraries, found through pkg-config.
        .systemLibrary(name: "CTreeSitter", pkgConfig: "tree-sitter", providers: [.apt(["libtree-sitter-dev"])]),
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        // OpenBLAS is loaded on first use (see its shim.h), so this shim only declares the entry points.
        .systemLibrary(name: "COpenBLAS"),
        // HTTP for the remote engine through Debian's libcurl, also dlopened on first use (see include/ccurl.h):
        // linking it, or FoundationNetworking, would load about 30 libraries at every process start.
        .target(name: "CCurl"),
        // Our own C: fixed-layout quant blocks and SIMD dot products.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // L1: small helpers shared by everything.
        .target(name: "Base", dependencies: [.product(name: "Logging", package: "swift-log")]),

        // L2: leaf domains; they never import each other.
        // Release builds drop the run-time exclusivity checks in Syntax: the query matcher appends to and truncates
        // its buffers (class properties) at every step, and the checks on them cost about 5% of a full index's CPU.
        // Debug builds (the tests) keep them.
        .target(name: "Syntax", dependencies: ["CTreeSitter", "Base"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "Storage", dependencies: ["CLMDB", "Base"]),
        .target(name: "GGUF", dependencies: ["Base"]),
        .target(name: "Kernels", dependencies: ["CKernels", "COpenBLAS", "Base"]),

        // L3: the engine, the project graph, the prompt cache.
        .target(name: "Inference", dependencies: ["GGUF", "Kernels", "Base"]),
        .target(name: "Workspace", dependencies: ["Syntax", "Storage", "Base"]),
        // The same completion requests, sent to an OpenAI-compatible server (vLLM, SGLang, llama-server).
        .target(name: "RemoteEngine", dependencies: ["CCurl", "Base"]),
        .target(name: "PromptCache", dependencies: ["Storage", "Base",
                                                    .product(name: "Collections", package: "swift-collections")]),

        // L4: IDE features as plain functions of a snapshot; no LSP types.
        .target(name: "IDE", dependencies: ["Workspace", "Syntax", "Inference", "PromptCache", "RemoteEngine", "Base"]),

        // L5: protocol.
        .target(name: "LanguageServerProtocol", dependencies: []),
        .target(name: "JSONRPC", dependencies: ["LanguageServerProtocol", "Base"]),

        // L6: the only place that knows both LSP and the IDE layer.
        .target(name: "Server", dependencies: ["IDE", "Workspace", "Syntax", "LanguageServerProtocol", "JSONRPC", "Base",
                                               .product(name: "Collections", package: "swift-collections")]),

        // L7: the executable: argument parsing, logging, wiring.
        .target(name: "QuorumCLI", dependencies: ["Server", "IDE", "Workspace", "Inference", "GGUF", "Syntax",
                                                  "Storage", "Kernels", "Base",
                                                  .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                                  .product(name: "Logging", package: "swift-log")]),
        // Linked before libc, Debian's mimalloc serves every malloc in the process (Swift, libtree-sitter, LMDB):
        // a full index is a storm of small allocations freed on other threads, where it spends 8-12% less time
        // than glibc's malloc (ARCHITECTURE.md, Invariants). Only the executable links it; tests use glibc's.
        .executableTarget(name: "quorum", dependencies: ["QuorumCLI"], linkerSettings: [.linkedLibrary("mimalloc")]),

        .testTarget(name: "SyntaxTests", dependencies: ["Syntax", "Base"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF"], exclude: ["Fixtures"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CKernels"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "GGUF", "Kernels"], exclude: ["Goldens", "Models"]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace", "Syntax", "Storage", "Base"]),
        .testTarget(name: "RemoteEngineTests", dependencies: ["RemoteEngine", "IDE", "Inference"]),
        .testTarget(name: "PromptCacheTests", dependencies: ["PromptCache", "Storage"]),
        .testTarget(name: "IDETests", dependencies: ["IDE", "Workspace"]),
        .testTarget(name: "ProtocolTests", dependencies: ["JSONRPC", "LanguageServerProtocol"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "IDE", "LanguageServerProtocol", "JSONRPC"]),
    ]
)
