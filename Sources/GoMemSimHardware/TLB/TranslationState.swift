/// The TLBs of one core (facts §5): one first-level data TLB per page size, a shared
/// second-level TLB (STLB) for some page sizes, and the paging-structure caches a walk
/// consults to skip upper levels (Intel SDM vol. 3 §4.10.3; ChampSim's PSCs).
///
/// Entries are keyed by the virtual page number (< 2^52) with the page-size class in bits
/// 56–57, so one STLB holds 4 KiB and 2 MiB translations apart and sets index by page number. All arrays are exact LRU and nothing invalidates an entry, so on
/// every path they are the hierarchy's flat arrays (``FlatLRUArray``). The walk itself lives with
/// the cache hierarchy (``CacheHierarchy``), since it reads page-table entries through
/// the data caches.
struct TranslationState {
    /// Page-size classes: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB.
    static let classShifts: [UInt64] = [12, 21, 30]

    /// The arrays' shapes, `(sets, ways)`; the arrays themselves are the hierarchy's
    /// ``FlatLRUArray``s (``CacheHierarchy/flatDTLB``, ``CacheHierarchy/flatSTLB``). Fixed-size
    /// inline arrays, not `Array`s: mutating an element of an `Array` checks that its buffer
    /// is uniquely referenced (a runtime call) on every counter bump.
    let l1Shape: InlineArray<3, (sets: Int, ways: Int)>
    let hasL1: InlineArray<3, Bool>
    let stlbShape: (sets: Int, ways: Int)
    let stlbHolds: InlineArray<3, Bool>
    let hasSTLB: Bool
    /// The PML4E, PDPTE and PDE caches, fully associative: stored properties, not an
    /// inline array, so a lookup mutates them in place (through an `InlineArray` subscript
    /// the optimiser copied each half-kilobyte cache out and back).
    var pml4eCache: PagingStructureCache
    var pdpteCache: PagingStructureCache
    var pdeCache: PagingStructureCache
    let hasPSC: InlineArray<3, Bool>

    var l1Counters = InlineArray<3, TLBCounters>(repeating: TLBCounters())
    var stlbCounters = InlineArray<3, TLBCounters>(repeating: TLBCounters())

    init(_ profile: TLBProfile) {
        let arrays = Self.classShifts.map { shift in profile.l1.first { UInt64($0.pageShift) == shift } }
        l1Shape = InlineArray { c in arrays[c].map { ($0.entries / $0.ways, $0.ways) } ?? (0, 1) }
        hasL1 = InlineArray { c in arrays[c] != nil }
        if let s = profile.stlb {
            stlbShape = (s.entries / s.ways, s.ways)
            stlbHolds = InlineArray { c in s.pageShifts.contains(Int(Self.classShifts[c])) }
            hasSTLB = true
        } else {
            stlbShape = (0, 1)
            stlbHolds = InlineArray(repeating: false)
            hasSTLB = false
        }
        let p = profile.pagingStructureCaches
        let sizes = [p?.pml4e ?? 0, p?.pdpte ?? 0, p?.pde ?? 0]
        pml4eCache = PagingStructureCache(entries: sizes[0])
        pdpteCache = PagingStructureCache(entries: sizes[1])
        pdeCache = PagingStructureCache(entries: sizes[2])
        hasPSC = InlineArray { i in sizes[i] > 0 }
    }

    /// The TLB key of the page of class `pageClass` holding `address`.
    @inline(__always)
    static func key(address: UInt64, pageClass: Int) -> UInt64 {
        address &>> (12 &+ 9 &* UInt64(pageClass)) | UInt64(pageClass) << 56  // 12, 21, 30
    }

    /// The class of a page of `1 << pageShift` bytes (a size between classes rounds up).
    @inline(__always)
    static func pageClass(_ pageShift: UInt8) -> Int {
        pageShift <= 12 ? 0 : (pageShift <= 21 ? 1 : 2)
    }
}
