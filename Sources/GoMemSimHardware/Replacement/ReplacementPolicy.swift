/// Which line of a full set a cache evicts: the replacement policy.
///
/// A policy is a small value that owns its per-set state (age stamps, tree bits, a
/// seeded generator). ``Cache`` is generic over it, so the per-access calls below are
/// direct and inlined, never dynamic dispatch (ChampSim's replacement plug-ins, as
/// specialised code).
///
/// The cache finds hits and empty ways itself; the policy only hears about uses and
/// fills and picks a victim when every way of the set holds a line.
public protocol ReplacementPolicy {
    /// State for `sets` sets of `ways` ways; `seed` drives any randomness.
    init(sets: Int, ways: Int, seed: UInt64)
    /// A demand hit on `way` of `set`.
    mutating func hit(set: Int, way: Int)
    /// A new line was placed in `way` of `set`.
    mutating func filled(set: Int, way: Int)
    /// The way of the full `set` to evict.
    mutating func victim(set: Int) -> Int
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
