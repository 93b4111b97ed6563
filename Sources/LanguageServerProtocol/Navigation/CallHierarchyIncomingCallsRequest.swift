/// `callHierarchy/incomingCalls`: who calls an item.
public struct CallHierarchyIncomingCallsRequest: RequestType, Hashable {
    public static let method = "callHierarchy/incomingCalls"
    public typealias Response = [CallHierarchyIncomingCall]
    public var item: CallHierarchyItem
}
