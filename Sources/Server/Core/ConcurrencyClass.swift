/// How a message may overlap with others. Every message gets exactly one class, in the dispatch table
/// (`LanguageServer.route(for:)`), which is the only place that decides what may run in parallel.
///
/// The rule that makes it safe: the connection hands messages over one at a time on its reader thread,
/// and `.update` and `.serial` messages are handled right there, before the next message is read.
/// Requests take an immutable snapshot of the state on that same thread and then run as their own task,
/// so they see every update received before them, none received after, and never block anything.
public enum ConcurrencyClass: String, Sendable {
    /// Mutates documents, folders, settings or trace (didOpen, didChange, didChangeConfiguration, …):
    /// applied inline, in arrival order.
    case update
    /// Lifecycle requests (initialize, shutdown): handled inline, so nothing can overtake them.
    /// Shutdown's answer additionally waits for every earlier request to finish (`Route.barrier`).
    case serial
    /// Reads one document (hover, definition, …): gets a snapshot of that document, runs concurrently.
    case documentRequest
    /// Reads the whole workspace (status, workspace symbols, …): gets a snapshot of all state, runs concurrently.
    case workspaceRequest
    /// Needs no state (debug sleep, cancellation): runs concurrently at once.
    case freestanding
}
