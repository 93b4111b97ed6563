/// `client/registerCapability` (server → client): ask the client to start sending something, e.g. file watching.
public struct RegisterCapabilityRequest: RequestType, Hashable {
    public static let method = "client/registerCapability"
    public typealias Response = VoidResponse

    public var registrations: [Registration]
    public init(registrations: [Registration]) { self.registrations = registrations }
}
