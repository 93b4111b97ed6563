import QuorumCLI

Quorum.entry()
