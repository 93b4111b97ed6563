import IDE
import LanguageServerProtocol

// Document updates run inline on the reader thread (class `.update`), so every later request sees them.
// A refused update (unknown document, position outside it) leaves the document as it was and is reported in the
// client's log: a notification cannot be answered.

extension LanguageServer {
    func didOpen(_ notification: DidOpenTextDocumentNotification) throws {
        let item = notification.textDocument
        try lock.withLock {
            try state.documents.open(uri: item.uri, languageId: item.languageId, version: item.version, text: item.text)
        }
    }

    func didChange(_ notification: DidChangeTextDocumentNotification) throws {
        let changes = notification.contentChanges.map { change in
            DocumentChange(range: change.range.map { (TextPosition($0.start), TextPosition($0.end)) }, text: change.text)
        }
        try lock.withLock {
            try state.documents.change(uri: notification.textDocument.uri, version: notification.textDocument.version,
                                       changes: changes, encoding: state.encoding)
        }
    }

    func didClose(_ notification: DidCloseTextDocumentNotification) throws {
        try lock.withLock { try state.documents.close(uri: notification.textDocument.uri) }
    }

    func didSave(_ notification: DidSaveTextDocumentNotification) throws {
        let open = lock.withLock { state.documents.isOpen(notification.textDocument.uri) }
        // Saving a document that is not open is legal (a client may save without opening); only note it.
        logger.debug("saved \(notification.textDocument.uri)\(open ? "" : " (not open)")")
    }
}
