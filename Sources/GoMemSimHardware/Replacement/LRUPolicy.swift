/// Exact LRU: each way carries a 32-bit stamp of its last use; the victim is the way with
/// the oldest stamp. A hit is one store; only a miss scans the set. When the clock is about
/// to wrap (every 2^32 uses) the stamps of every set are renumbered by rank, which keeps
/// the order, so LRU stays exact over any run length. 32-bit stamps keep a 16-way set's
/// state in 64 contiguous bytes (one host cache line).
public struct LRUPolicy: ReplacementPolicy {
    @usableFromInline var stamps: [UInt32]
    @usableFromInline var clock: UInt32 = 0
    @usableFromInline let ways: Int

    public init(sets: Int, ways: Int, seed: UInt64) {
        self.ways = ways
        stamps = [UInt32](repeating: 0, count: sets * ways)
    }

    @inlinable @inline(__always)
    public mutating func hit(set: Int, way: Int) {
        if clock == .max { renumber() }
        clock &+= 1
        stamps[set &* ways &+ way] = clock
    }

    @inlinable @inline(__always)
    public mutating func filled(set: Int, way: Int) { hit(set: set, way: way) }

    @inlinable @inline(__always)
    public mutating func victim(set: Int) -> Int {
        let base = set &* ways
        let n = ways
        return stamps.withUnsafeBufferPointer { s in
            if n & 3 == 0, let start = s.baseAddress {
                return Self.oldestWay(UnsafeRawPointer(start + base), ways: n)
            }
            var best = 0
            var oldest = s[base]
            var w = 1
            while w < n {
                let v = s[base &+ w]
                if v < oldest { oldest = v; best = w }
                w &+= 1
            }
            return best
        }
    }

    /// The first way holding the smallest of `ways` stamps at `stamps` (`ways` a multiple
    /// of four): the answer the way-by-way scan gives, four lanes at a time. Each lane keeps
    /// its earliest minimum (strict `<`), then the lanes' minima are compared with ties
    /// going to the lower way — so equal stamps resolve as the scan resolves them. The
    /// victim scan was a tenth of the hierarchy's time on random accesses (16-way L2/L3,
    /// 12-way STLB, 32-entry PDE cache).
    @inlinable @inline(__always)
    static func oldestWay(_ stamps: UnsafeRawPointer, ways: Int) -> Int {
        var best = stamps.loadUnaligned(as: SIMD4<UInt32>.self)
        var bestWay = SIMD4<UInt32>(0, 1, 2, 3)
        var way = bestWay
        var w = 4
        while w < ways {
            way &+= 4
            let v = stamps.loadUnaligned(fromByteOffset: w &* 4, as: SIMD4<UInt32>.self)
            let older = v .< best
            best.replace(with: v, where: older)
            bestWay.replace(with: way, where: older)
            w &+= 4
        }
        let oldest = SIMD4<UInt32>(repeating: best.min())
        return Int(bestWay.replacing(with: .max, where: best .!= oldest).min())
    }

    /// Replaces every set's stamps by their ranks (0 = oldest) and restarts the clock
    /// above them: same order, room for 2^32 more uses.
    @usableFromInline
    mutating func renumber() {
        let n = ways
        for base in stride(from: 0, to: stamps.count, by: n) {
            let order = (0..<n).sorted { stamps[base + $0] < stamps[base + $1] }
            for (rank, way) in order.enumerated() { stamps[base + way] = UInt32(rank) }
        }
        clock = UInt32(n)
    }
}
