/// Which line of a full set a cache evicts: the replacement policy.
///
/// A policy is a small value holding what is global to its cache (a clock, a seeded
/// generator); its per-set state (age stamps, tree bits) lives in the cache's set blocks,
/// right after the set's entries, so one set's lookup, fill and victim choice read
/// neighbouring host lines (``Cache``). The policy says how many words a set needs and is
/// handed a pointer to them. ``Cache`` is generic over it, so the per-access calls below
/// are direct and inlined, never dynamic dispatch (ChampSim's replacement plug-ins, as
/// specialised code).
///
/// The cache finds hits and empty ways itself; the policy only hears about uses and
/// fills and picks a victim when every way of the set holds a line.
public protocol ReplacementPolicy {
    /// Global state for `sets` sets of `ways` ways; `seed` drives any randomness.
    init(sets: Int, ways: Int, seed: UInt64)
    /// The policy for a cache of a profile naming `kind`. A type that is one policy
    /// ignores `kind` (the default); ``ProfilePolicy`` becomes the policy named.
    init(_ kind: ReplacementKind, sets: Int, ways: Int, seed: UInt64)
    /// 64-bit words of per-set state for sets of `ways` ways (zeroed, then ``initialize(_:)``).
    static func stateWords(ways: Int) -> Int
    /// Sets up the state of one set at `state` when the cache is made.
    func initialize(_ state: UnsafeMutableRawPointer)
    /// A demand hit on `way` of the set whose state is at `state`.
    mutating func hit(_ state: UnsafeMutableRawPointer, way: Int)
    /// A new line was placed in `way` of the set whose state is at `state`.
    mutating func filled(_ state: UnsafeMutableRawPointer, way: Int)
    /// The way to evict from the full set whose state is at `state`.
    mutating func victim(_ state: UnsafeMutableRawPointer) -> Int
    /// Picks the victim of the full set whose state is at `state` and records its refill:
    /// ``victim(_:)`` then ``filled(_:way:)`` (the default), in one step where the policy
    /// knows a cheaper one (an LRU list rotates its last way to the front). Returns the way.
    mutating func refill(_ state: UnsafeMutableRawPointer) -> Int
    /// Whether every set's state must be rewritten before the next `hit` or `filled`
    /// (an exact LRU's clock about to wrap).
    var needsRenumber: Bool { get }
    /// Rewrites the state of all `sets` sets, the first at `first`, `strideBytes` apart.
    mutating func renumber(_ first: UnsafeMutableRawPointer, sets: Int, strideBytes: Int)
    /// Whether a set's whole state is one ``RecencyList`` that a hit and a fill move the way
    /// to the front of, the least recent way being the victim, and nothing else changes
    /// (exact LRU up to 16 ways): the hierarchy's flat path then keeps the level as a
    /// ``FlatLRUArray`` instead (the same hits and victims).
    var keepsRecencyList: Bool { get }
}

extension ReplacementPolicy {
    public init(_ kind: ReplacementKind, sets: Int, ways: Int, seed: UInt64) { self.init(sets: sets, ways: ways, seed: seed) }
    public func initialize(_ state: UnsafeMutableRawPointer) {}
    @inlinable @inline(__always)
    public mutating func refill(_ state: UnsafeMutableRawPointer) -> Int {
        let way = victim(state)
        filled(state, way: way)
        return way
    }
    public var needsRenumber: Bool { false }
    public var keepsRecencyList: Bool { false }
    public mutating func renumber(_ first: UnsafeMutableRawPointer, sets: Int, strideBytes: Int) {}
}

/// The policies a profile can name.
public enum ReplacementKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// Exact least-recently-used (Cache Lab's and Cachegrind's policy).
    case lru
    /// Tree pseudo-LRU: one bit per internal node of a binary tree over the ways (Intel L1/L2).
    case treePLRU = "tree-plru"
    /// First in, first out: hits do not refresh a line.
    case fifo
    /// A seeded pseudo-random way.
    case random
}
