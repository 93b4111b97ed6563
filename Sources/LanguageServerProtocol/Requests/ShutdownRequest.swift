/// `shutdown`: stop working and answer; the `exit` notification follows.
public struct ShutdownRequest: RequestType, Hashable {
    public static let method = "shutdown"
    public typealias Response = VoidResponse
    public init() {}
}
