/// The parts of the client's capabilities the server reads. Everything is optional and unknown members are ignored,
/// so a client with a richer (or odder) capability object still initializes.
public struct ClientCapabilities: Codable, Hashable, Sendable {
    public var workspace: Workspace?
    public var window: Window?
    public var general: General?

    public init(workspace: Workspace? = nil, window: Window? = nil, general: General? = nil) {
        self.workspace = workspace
        self.window = window
        self.general = general
    }

    public struct Workspace: Codable, Hashable, Sendable {
        /// The client answers `workspace/configuration`.
        public var configuration: Bool?
        /// The client sends `workspace/didChangeWorkspaceFolders`.
        public var workspaceFolders: Bool?
        public var didChangeWatchedFiles: DynamicRegistration?
        public var didChangeConfiguration: DynamicRegistration?
        public init(configuration: Bool? = nil, workspaceFolders: Bool? = nil,
                    didChangeWatchedFiles: DynamicRegistration? = nil,
                    didChangeConfiguration: DynamicRegistration? = nil) {
            self.configuration = configuration
            self.workspaceFolders = workspaceFolders
            self.didChangeWatchedFiles = didChangeWatchedFiles
            self.didChangeConfiguration = didChangeConfiguration
        }
    }

    public struct DynamicRegistration: Codable, Hashable, Sendable {
        public var dynamicRegistration: Bool?
        public init(dynamicRegistration: Bool? = nil) { self.dynamicRegistration = dynamicRegistration }
    }

    public struct Window: Codable, Hashable, Sendable {
        /// The client accepts `window/workDoneProgress/create` and shows `$/progress`.
        public var workDoneProgress: Bool?
        public init(workDoneProgress: Bool? = nil) { self.workDoneProgress = workDoneProgress }
    }

    public struct General: Codable, Hashable, Sendable {
        /// Encodings the client supports, most preferred first. Absent means UTF-16 only.
        public var positionEncodings: [PositionEncodingKind]?
        public init(positionEncodings: [PositionEncodingKind]? = nil) { self.positionEncodings = positionEncodings }
    }
}
