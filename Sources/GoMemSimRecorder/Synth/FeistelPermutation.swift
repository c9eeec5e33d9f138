import GoMemSimTrace
/// A seeded pseudo-random bijection of `0..<count` computed on demand, in O(1) memory.
///
/// A pointer chase over a 1 GiB buffer visits 16 M cache lines in a random cyclic order;
/// storing that order would cost 128 MiB. Instead the order is `σ(0), σ(1), …, σ(n−1)`
/// where σ is this permutation: a 4-round Feistel network over the smallest power of two
/// ≥ `count` (halves of ⌊b/2⌋ and ⌈b/2⌉ bits, each round XORs one half with a SplitMix64
/// hash of the other, so every round is invertible), restricted to `0..<count` by
/// cycle walking (re-apply until the value falls inside; Black & Rogaway, "Ciphers with
/// arbitrary finite domains", 2002). Visiting `σ(k)` then `σ(k+1 mod n)` is a single
/// cycle through every slot by construction.
///
/// ```
/// let order = FeistelPermutation(count: 1_000, seed: 7)
/// let first = order[0], second = order[1]   // distinct, both < 1_000
/// ```
///
/// Cycle walking ends because the domain is less than twice `count`: on average fewer
/// than two rounds of the network per lookup.
public struct FeistelPermutation: Sendable {
    public let count: UInt64
    private let rightBits: UInt64
    private let leftMask: UInt64
    private let rightMask: UInt64
    private let keys: (UInt64, UInt64, UInt64, UInt64)

    public init(count: UInt64, seed: UInt64) {
        self.count = count
        let usedBits = count <= 1 ? 0 : 64 - (count - 1).leadingZeroBitCount
        let bits = UInt64(max(2, usedBits))
        let leftBits = bits / 2
        rightBits = bits - leftBits
        leftMask = (1 << leftBits) - 1
        rightMask = (1 << rightBits) - 1
        var splitMix = SplitMix64(state: seed ^ 0x5045_524D_5554_4521)  // "PERMUTE!"
        keys = (splitMix.next(), splitMix.next(), splitMix.next(), splitMix.next())
    }

    /// σ(index), for `index` in `0..<count`.
    @inlinable
    public subscript(index: UInt64) -> UInt64 {
        var value = index
        repeat { value = networkPass(value) } while value >= count
        return value
    }

    /// One pass of the Feistel network over the power-of-two domain.
    @usableFromInline
    func networkPass(_ value: UInt64) -> UInt64 {
        var left = value >> rightBits
        var right = value & rightMask
        left ^= SplitMix64.mix(right ^ keys.0) & leftMask
        right ^= SplitMix64.mix(left ^ keys.1) & rightMask
        left ^= SplitMix64.mix(right ^ keys.2) & leftMask
        right ^= SplitMix64.mix(left ^ keys.3) & rightMask
        return (left << rightBits) | right
    }
}
