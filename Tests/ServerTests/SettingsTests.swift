import LanguageServerProtocol
import Server
import XCTest

final class SettingsTests: XCTestCase {
    func testNullAndEmptyAreDefaults() {
        for json: LSPAny? in [nil, .null, [:], ["quorum": nil], ["quorum": [:]]] {
            let (settings, problems) = Settings.defaults.applying(json)
            XCTAssertEqual(settings, .defaults, "\(String(describing: json))")
            XCTAssertEqual(problems, [])
        }
    }

    func testValidSettings() {
        let json: LSPAny = ["model": ["path": "/m/q.gguf", "contextSize": 8192, "threads": 2],
                            "cacheDir": "/tmp/c", "languages": ["python": false], "exclude": ["**/gen/**"]]
        let (settings, problems) = Settings.defaults.applying(json)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(settings.model, Settings.Model(path: "/m/q.gguf", contextSize: 8192, threads: 2))
        XCTAssertEqual(settings.cacheDir, "/tmp/c")
        XCTAssertFalse(settings.isEnabled(language: "python"))
        XCTAssertTrue(settings.isEnabled(language: "swift"))
        XCTAssertEqual(settings.exclude, ["**/gen/**"])
    }

    func testQuorumSectionIsUnwrapped() {
        let (settings, problems) = Settings.defaults.applying(["quorum": ["model": ["threads": 4]], "pylsp": ["x": 1]])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(settings.model.threads, 4)
    }

    func testUnknownAndWrongSettingsAreNamedAndIgnored() {
        let json: LSPAny = ["model": ["contextSize": "big", "threads": -1, "temperature": 1],
                            "languages": ["go": "yes"], "exclude": ["ok", 3], "colour": "red", "cacheDir": 5]
        let (settings, problems) = Settings.defaults.applying(json)
        XCTAssertEqual(Set(problems.map(\.setting)),
                       ["model.contextSize", "model.threads", "model.temperature", "languages.go", "exclude[1]",
                        "colour", "cacheDir"])
        XCTAssertEqual(settings.model, Settings.defaults.model)
        XCTAssertEqual(settings.exclude, ["ok"])
        XCTAssertEqual(settings.cacheDir, Settings.defaults.cacheDir)
        XCTAssertTrue(problems.allSatisfy { $0.description.contains("ignored") })
    }

    func testLayersOverrideInOrder() {
        let base = Settings.defaults.applying(["model": ["threads": 2, "contextSize": 1024]]).settings
        let top = base.applying(["model": ["threads": 8]]).settings
        XCTAssertEqual(top.model.threads, 8)
        XCTAssertEqual(top.model.contextSize, 1024)
    }
}
