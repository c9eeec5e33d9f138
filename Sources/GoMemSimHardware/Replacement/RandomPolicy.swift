/// A pseudo-random victim from a seeded SplitMix64 generator: deterministic per seed.
public struct RandomPolicy: ReplacementPolicy {
    @usableFromInline var state: UInt64
    @usableFromInline let ways: UInt64

    public init(sets: Int, ways: Int, seed: UInt64) {
        state = seed
        self.ways = UInt64(ways)
    }

    public static func stateWords(ways: Int) -> Int { 0 }

    @inlinable @inline(__always) public mutating func hit(_ state: UnsafeMutableRawPointer, way: Int) {}
    @inlinable @inline(__always) public mutating func filled(_ state: UnsafeMutableRawPointer, way: Int) {}

    @inlinable
    public mutating func victim(_ set: UnsafeMutableRawPointer) -> Int {
        Int(SplitMix64.next(&state) % ways)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed 64-bit generator.
public enum SplitMix64 {
    @inlinable @inline(__always)
    public static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
