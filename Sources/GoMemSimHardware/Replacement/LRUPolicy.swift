/// Exact LRU: every way carries the stamp of its last use; the victim is the oldest.
/// A 64-bit stamp never wraps in a run, so the order is exact.
public struct LRUPolicy: ReplacementPolicy {
    @usableFromInline var stamps: [UInt64]
    @usableFromInline var clock: UInt64 = 0
    @usableFromInline let ways: Int

    public init(sets: Int, ways: Int, seed: UInt64) {
        self.ways = ways
        stamps = [UInt64](repeating: 0, count: sets * ways)
    }

    @inlinable @inline(__always)
    public mutating func hit(set: Int, way: Int) {
        clock &+= 1
        stamps[set &* ways &+ way] = clock
    }

    @inlinable @inline(__always)
    public mutating func filled(set: Int, way: Int) { hit(set: set, way: way) }

    @inlinable
    public mutating func victim(set: Int) -> Int {
        stamps.withUnsafeBufferPointer { s in
            let base = set &* ways
            var best = 0
            var oldest = s[base]
            var w = 1
            while w < ways {
                if s[base &+ w] < oldest { oldest = s[base &+ w]; best = w }
                w &+= 1
            }
            return best
        }
    }
}
