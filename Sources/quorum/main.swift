import QuorumCLI

await Quorum.entry()
