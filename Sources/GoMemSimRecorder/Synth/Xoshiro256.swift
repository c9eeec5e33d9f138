import GoMemSimTrace
/// The generators' source of randomness: xoshiro256** (Blackman & Vigna, 2018,
/// https://prng.di.unimi.it/), seeded by expanding one 64-bit seed with SplitMix64 as
/// its authors recommend.
///
/// It is ours, not the platform's, so a seed means the same stream of numbers on every
/// machine and Swift version: same parameters and seed ⇒ the same trace, bit for bit.
///
/// ```
/// var random = Xoshiro256(seed: 1)
/// let slot = random.next(below: 1 << 24)   // uniform, unbiased
/// let u = random.nextDouble()              // [0, 1)
/// ```
public struct Xoshiro256: Sendable, Hashable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var splitMix = SplitMix64(state: seed)
        s0 = splitMix.next()
        s1 = splitMix.next()
        s2 = splitMix.next()
        s3 = splitMix.next()
    }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 { nextBits() }

    @usableFromInline @inline(__always)
    mutating func nextBits() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (0 when `bound` is 0), without modulo bias
    /// (Lemire, "Fast random integer generation in an interval", 2019).
    @inlinable
    public mutating func next(below bound: UInt64) -> UInt64 {
        guard bound > 1 else { return 0 }
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// `true` with probability `p` (always `false` for p ≤ 0, always `true` for p ≥ 1).
    @inlinable
    public mutating func nextBool(probability p: Double) -> Bool {
        if p <= 0 { return false }
        if p >= 1 { return true }
        return nextDouble() < p
    }
}

@usableFromInline @inline(__always)
func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

/// SplitMix64 (Steele, Lea & Flood, 2014): turns one seed into well-mixed words; used
/// to seed ``Xoshiro256`` and as the round function of ``FeistelPermutation``.
public struct SplitMix64: Sendable, Hashable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mixing function.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
