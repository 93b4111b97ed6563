// The in-memory half: a trie over token blocks whose edges are chain hashes, with LRU eviction of leaves.
//
// Because a block's chain hash already encodes its whole prefix, the trie needs no per-node child tables: the
// children of node n are exactly the nodes whose parent is n, and a walk down the trie is a series of dictionary
// probes with successive chain hashes. Nodes keep a strong reference to their parent and a count of children.
//
// Eviction invariant: every node is more recently used than all of its descendants. Lookups and inserts touch
// the whole matched path from its deepest node up to block 0, so the root side always ends up newer. Then the
// least-recently-used node is always a leaf, eviction is O(1), and shared prefixes outlive the branches that
// hang off them.

/// One cached block. Its mutable fields are only touched under `PromptCache`'s lock, which is what makes
/// handing nodes to the writer queue's completion safe.
final class TrieNode: @unchecked Sendable {
    let hash: Hash128
    let block: KVBlock
    /// Block index in the prompt: 0 for the first block.
    let depth: Int
    let parent: TrieNode?
    var childCount = 0
    /// Whether the block is known to be stored in LMDB (written by this process, or loaded from it), so that
    /// inserting the same prefix again costs no disk write. A block later deleted from disk by eviction keeps
    /// the flag while it stays in memory; it is written again after it has left memory and come back.
    var onDisk = false
    /// LRU links. The trie's dictionary owns the nodes, so the list does not need to.
    unowned(unsafe) var older: TrieNode?
    unowned(unsafe) var newer: TrieNode?

    init(hash: Hash128, block: KVBlock, depth: Int, parent: TrieNode?) {
        self.hash = hash
        self.block = block
        self.depth = depth
        self.parent = parent
    }
}

/// The radix trie plus its LRU list. Not thread-safe: `PromptCache` holds its lock around every call.
struct PrefixTrie {
    private(set) var nodes: [Hash128: TrieNode] = [:]
    /// Least recently used end of the list: the next eviction victim.
    private var oldest: TrieNode?
    /// Most recently used end.
    private var newest: TrieNode?
    /// Sum of `block.byteCount` over all nodes.
    private(set) var bytes = 0
    /// The byte budget; eviction brings `bytes` back under it.
    var budget: Int
    /// Blocks evicted so far.
    private(set) var evictions = 0

    init(budget: Int) { self.budget = budget }

    var count: Int { nodes.count }

    /// Walks down the trie along `hashes` (the prompt's chain hashes in order), checking that each node holds
    /// the expected tokens, and returns the matched path from block 0. Does not touch the LRU order.
    func walk(_ hashes: [Hash128], tokens: (Int) -> ArraySlice<TokenID>) -> [TrieNode] {
        var path: [TrieNode] = []
        for (i, h) in hashes.enumerated() {
            // A parent check and a token comparison guard against the (negligible) chance of a hash collision;
            // a collision must read as a miss, never as someone else's KV rows.
            guard let node = nodes[h], node.parent === path.last, node.block.tokens[...] == tokens(i) else { break }
            path.append(node)
        }
        return path
    }

    /// Whether a cached block continues below `node` (for "longer" answers).
    func hasChildren(_ node: TrieNode) -> Bool { node.childCount > 0 }

    /// Returns the node for `hash`, creating it under `parent` when absent. The new node is the most recent one;
    /// call `touch` with the whole path afterwards to restore the eviction invariant.
    mutating func insert(hash: Hash128, block: KVBlock, parent: TrieNode?) -> (node: TrieNode, created: Bool) {
        if let existing = nodes[hash], existing.parent === parent { return (existing, false) }
        if let stale = nodes[hash] {
            // Same hash under another parent can only be a hash collision (parents are never evicted before
            // their children). The newer insert wins; the old node's descendants become unreachable and age out.
            remove(stale)
        }
        let node = TrieNode(hash: hash, block: block, depth: (parent?.depth ?? -1) + 1, parent: parent)
        nodes[hash] = node
        parent?.childCount += 1
        bytes += block.byteCount
        linkNewest(node)
        return (node, true)
    }

    /// Marks a path (block 0 first) as just used: deepest first, so that block 0 ends up the most recent.
    mutating func touch(_ path: [TrieNode]) {
        for node in path.reversed() {
            unlink(node)
            linkNewest(node)
        }
    }

    /// Evicts least-recently-used leaves until the byte budget holds. Returns the evicted chain hashes.
    @discardableResult
    mutating func evictToBudget() -> [Hash128] {
        var evicted: [Hash128] = []
        var candidate = oldest
        while bytes > budget, let node = candidate {
            // By the invariant the oldest node is a leaf; skipping non-leaves only guards against a caller that
            // touched a path out of order.
            candidate = node.newer
            guard node.childCount == 0 else { continue }
            // The parent of an evicted leaf may itself be a leaf now, and it is newer, so it is visited later.
            remove(node)
            evicted.append(node.hash)
            evictions += 1
        }
        return evicted
    }

    /// Removes every node.
    mutating func removeAll() {
        nodes.removeAll()
        oldest = nil
        newest = nil
        bytes = 0
    }

    /// Chain hashes from least to most recently used (for tests and diagnostics).
    var lruOrder: [Hash128] {
        var result: [Hash128] = []
        var n = oldest
        while let node = n {
            result.append(node.hash)
            n = node.newer
        }
        return result
    }

    private mutating func remove(_ node: TrieNode) {
        unlink(node)
        nodes[node.hash] = nil
        node.parent?.childCount -= 1
        bytes -= node.block.byteCount
    }

    private mutating func unlink(_ node: TrieNode) {
        if let older = node.older { older.newer = node.newer } else if oldest === node { oldest = node.newer }
        if let newer = node.newer { newer.older = node.older } else if newest === node { newest = node.older }
        node.older = nil
        node.newer = nil
    }

    private mutating func linkNewest(_ node: TrieNode) {
        node.older = newest
        node.newer = nil
        newest?.newer = node
        newest = node
        if oldest == nil { oldest = node }
    }
}
