/// `workspace/symbol`: definitions across the workspace whose names fuzzily match the query.
public struct WorkspaceSymbolRequest: RequestType, Hashable {
    public static let method = "workspace/symbol"
    public typealias Response = [SymbolInformation]
    public var query: String
    public init(query: String) { self.query = query }
}

public struct SymbolInformation: ResponseType, Hashable {
    public var name: String
    public var kind: Int
    public var location: Location
    public var containerName: String?
    public init(name: String, kind: Int, location: Location, containerName: String?) {
        self.name = name
        self.kind = kind
        self.location = location
        self.containerName = containerName
    }
}
