/// The version `quorum --version` prints and `initialize` reports as serverInfo.
public let quorumVersion = "0.1.0"
