/// `callHierarchy/outgoingCalls`: what an item calls.
public struct CallHierarchyOutgoingCallsRequest: RequestType, Hashable {
    public static let method = "callHierarchy/outgoingCalls"
    public typealias Response = [CallHierarchyOutgoingCall]
    public var item: CallHierarchyItem
}
