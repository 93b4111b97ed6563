/// `$/setTrace`: how much `$/logTrace` the client wants.
public struct SetTraceNotification: NotificationType, Hashable {
    public static let method = "$/setTrace"
    public var value: TraceValue
    public init(value: TraceValue) { self.value = value }
}
