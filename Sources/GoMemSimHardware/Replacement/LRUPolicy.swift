/// Exact LRU with small age counters: the ways of a set hold a permutation of ages
/// `0..<ways` (0 = most recent). A use of a way of age `a` ages every younger way by one
/// and makes it 0; the victim is the way of age `ways - 1`. One byte per way keeps a
/// 16-way set's state in 16 contiguous bytes (one host cache line), which is what makes
/// a 32 MiB simulated L3 affordable.
public struct LRUPolicy: ReplacementPolicy {
    @usableFromInline var ages: [UInt8]
    @usableFromInline let ways: Int

    public init(sets: Int, ways: Int, seed: UInt64) {
        precondition(ways <= 256, "LRU ages are bytes")  // profiles allow at most 128 ways
        self.ways = ways
        ages = [UInt8](repeating: 0, count: sets * ways)
        for s in 0..<sets {
            for w in 0..<ways { ages[s * ways + w] = UInt8(truncatingIfNeeded: w) }
        }
    }

    @inlinable @inline(__always)
    public mutating func hit(set: Int, way: Int) {
        let base = set &* ways
        let n = ways
        ages.withUnsafeMutableBufferPointer { a in
            let age = a[base &+ way]
            guard age != 0 else { return }
            var w = 0
            while w < n {
                let v = a[base &+ w]
                a[base &+ w] = v &+ (v < age ? 1 : 0)
                w &+= 1
            }
            a[base &+ way] = 0
        }
    }

    @inlinable @inline(__always)
    public mutating func filled(set: Int, way: Int) { hit(set: set, way: way) }

    @inlinable
    public mutating func victim(set: Int) -> Int {
        let base = set &* ways
        let oldest = UInt8(truncatingIfNeeded: ways - 1)
        return ages.withUnsafeBufferPointer { a in
            var w = 0
            while w < ways {
                if a[base &+ w] == oldest { return w }
                w &+= 1
            }
            return 0
        }
    }
}
