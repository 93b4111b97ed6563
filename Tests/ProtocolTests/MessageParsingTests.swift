import JSONRPC
import LanguageServerProtocol
import XCTest

final class MessageParsingTests: XCTestCase {
    private func parse(_ text: String) -> Result<IncomingMessage, MessageParseFailure> {
        IncomingMessage.parse(Array(text.utf8))
    }

    func testRequestNotificationResponse() {
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":1}}"#).get(),
                       .request(id: .number(1), method: "m", params: ["a": 1]))
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","id":"x","method":"m"}"#).get(),
                       .request(id: .string("x"), method: "m", params: nil))
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","method":"n"}"#).get(), .notification(method: "n", params: nil))
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","id":3,"result":null}"#).get(),
                       .response(id: .number(3), result: .success(.null)))
        XCTAssertEqual(try parse(#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no"}}"#).get(),
                       .response(id: .number(3), result: .failure(ResponseError(code: -1, message: "no"))))
    }

    func testBadJSONIsParseErrorWithNullID() {
        for text in [#"{"jsonrpc":"2.0","#, "", "nul"] {
            guard case .failure(let failure) = parse(text) else { return XCTFail(text) }
            XCTAssertEqual(failure.error.code, -32700, text)
            XCTAssertNil(failure.id)
        }
    }

    func testInvalidUTF8IsParseError() {
        guard case .failure(let failure) = IncomingMessage.parse([0x7B, 0xFF, 0xFE, 0x7D]) else { return XCTFail() }
        XCTAssertEqual(failure.error.code, -32700)
        XCTAssertTrue(failure.error.message.contains("UTF-8"))
    }

    func testValidJSONThatIsNotAMessage() {
        let cases: [(String, RequestID?)] = [
            ("[1,2]", nil), ("42", nil), (#"{"hello":1}"#, nil),
            (#"{"jsonrpc":"1.0","id":7,"method":"m"}"#, .number(7)),
            (#"{"jsonrpc":"2.0","id":7,"method":5}"#, .number(7)),
            (#"{"jsonrpc":"2.0","id":null,"method":"m"}"#, nil),
            (#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#, nil),
            (#"{"jsonrpc":"2.0","id":8,"method":"m","params":3}"#, .number(8)),
        ]
        for (text, id) in cases {
            guard case .failure(let failure) = parse(text) else { return XCTFail(text) }
            XCTAssertEqual(failure.error.code, -32600, text)
            XCTAssertEqual(failure.id, id, text)
        }
    }

    func testParamsErrorsNameTheField() throws {
        XCTAssertThrowsError(try decodeParams(DidOpenTextDocumentNotification.self, from: ["textDocument": ["uri": "u"]])) {
            let error = $0 as? ResponseError
            XCTAssertEqual(error?.code, -32602)
            XCTAssertTrue(error?.message.contains("`params.textDocument.languageId`") == true, error?.message ?? "")
        }
        XCTAssertThrowsError(try decodeParams(CancelRequestNotification.self, from: ["id": true])) {
            XCTAssertTrue(($0 as? ResponseError)?.message.contains("`params.id`") == true, "\($0)")
        }
        let change: LSPAny = ["textDocument": ["uri": "u", "version": 1],
                              "contentChanges": [["range": ["start": ["line": 0, "character": "x"]], "text": ""]]]
        XCTAssertThrowsError(try decodeParams(DidChangeTextDocumentNotification.self, from: change)) {
            let message = ($0 as? ResponseError)?.message ?? ""
            XCTAssertTrue(message.contains("`params.contentChanges[0].range.start.character`"), message)
        }
    }

    func testAbsentParamsDecodeAsEmpty() throws {
        XCTAssertEqual(try decodeParams(ShutdownRequest.self, from: nil), ShutdownRequest())
        XCTAssertEqual(try decodeParams(ShutdownRequest.self, from: .null), ShutdownRequest())
    }

    func testLSPAnyRoundTrip() throws {
        let value: LSPAny = ["a": [1, 2.5, "s", true, nil], "b": ["c": [:]]]
        let data = try JSONEncoder().encode(value)
        XCTAssertEqual(try JSONDecoder().decode(LSPAny.self, from: data), value)
    }

    func testInitializeDecodesMinimalAndRichClients() throws {
        let minimal = try decodeParams(InitializeRequest.self, from: ["processId": nil, "rootUri": nil, "capabilities": [:]])
        XCTAssertNil(minimal.processId)
        let rich: LSPAny = ["processId": 12, "rootUri": "file:///r/", "initializationOptions": [:],
                            "capabilities": ["general": ["positionEncodings": ["utf-8", "utf-16"]],
                                             "workspace": ["configuration": true, "unknownThing": [1, 2]],
                                             "textDocument": ["hover": ["contentFormat": ["markdown"]]]],
                            "workspaceFolders": [["uri": "file:///r", "name": "r"]], "trace": "verbose"]
        let request = try decodeParams(InitializeRequest.self, from: rich)
        XCTAssertEqual(request.capabilities?.general?.positionEncodings, [.utf8, .utf16])
        XCTAssertEqual(request.trace, .verbose)
    }
}
