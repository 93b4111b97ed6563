/// One function-like symbol in a call hierarchy. `data` carries the index's identity of the symbol
/// (path and row), so incoming/outgoing requests find it again without a position.
public struct CallHierarchyItem: ResponseType, Hashable {
    public var name: String
    public var kind: Int
    public var detail: String?
    public var uri: String
    public var range: LSPRange
    public var selectionRange: LSPRange
    public var data: LSPAny?

    public init(name: String, kind: Int, detail: String?, uri: String, range: LSPRange, selectionRange: LSPRange,
                data: LSPAny?) {
        self.name = name
        self.kind = kind
        self.detail = detail
        self.uri = uri
        self.range = range
        self.selectionRange = selectionRange
        self.data = data
    }
}

public struct CallHierarchyIncomingCall: ResponseType, Hashable {
    public var from: CallHierarchyItem
    public var fromRanges: [LSPRange]
    public init(from: CallHierarchyItem, fromRanges: [LSPRange]) { self.from = from; self.fromRanges = fromRanges }
}

public struct CallHierarchyOutgoingCall: ResponseType, Hashable {
    public var to: CallHierarchyItem
    public var fromRanges: [LSPRange]
    public init(to: CallHierarchyItem, fromRanges: [LSPRange]) { self.to = to; self.fromRanges = fromRanges }
}
