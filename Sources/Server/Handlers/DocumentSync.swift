import IDE
import Foundation
import Syntax
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
        if let path = LanguageServer.path(ofURI: item.uri) {
            let bytes = Array(item.text.utf8)
            indexHost.enqueue { try $0.applyEdit(path: path, edit: nil, newContents: bytes) }
        }
    }

    func didChange(_ notification: DidChangeTextDocumentNotification) throws {
        let changes = notification.contentChanges.map { change in
            DocumentChange(range: change.range.map { (TextPosition($0.start), TextPosition($0.end)) }, text: change.text)
        }
        let uri = notification.textDocument.uri
        let edits = try lock.withLock { () -> [(InputEdit?, [UInt8])] in
            let old = try state.documents.document(uri)
            try state.documents.change(uri: uri, version: notification.textDocument.version,
                                       changes: changes, encoding: state.encoding)
            return LanguageServer.inputEdits(from: old, changes: changes, encoding: state.encoding)
        }
        if let path = LanguageServer.path(ofURI: uri) {
            indexHost.enqueueEdit { index in
                for (edit, bytes) in edits { try index.applyEdit(path: path, edit: edit, newContents: bytes) }
            }
        }
    }

    func didClose(_ notification: DidCloseTextDocumentNotification) throws {
        try lock.withLock { try state.documents.close(uri: notification.textDocument.uri) }
        if let path = LanguageServer.path(ofURI: notification.textDocument.uri) {
            // The file on disk is the truth again once the editor lets go of it.
            indexHost.enqueue { index in
                index.closeDocument(path: path)
                if FileManager.default.fileExists(atPath: path) { try index.updateFile(path: path) } else { try index.removeFile(path: path) }
            }
        }
    }

    func didSave(_ notification: DidSaveTextDocumentNotification) throws {
        let open = lock.withLock { state.documents.isOpen(notification.textDocument.uri) }
        // Saving a document that is not open is legal (a client may save without opening); only note it.
        logger.debug("saved \(notification.textDocument.uri)\(open ? "" : " (not open)")")
    }
}
