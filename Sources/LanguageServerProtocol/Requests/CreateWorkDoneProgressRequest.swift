/// `window/workDoneProgress/create` (server → client): announce a progress token before sending `$/progress`.
public struct CreateWorkDoneProgressRequest: RequestType, Hashable {
    public static let method = "window/workDoneProgress/create"
    public typealias Response = VoidResponse

    public var token: ProgressToken
    public init(token: ProgressToken) { self.token = token }
}
