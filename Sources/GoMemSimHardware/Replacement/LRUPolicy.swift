/// Exact LRU, in one of two forms by associativity (the same victims either way):
///
/// - up to 16 ways, the set's recency order packed in one word (``RecencyList``): a use
///   and a victim choice are a few ALU operations, and the order shares the set's block
///   with its entries (L1, L2, L3, the dTLBs and the STLB of every preset);
/// - above, a 32-bit stamp of each way's last use; the victim is the way with the oldest
///   stamp. A hit is one store; only a miss scans the set.
///
/// The clock counts uses. When it is about to wrap (every 2^32 uses) the stamps of every
/// set are renumbered by rank, which keeps the order, so LRU stays exact over any run
/// length; 32-bit stamps keep a 16-way set's stamps in 64 bytes.
public struct LRUPolicy: ReplacementPolicy {
    @usableFromInline var clock: UInt32 = 0
    @usableFromInline let ways: Int
    /// Whether sets keep a ``RecencyList`` (ways <= 16) rather than stamps.
    @usableFromInline let packed: Bool

    public init(sets: Int, ways: Int, seed: UInt64) {
        self.ways = ways
        packed = ways <= 16
    }

    /// One word of recency order, or one 32-bit stamp per way.
    public static func stateWords(ways: Int) -> Int { ways <= 16 ? 1 : (ways + 1) / 2 }

    public func initialize(_ state: UnsafeMutableRawPointer) {
        if packed { state.storeBytes(of: RecencyList.initial(ways: ways), as: UInt64.self) }
    }

    @inlinable @inline(__always)
    public mutating func hit(_ state: UnsafeMutableRawPointer, way: Int) {
        clock &+= 1  // the cache renumbers first when the clock is at its maximum
        if packed {
            state.storeBytes(of: RecencyList.touching(state.load(as: UInt64.self), way: way), as: UInt64.self)
        } else {
            state.storeBytes(of: clock, toByteOffset: way &* 4, as: UInt32.self)
        }
    }

    @inlinable @inline(__always)
    public mutating func filled(_ state: UnsafeMutableRawPointer, way: Int) { hit(state, way: way) }

    @inlinable @inline(__always)
    public mutating func victim(_ state: UnsafeMutableRawPointer) -> Int {
        let n = ways
        if packed { return RecencyList.leastRecent(state.load(as: UInt64.self), ways: n) }
        if n & 3 == 0 { return Self.oldestWay(UnsafeRawPointer(state), ways: n) }
        var best = 0
        var oldest = state.load(as: UInt32.self)
        var w = 1
        while w < n {
            let v = state.load(fromByteOffset: w &* 4, as: UInt32.self)
            if v < oldest { oldest = v; best = w }
            w &+= 1
        }
        return best
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

    @inlinable @inline(__always)
    public mutating func refill(_ state: UnsafeMutableRawPointer) -> Int {
        guard packed else { return refillStamps(state) }
        clock &+= 1  // as filled(_:way:) counts the use
        let r = RecencyList.rotatingLeastRecent(state.load(as: UInt64.self), ways: ways)
        state.storeBytes(of: r.list, as: UInt64.self)
        return r.way
    }

    /// ``refill(_:)`` of a set that keeps stamps, out of line so the packed case inlines small.
    @usableFromInline @inline(never)
    mutating func refillStamps(_ state: UnsafeMutableRawPointer) -> Int {
        let way = victim(state)
        filled(state, way: way)
        return way
    }

    @inlinable
    public var needsRenumber: Bool { clock == .max }

    /// Up to 16 ways: the clock then decides nothing (a renumbering only restarts it), so
    /// updating the recency list alone leaves the same victims.
    public var keepsRecencyList: Bool { packed }

    /// Replaces every set's stamps by their ranks (0 = oldest) and restarts the clock
    /// above them: same order, room for 2^32 more uses. (Recency lists need no change.)
    public mutating func renumber(_ first: UnsafeMutableRawPointer, sets: Int, strideBytes: Int) {
        let n = ways
        for s in 0..<sets where !packed {
            let stamps = first + s * strideBytes
            let values = (0..<n).map { stamps.load(fromByteOffset: $0 * 4, as: UInt32.self) }
            let order = (0..<n).sorted { values[$0] < values[$1] }
            for (rank, way) in order.enumerated() {
                stamps.storeBytes(of: UInt32(rank), toByteOffset: way * 4, as: UInt32.self)
            }
        }
        clock = UInt32(n)
    }
}
