// Keeps the test target buildable until its owner adds tests (SwiftPM rejects empty target folders).
import XCTest
