/// `workspace/configuration` (server → client): pull the settings of some sections.
public struct WorkspaceConfigurationRequest: RequestType, Hashable {
    public static let method = "workspace/configuration"
    /// One value per item, in order; `null` for sections the client does not know.
    public typealias Response = [LSPAny]

    public var items: [ConfigurationItem]
    public init(items: [ConfigurationItem]) { self.items = items }
}
