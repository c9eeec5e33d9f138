/// The sets and ways of one ``FlatLRUArray``, and what a lookup derives from them.
struct FlatGeometry: Equatable {
    /// The number of sets (0: a placeholder).
    let sets: Int
    let setMask: UInt64
    let ways: Int
    /// `log2(sets)`: a fingerprint is taken from the key bits above it.
    let setShift: UInt64

    /// `sets` a power of two, or 0 for a placeholder never used.
    @inline(__always)
    init(sets: Int, ways: Int) {
        self.sets = sets
        setMask = UInt64(max(sets, 1) - 1)
        self.ways = ways
        setShift = UInt64(sets.trailingZeroBitCount)
    }
}

/// Where the flat path's code takes the geometry of the hierarchy's flat arrays from:
/// the arrays themselves (``AnyFlatShape``, any profile), or constants for one shape
/// compiled in (``SkylakeSPShape``), which the path's generic functions are specialised
/// for — as ChampSim builds its configured geometry into the simulator. With constants
/// the optimiser folds the set arithmetic, the way-count switch and the loop over levels.
/// A hierarchy takes a shape's code only if every array has the shape's geometry
/// (``matches(lineShift:levelCount:levels:dtlb:hasDTLB:stlb:hasSTLB:)``), so the figures are the same.
protocol FlatShape {
    /// `log2` of the line size; nil: the hierarchy's.
    static var lineShift: UInt64? { get }
    /// The number of cache levels; nil: the hierarchy's.
    static var levelCount: Int? { get }
    /// Level `k`'s geometry; nil: its array's.
    static func level(_ k: Int) -> FlatGeometry?
    /// The dTLB geometry for page class `c`; nil: its array's.
    static func dtlb(_ c: Int) -> FlatGeometry?
    /// The STLB's; nil: its array's.
    static var stlb: FlatGeometry? { get }
    /// The first level whose sets a batch fetches ahead, which follows from the
    /// geometry (``CacheHierarchy/firstPrefetchedLevel``); nil: the hierarchy's.
    static var firstPrefetchedLevel: Int? { get }
}

extension FlatShape {
    /// Whether a hierarchy's flat arrays have every geometry this shape fixes.
    static func matches(lineShift shift: UInt64, levelCount n: Int, levels: InlineArray<8, FlatLRUArray>,
                        dtlb dtlbs: InlineArray<3, FlatLRUArray>, hasDTLB: InlineArray<3, Bool>, stlb array: FlatLRUArray,
                        hasSTLB: Bool) -> Bool {
        if let s = lineShift, s != shift { return false }
        if let count = levelCount, count != n { return false }
        for k in 0..<n where level(k).map({ $0 != levels[k].geometry }) ?? false { return false }
        for c in 0..<3 where hasDTLB[c] && (dtlb(c).map { $0 != dtlbs[c].geometry } ?? false) { return false }
        return !hasSTLB || (stlb.map { $0 == array.geometry } ?? true)
    }
}

/// The geometry read from the arrays: the flat path for any profile.
enum AnyFlatShape: FlatShape {
    static var lineShift: UInt64? { nil }
    static var levelCount: Int? { nil }
    @inline(__always) static func level(_ k: Int) -> FlatGeometry? { nil }
    @inline(__always) static func dtlb(_ c: Int) -> FlatGeometry? { nil }
    static var stlb: FlatGeometry? { nil }
    static var firstPrefetchedLevel: Int? { nil }
}

/// Skylake-SP's geometry (``MachineProfile/skylakeSP``, with or without its prefetchers;
/// also the speed goal's): L1 32 KiB 8-way, L2 1 MiB 16-way, L3 32 MiB 16-way, 64-byte
/// lines; dTLBs of 64, 32 and 4 entries 4-way; STLB 1536 entries 12-way (facts §1, §5).
enum SkylakeSPShape: FlatShape {
    static var lineShift: UInt64? { 6 }
    static var levelCount: Int? { 3 }

    @inline(__always)
    static func level(_ k: Int) -> FlatGeometry? {
        switch k {
        case 0: FlatGeometry(sets: 64, ways: 8)
        case 1: FlatGeometry(sets: 1024, ways: 16)
        case 2: FlatGeometry(sets: 32768, ways: 16)
        default: nil
        }
    }

    @inline(__always)
    static func dtlb(_ c: Int) -> FlatGeometry? {
        switch c {
        case 0: FlatGeometry(sets: 16, ways: 4)
        case 1: FlatGeometry(sets: 8, ways: 4)
        default: FlatGeometry(sets: 1, ways: 4)
        }
    }

    static var stlb: FlatGeometry? { FlatGeometry(sets: 128, ways: 12) }
    /// The L2: its state is 1,024 sets of 20 words, 160 KiB (the L1's 6 KiB).
    static var firstPrefetchedLevel: Int? { 1 }
}
