/// Tree pseudo-LRU over a power-of-two number of ways (at most 64).
///
/// The ways are the leaves of a binary tree; each of the `ways - 1` internal nodes
/// (heap-numbered from 1) keeps one bit saying which half the next victim comes from
/// (0 = left). A use flips the bits on its path to point away from it; the victim is
/// found by following the bits from the root. A set's bits are one word of its block.
public struct TreePLRUPolicy: ReplacementPolicy {
    @usableFromInline let depth: Int

    public init(sets: Int, ways: Int, seed: UInt64) {
        depth = ways.trailingZeroBitCount  // validated: ways is a power of two
    }

    public static func stateWords(ways: Int) -> Int { 1 }

    @inlinable @inline(__always)
    public mutating func hit(_ state: UnsafeMutableRawPointer, way: Int) {
        var node = 1
        var b = state.load(as: UInt64.self)
        var level = depth - 1
        while level >= 0 {
            let right = (way >> level) & 1
            // Point away from the half just used.
            if right == 1 { b &= ~(1 << UInt64(node)) } else { b |= 1 << UInt64(node) }
            node = node << 1 | right
            level -= 1
        }
        state.storeBytes(of: b, as: UInt64.self)
    }

    @inlinable @inline(__always)
    public mutating func filled(_ state: UnsafeMutableRawPointer, way: Int) { hit(state, way: way) }

    @inlinable
    public mutating func victim(_ state: UnsafeMutableRawPointer) -> Int {
        let b = state.load(as: UInt64.self)
        var node = 1
        for _ in 0..<depth {
            node = node << 1 | Int((b >> UInt64(node)) & 1)
        }
        return node - (1 << depth)
    }
}
