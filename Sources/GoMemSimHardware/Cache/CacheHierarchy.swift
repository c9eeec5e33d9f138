import GoMemSimCore

/// The memory system of one core, generic over the caches' replacement policy: TLBs,
/// any number of cache levels, four prefetchers, DRAM, and the time each access takes.
///
/// ```
/// var hw = try CacheHierarchy<LRUPolicy>(profile: .skylakeSP)
/// let ns = hw.access(address: 0x7f00_0000_0000, length: 8, isWrite: false, dependent: true, pageShift: 12)
/// ```
///
/// **Caches.** A demand access looks up L1, L2, … until a hit (or DRAM) and fills the
/// levels above the hit. Per level: *inclusive* levels evict their lines from the levels
/// above (back-invalidation); *non-inclusive* ones evict independently; an *exclusive*
/// level is a victim cache — only evictions from the level above fill it and a hit
/// moves the line up. Write-back levels keep dirty lines and write them to the next level
/// when evicted (allocating there if absent); write-through levels pass writes on and do
/// not allocate on a write miss. Accesses are split into the lines they touch.
///
/// **Prefetch** (facts §4): L1 next-line on an L1 miss or first use of a prefetched
/// line; the L2 adjacent-pair fetch on an L2 miss; the L2 streamer per 4 KiB page; an
/// IP-less stride detector on L1 misses. None crosses a 4 KiB page. A prefetched line
/// used later costs as a hit where it sits and counts as a prefetch hit.
///
/// **TLBs** (facts §5): a dTLB per page size, the STLB, then a walk reading one
/// page-table entry per level through the data caches, upper levels skipped by the
/// paging-structure caches.
///
/// **Time** (facts §3): an access costs the TLB's time plus the load-to-use latency of
/// the level that served it. A `dependent` access (a pointer chase) pays it whole;
/// independent accesses overlap up to `max_outstanding_misses` ways, and walks up to
/// `page_walkers` ways. Lines moved from DRAM (demand, prefetch, writeback) cost at least
/// `line_bytes / bandwidth` each, the floor a streaming core hits. So sequential passes are
/// cheap because of line reuse, prefetch, MLP and TLB reach, and random ones are not —
/// the model has no "sequential" constant.
public struct CacheHierarchy<Policy: ReplacementPolicy>: HardwareModel {
    public let profile: MachineProfile
    public var modelName: String? { profile.name }

    // Geometry and costs (immutable after init).
    /// `log2(line bytes)`, below 64, so shifts by it use the masking `&>>` / `&<<`: the same
    /// values without the over-shift checks `>>` compiles to for a variable amount.
    let lineShift: UInt64
    let lineBytes: UInt64
    let lineOffsetMask: UInt64
    let levelCount: Int
    // Per level, in inline arrays sized for the most levels (8): an `Array` element read is
    // a bounds check against a loaded count plus the load of the buffer.
    let inclusion: InlineArray<8, Inclusion>
    let writeBack: InlineArray<8, Bool>
    let latencyNs: InlineArray<8, Double>
    let latencyCycles: InlineArray<8, Double>
    let dramNs: Double
    /// `dramNs * ghz`, a walk's read served by DRAM, computed once (the same product).
    let dramCycles: Double
    /// Whether every walk read's cycles are whole numbers below 2^50 (cache latencies are
    /// whole cycles; DRAM's `dramCycles` usually is): a walk's sum is then exact and whole,
    /// so ``rounded(_:)`` of it is the conversion alone.
    let wholeWalkCycles: Bool
    let l1Ns: Double
    /// The same latencies divided by `overlap` (an independent access's share), computed
    /// once: the values are the very quotients the per-access division gave.
    let latencyNsIndependent: InlineArray<8, Double>
    let dramNsIndependent: Double
    let l1NsIndependent: Double
    /// `[l1NsIndependent, l1Ns]`: the same-line path's cost indexed by `dependent`, one load.
    let l1NsBy: InlineArray<2, Double>
    let l1WriteBack: Bool
    let nsPerDramLine: Double
    let overlap: Double
    let walkOverlap: Double
    let ghz: Double
    let stlbHitCycles: Double
    let nextLine: Bool, adjacentPair: Bool, streaming: Bool, striding: Bool
    /// Any of the four on: otherwise a miss skips the prefetchers' call altogether.
    let prefetching: Bool
    /// Whether an eviction at a level needs the evicted line even when it is clean: to
    /// back-invalidate the levels above an inclusive level, or to fill a victim level
    /// below. Otherwise only dirty victims are read (``Cache/insert(_:flags:victimLineNeeded:)``).
    let victimLineNeeded: InlineArray<8, Bool>
    /// Whether every access takes the flat path (``flatAccessLine(_:isWrite:dependent:pageShift:_:)``,
    /// on the flat arrays): no 3C classification, every level write-back,
    /// exact LRU over at most 16 ways (``ReplacementPolicy/keepsRecencyList``) and, below
    /// L1, non-inclusive. Tests build the general path for the same shape with
    /// `allowsFlatPath: false` and compare the two.
    let flat: Bool
    /// Whether the flat arrays have ``SkylakeSPShape``'s geometry: the flat path then runs
    /// the code specialised for it (the same figures, fewer instructions).
    let skylakeSPShaped: Bool

    // State.
    /// The caches, L1 first, in inline arrays sized for the most levels a profile may have
    /// (8, see validation; the rest are unused 1-line placeholders): mutating an element of
    /// an `Array` checks its buffer's uniqueness (a runtime call) first, and a random access
    /// mutates levels and their counters a dozen times.
    var levels: InlineArray<8, Cache<Policy>>
    /// Per-level counters except the same-line fast path's L1 hits (see ``counters``).
    var levelCounters = InlineArray<8, CacheCounters>(repeating: CacheCounters())
    /// L1 hits and dTLB hits taken by ``repeatLine(_:isWrite:dependent:pageShift:pageClass:pageKey:)``
    /// and the same-page path of ``translateLine(_:pageShift:dependent:)``.
    var fastL1Hits: UInt64 = 0
    var fastTLBHits = InlineArray<3, UInt64>(repeating: 0)  // by page class: one indexed add, no switch
    /// The same-line path's accesses (in ``access(address:length:isWrite:dependent:pageShift:)``)
    /// by `pageClass << 2 | isWrite << 1 | dependent`: one add stands for an L1 hit, a dTLB
    /// hit and a latency count, which ``counters``, ``tlbCounters(level:pageShift:)`` and
    /// the latency rows fold in (``readLatencies``, ``writeLatencies``).
    var repeats = InlineArray<16, UInt64>(repeating: 0)
    var classifiers: [MissClassifier]?
    var streamer: StreamPrefetcher
    var strider: StridePrefetcher
    var translation: TranslationState
    var reads: LatencyRecorder
    var writes: LatencyRecorder
    /// Fractions of a nanosecond not yet returned, so the sum of returns is exact.
    var carryNs: Double = 0
    /// Lines moved to or from DRAM during the current line access.
    var dramLines = 0
    /// Same-line fast path: the last demand line, known to be in L1 (at `lastSlot` on the
    /// general path) and the most recent line of its set when it was used (any later L1
    /// fill clears it; a page walk's L1 hit in its set may move it back, and a repeat use
    /// then still changes no replacement state: both paths do so alike).
    var lastLine: UInt64 = .max
    var lastSlot = 0
    /// The page shift `lastLine`'s access gave when its page was left in the dTLB as
    /// `lastPageKey` (`.max`: it was not), and that page's class.
    var lastLinePageShift: UInt16 = .max
    /// `lastLine`'s page class shifted to its group of four in `repeats` (`pageClass << 2`).
    var lastLineRepeats = 0
    /// Same-page fast path: the last translation, known to be in its L1 dTLB.
    var lastPageKey: UInt64 = .max
    /// The L1 slot the current demand access hit or filled (-1: none), so the fast-path
    /// bookkeeping after it checks one slot instead of rescanning the set.
    var demandL1Slot = -1
    /// Where ``peekSets(_:pageShift:)`` leaves what it loaded, so the loads stay.
    var peeked: UInt64 = 0
    /// The line the flat path last peeked for: the next line's sets follow its sets in
    /// host memory, which the host prefetches on a sequential pass without being asked.
    var peekedLine: UInt64 = .max
    /// Shared by copies of this hierarchy (their caches share buffers until written): the
    /// line path checks once that it is unshared, then updates every cache and TLB in place
    /// (``Cache/lookupInPlace(_:)`` …) instead of checking each buffer per lookup and fill.
    var owner = CacheOwner()
    /// The dTLBs and the STLB, and on the flat path (``flat``) every level, as
    /// ``FlatLRUArray``s in one store (an unused level is a one-word placeholder). On the
    /// flat path `levels` are unused; their counters are not.
    var flatStore: FlatLRUStore
    var flatLevels: InlineArray<8, FlatLRUArray>
    var flatDTLB: InlineArray<3, FlatLRUArray>
    var flatSTLB: FlatLRUArray
    /// The dirty lines the current flat demand evicted, by level, written back once the
    /// demand's fills are done (``flatDemand(_:isWrite:_:)``).
    var flatVictims = InlineArray<8, UInt64>(repeating: 0)
    /// The first level whose flat state is too large to stay in the host's own L2 (over
    /// 256 KiB; `levelCount`: none): one call per access peeks only those levels' sets
    /// before its lookups (``flatPeekSets(_:pageShift:_:)``, loads).
    let firstPeekedLevel: Int
    /// The first level whose flat state is too large for the host's L1 data cache (over
    /// 32 KiB): a batch fetches those levels' sets ahead (``flatPrefetchSets(_:after:pageShift:_:)``,
    /// hints). Skylake-sp's L2 (160 KiB of state) is one: its sets come from the host's L2
    /// at ~14 cycles a load, and fetching them ahead too took random replay from a trace
    /// from 6.9–7.6 to 7.3–9.4 M accesses/s in interleaved runs (+46 instructions an
    /// access); peeking them too slowed one call per access.
    let firstPrefetchedLevel: Int
    /// The flat path's demands by the level that served them (`levelCount`: DRAM), and
    /// its demand fills that found an empty way, per level: ``counters`` derives each
    /// level's accesses, hits, misses and demand evictions from them.
    var served = InlineArray<9, UInt64>(repeating: 0)
    var emptyFills = InlineArray<8, UInt64>(repeating: 0)

    /// Builds the hierarchy of `profile` (validated here). `classifyMisses` turns on the
    /// 3C classification (a fully associative shadow per level: slower).
    public init(profile: MachineProfile, classifyMisses: Bool = false) throws(HardwareConfigError) {
        try self.init(profile: profile, classifyMisses: classifyMisses, allowsFlatPath: true)
    }

    /// The same; `allowsFlatPath: false` keeps the flat shape on the general path (the
    /// differential tests compare the two).
    init(profile: MachineProfile, classifyMisses: Bool, allowsFlatPath: Bool) throws(HardwareConfigError) {
        try profile.validate()
        let hw = profile.hardware
        self.profile = profile
        lineShift = UInt64(hw.lineBytes.trailingZeroBitCount)
        lineBytes = UInt64(hw.lineBytes)
        lineOffsetMask = UInt64(hw.lineBytes - 1)
        levelCount = hw.caches.count
        let caches = hw.caches
        inclusion = InlineArray { k in k < caches.count ? caches[k].inclusion : .nonInclusive }
        writeBack = InlineArray { k in k < caches.count && caches[k].write == .writeBack }
        victimLineNeeded = InlineArray { k in
            k < caches.count && ((k > 0 && caches[k].inclusion == .inclusive)
                || (k + 1 < caches.count && caches[k + 1].inclusion == .exclusive))
        }
        ghz = hw.coreGHz
        latencyCycles = InlineArray { k in k < caches.count ? Double(caches[k].latencyCycles) : 0 }
        latencyNs = InlineArray { k in k < caches.count ? Double(caches[k].latencyCycles) / hw.coreGHz : 0 }
        dramNs = hw.dram.latencyNs
        dramCycles = hw.dram.latencyNs * hw.coreGHz
        wholeWalkCycles = dramCycles.rounded() == dramCycles && dramCycles >= 0 && dramCycles < 0x1p50
            && hw.caches.allSatisfy { $0.latencyCycles >= 0 && $0.latencyCycles < 1 << 50 }
        l1Ns = Double(hw.caches[0].latencyCycles) / hw.coreGHz
        l1WriteBack = hw.caches[0].write == .writeBack
        nsPerDramLine = Double(hw.lineBytes) / hw.dram.bandwidthGBps  // GB/s = bytes per ns
        overlap = Double(hw.maxOutstandingMisses)
        let (ns, overlap) = (latencyNs, overlap)
        latencyNsIndependent = InlineArray { k in ns[k] / overlap }
        dramNsIndependent = dramNs / overlap
        l1NsIndependent = l1Ns / overlap
        l1NsBy = [l1NsIndependent, l1Ns]
        reads = LatencyRecorder(repeatNs: (l1Ns, l1NsIndependent))
        writes = LatencyRecorder(repeatNs: (l1Ns, l1NsIndependent))
        walkOverlap = Double(min(hw.tlb.pageWalkers, hw.maxOutstandingMisses))
        stlbHitCycles = Double(hw.tlb.stlbHitCycles)
        let p = hw.prefetchers ?? PrefetcherProfile()
        nextLine = p.l1NextLine
        adjacentPair = p.l2AdjacentPair && hw.caches.count > 1
        streaming = p.l2Streamer && hw.caches.count > 1
        striding = p.stride
        prefetching = nextLine || adjacentPair || streaming || striding
        let seed = hw.seed ?? 0x6D65_6D73_696D  // "memsim"
        let setCounts = caches.map { $0.sizeBytes / (hw.lineBytes * $0.ways) }
        var flat = allowsFlatPath && !classifyMisses
        for k in caches.indices {
            let lru = Policy(hw.replacement, sets: setCounts[k], ways: caches[k].ways, seed: 0).keepsRecencyList
            if caches[k].write != .writeBack { flat = false }
            if k > 0 && caches[k].inclusion != .nonInclusive { flat = false }
            if !lru { flat = false }
        }
        self.flat = flat
        // The flat path keeps its lines in the flat arrays below: its `levels` are
        // one-line placeholders, not a second copy of every level.
        levels = InlineArray { i in
            guard i < hw.caches.count && !flat else { return Cache<Policy>(sets: 1, ways: 1) }
            let level = hw.caches[i]
            let sets = setCounts[i]
            return Cache<Policy>(sets: sets, ways: level.ways,
                                 policy: Policy(hw.replacement, sets: sets, ways: level.ways, seed: seed &+ UInt64(i)))
        }
        let tlbs = TranslationState(hw.tlb)
        translation = tlbs
        // The flat arrays: levels, then the dTLBs, then the STLB.
        let levelGeometry = (0..<8).map { k in k < caches.count && flat ? (setCounts[k], caches[k].ways) : (0, 1) }
        // The TLBs are flat on both paths (exact LRU, never invalidated).
        let tlbGeometry = (0..<3).map { c in tlbs.hasL1[c] ? (tlbs.l1Shape[c].sets, tlbs.l1Shape[c].ways) : (0, 1) }
        let stlbGeometry = tlbs.hasSTLB ? (tlbs.stlbShape.sets, tlbs.stlbShape.ways) : (0, 1)
        var offsets: [Int] = []
        var total = 0
        for (sets, ways) in levelGeometry + tlbGeometry + [stlbGeometry] {
            offsets.append(total)
            total += FlatLRUArray.words(sets: sets, ways: ways)
        }
        let store = FlatLRUStore(words: total)
        func array(_ i: Int, _ g: (Int, Int)) -> FlatLRUArray {
            let a = FlatLRUArray(tags: store.words + offsets[i], offset: offsets[i], sets: g.0, ways: g.1)
            a.initializeMeta()
            return a
        }
        flatStore = store
        flatLevels = InlineArray { k in array(k, levelGeometry[k]) }
        flatDTLB = InlineArray { c in array(8 + c, tlbGeometry[c]) }
        flatSTLB = array(11, stlbGeometry)
        skylakeSPShaped = flat && SkylakeSPShape.matches(lineShift: lineShift, levelCount: caches.count,
                                                         levels: flatLevels, dtlb: flatDTLB, hasDTLB: tlbs.hasL1,
                                                         stlb: flatSTLB, hasSTLB: tlbs.hasSTLB)
        /// The first level below L1 whose flat state is over `bytes`.
        func firstLevel(over bytes: Int) -> Int {
            (1..<max(caches.count, 1)).first { k in
                FlatLRUArray.words(sets: levelGeometry[k].0, ways: levelGeometry[k].1) * 8 > bytes
            } ?? caches.count
        }
        firstPeekedLevel = firstLevel(over: 256 << 10)
        firstPrefetchedLevel = firstLevel(over: 32 << 10)
        classifiers = classifyMisses ? hw.caches.map { MissClassifier(lines: $0.sizeBytes / hw.lineBytes) } : nil
        streamer = StreamPrefetcher(streams: p.streamerStreams, distance: p.streamerDistanceLines, lineShift: lineShift)
        strider = StridePrefetcher(lineShift: lineShift)
    }

    // MARK: Access

    @inline(__always)
    public mutating func access(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                                pageShift: UInt8) -> UInt64 {
        if let ns = sameLineAccess(address: address, length: length, isWrite: isWrite, dependent: dependent,
                                   pageShift: pageShift) {
            return ns
        }
        return accessLines(address: address, length: length, isWrite: isWrite, dependent: dependent,
                           pageShift: pageShift)
    }

    /// The same-line fast path (most accesses of a sequential pass), or nil when the access
    /// does not take it: the access stays in the last line, of the last page. Exactly what
    /// accessLine's fast paths do, without its frame. The line's page was translated last
    /// with this page size (so its key is `lastPageKey`) when `lastLinePageShift` is
    /// `pageShift`; a length that ends in the line is at most the bytes left in it (0 and 1
    /// included).
    @inline(__always)
    mutating func sameLineAccess(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                                 pageShift: UInt8) -> UInt64? {
        let line = address &>> lineShift
        guard line == lastLine && UInt16(pageShift) == lastLinePageShift && length <= lineBytes &- (address & lineOffsetMask)
            && (!isWrite || l1WriteBack) else { return nil }
        repeats[(lastLineRepeats | (isWrite ? 2 : 0) | (dependent ? 1 : 0)) & 15] &+= 1
        if isWrite { dirtyLastLine() }
        let ns = l1NsBy[dependent ? 1 : 0]
        if isWrite { writes.addRepeatNs(ns) } else { reads.addRepeatNs(ns) }
        return takeWholeNs(adding: ns)
    }

    /// Marks the fast path's line dirty: a call of its own, so the read fast path (most
    /// accesses) saves no registers.
    @inline(never)
    mutating func dirtyLastLine() {
        if flat { return flatDirtyLastLine() }
        levels[0].setFlags(levels[0].flags(at: lastSlot) | Cache<Policy>.dirty, at: lastSlot)
    }

    /// Every access but the same-line fast path: its lines one by one.
    @inline(never)
    mutating func accessLines(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                              pageShift: UInt8) -> UInt64 {
        if !isKnownUniquelyReferenced(&owner) { ownCaches() }
        return linesBody(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
    }

    /// ``accessLines(address:length:isWrite:dependent:pageShift:)``'s body, for it and for a
    /// run of accesses that has made the caches this copy's own once (``access(_:pageShift:)``).
    @inline(__always)
    mutating func linesBody(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                            pageShift: UInt8) -> UInt64 {
        let first = address &>> lineShift
        let lastByte = length <= 1 ? address : address &+ min(length - 1, UInt64.max - address)
        let last = lastByte &>> lineShift
        if flat {
            return skylakeSPShaped
                ? flatLines(first, through: last, isWrite: isWrite, dependent: dependent, pageShift: pageShift, SkylakeSPShape.self)
                : flatLines(first, through: last, isWrite: isWrite, dependent: dependent, pageShift: pageShift, AnyFlatShape.self)
        }
        peekSets(first, pageShift: pageShift)
        var ns = accessLine(first, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
        var line = first
        while line != last {  // a range: a sequential pass, independent after its first line
            line &+= 1
            ns += accessLine(line, isWrite: isWrite, dependent: false, pageShift: pageShift)
        }
        return takeWholeNs(adding: ns)
    }

    /// ``linesBody(address:length:isWrite:dependent:pageShift:)`` for the lines `first`
    /// through `last` when ``flat``, with `S`'s geometry.
    @inline(__always)
    mutating func flatLines<S: FlatShape>(_ first: UInt64, through last: UInt64, isWrite: Bool, dependent: Bool,
                                          pageShift: UInt8, _ shape: S.Type) -> UInt64 {
        flatPeekSets(first, pageShift: pageShift, S.self)
        var ns = flatAccessLine(first, isWrite: isWrite, dependent: dependent, pageShift: pageShift, S.self)
        var line = first
        while line != last {  // a range: a sequential pass, independent after its first line
            line &+= 1
            ns += flatAccessLine(line, isWrite: isWrite, dependent: false, pageShift: pageShift, S.self)
        }
        return takeWholeNs(adding: ns)
    }

    /// Gives this copy of the hierarchy caches and TLBs of its own (a copy shared them).
    @inline(never)
    mutating func ownCaches() {
        for k in 0..<levelCount { levels[k].makeUnique() }
        translation.pml4eCache.makeUnique()
        translation.pdpteCache.makeUnique()
        translation.pdeCache.makeUnique()
        streamer.makeUnique()
        reads.makeUnique()
        writes.makeUnique()
        let store = flatStore.copy()
        flatStore = store
        for k in 0..<8 { flatLevels[k].tags = store.words + flatLevels[k].offset }
        for c in 0..<3 { flatDTLB[c].tags = store.words + flatDTLB[c].offset }
        flatSTLB.tags = store.words + flatSTLB.offset
        owner = CacheOwner()
    }

    /// Adds `ns` to the carried fraction and returns the whole nanoseconds due, keeping the
    /// rest. Most accesses cost under a nanosecond (an independent L1 hit is 0.13 ns), so
    /// the common case is one add and one compare: the float-to-integer round trip (a chain
    /// of dependent conversions carried from access to access, the hottest part of the
    /// same-line fast path) runs only when a whole nanosecond is due. The values are those of `whole = UInt64(carryNs)` then
    /// `carryNs -= Double(whole)` on every access: below 1 that subtracts 0.
    @inline(__always)
    mutating func takeWholeNs(adding ns: Double) -> UInt64 {
        Self.takeWholeNs(adding: ns, carry: &carryNs)
    }

    /// ``takeWholeNs(adding:)`` on a carry held elsewhere (a run of accesses keeps it in a local).
    @inline(__always)
    static func takeWholeNs(adding ns: Double, carry carryNs: inout Double) -> UInt64 {
        carryNs += ns
        guard carryNs >= 1 else { return 0 }
        // carryNs >= 0: truncation is the floor; the signed conversions are single instructions.
        if carryNs < 0x1p62 {
            let whole = truncatedInRange(carryNs)
            carryNs -= Double(whole)
            return UInt64(whole)
        }
        let whole = UInt64(carryNs)
        carryNs -= Double(whole)
        return whole
    }

    /// Issues the loads of the set blocks that looking `line` up will read below L1 — and,
    /// when its page is not the last one, those of its leaf page-table entry's line — before
    /// any lookup: they do not depend on one another, so the host CPU overlaps their misses
    /// instead of taking them one after another. A large level's state (the L3's is 4 MiB)
    /// lives in host DRAM, where one miss costs 130–170 ns on the benchmark VM. It changes
    /// no modelled state. The general path's; the flat path's is
    /// ``flatPeekSets(_:pageShift:_:)``.
    @inline(__always)
    mutating func peekSets(_ line: UInt64, pageShift: UInt8) {
        var sum: UInt64 = 0
        var k = 1
        while k < levelCount { sum &+= levels[k].peek(line); k &+= 1 }
        let address = line &<< lineShift
        let pageClass = TranslationState.pageClass(pageShift)
        if TranslationState.key(address: address, pageClass: pageClass) != lastPageKey {
            let entry = Self.pageTableEntryAddress(level: pageClass, address: address) &>> lineShift
            k = 1
            while k < levelCount { sum &+= levels[k].peek(entry); k &+= 1 }
        }
        peeked ^= sum
    }

    /// One line: translation, caches, prefetchers, cost. Returns nanoseconds.
    @inline(__always)
    mutating func accessLine(_ line: UInt64, isWrite: Bool, dependent: Bool, pageShift: UInt8) -> Double {
        let (translationNs, pageClass, pageKey) = translateLine(line, pageShift: pageShift, dependent: dependent)
        if line == lastLine && (!isWrite || l1WriteBack) {
            return repeatLine(translationNs, isWrite: isWrite, dependent: dependent, pageShift: pageShift,
                              pageClass: pageClass, pageKey: pageKey)
        }
        var ns = translationNs

        dramLines = 0
        let (level, usedPrefetch) = demand(line, isWrite: isWrite)
        // The line is now the most recent of its L1 set (if L1 took it); prefetch fills
        // into L1 below clear this again.
        if classifiers == nil, let slot = levels[0].holds(line, at: demandL1Slot) ? demandL1Slot : levels[0].slot(of: line) {
            lastLine = line
            lastSlot = slot
            // lastPageKey is now pageKey (this line's page) or .max (no dTLB for the class).
            lastLinePageShift = lastPageKey == pageKey ? UInt16(pageShift) : .max
            lastLineRepeats = pageClass &<< 2
        } else {
            lastLine = .max
        }
        ns += servedNs(level: level, dependent: dependent)
        if prefetching && (level > 0 || usedPrefetch) { trainPrefetchers(line, level: level) }
        ns = Self.atLeast(ns, Double(dramLines) * nsPerDramLine)
        record(ns, isWrite: isWrite)
        return ns
    }

    /// The translation part of a line access, shared by both demand paths: the same-page
    /// fast path or ``flatTranslate(_:address:pageClass:dependent:_:)``. Returns its ns, and the
    /// page's class and key.
    @inline(__always)
    mutating func translateLine(_ line: UInt64, pageShift: UInt8, dependent: Bool)
        -> (ns: Double, pageClass: Int, pageKey: UInt64) {
        let address = line &<< lineShift
        let pageClass = TranslationState.pageClass(pageShift)
        let pageKey = TranslationState.key(address: address, pageClass: pageClass)
        guard pageKey != lastPageKey else {
            fastTLBHits[pageClass] &+= 1
            return (0, pageClass, pageKey)
        }
        let ns = flatTranslate(pageKey, address: address, pageClass: pageClass, dependent: dependent, AnyFlatShape.self)
        lastLinePageShift = .max  // lastPageKey changed
        return (ns, pageClass, pageKey)
    }

    /// A use of the last demand line, still the most recent of its L1 set: an L1 hit that
    /// changes no replacement state. `ns` is the translation's; returns the access's.
    @inline(__always)
    mutating func repeatLine(_ ns: Double, isWrite: Bool, dependent: Bool, pageShift: UInt8,
                             pageClass: Int, pageKey: UInt64) -> Double {
        // lastPageKey is now pageKey (this line's page) or .max (no dTLB for the class).
        lastLinePageShift = lastPageKey == pageKey ? UInt16(pageShift) : .max
        lastLineRepeats = pageClass &<< 2
        fastL1Hits &+= 1
        if isWrite {
            if flat {
                flatDirtyLastLine()
            } else {
                levels[0].setFlagsInPlace(levels[0].flags(at: lastSlot) | Cache<Policy>.dirty, at: lastSlot)
            }
        }
        let total = ns + (dependent ? l1Ns : l1NsIndependent)
        record(total, isWrite: isWrite)
        return total
    }

    /// `max(ns, floor)`, as the standard library's `max` gives it (`floor` when equal),
    /// in line: its generic form stayed a call per access on the flat path.
    @inline(__always)
    static func atLeast(_ ns: Double, _ floor: Double) -> Double { floor >= ns ? floor : ns }

    /// The load-to-use latency of the level that served a demand access (`levelCount`: DRAM).
    @inline(__always)
    func servedNs(level: Int, dependent: Bool) -> Double {
        if level < levelCount { return dependent ? latencyNs[level] : latencyNsIndependent[level] }
        return dependent ? dramNs : dramNsIndependent
    }

    /// Per-level counters, L1 first.
    public var counters: [CacheCounters] {
        var c = (0..<levelCount).map { levelCounters[$0] }
        if flat {
            // Every demand reaching level k and missing goes on to k + 1 and fills k.
            var missed = served[levelCount]
            for k in (0..<levelCount).reversed() {
                c[k].hits &+= served[k]
                c[k].misses &+= missed
                c[k].accesses &+= served[k] &+ missed
                c[k].evictions &+= missed &- emptyFills[k]
                missed &+= served[k]
            }
        }
        let hits = fastL1Hits &+ sameLineHits
        c[0].accesses &+= hits
        c[0].hits &+= hits
        return c
    }

    /// The same-line path's accesses (each an L1 hit).
    var sameLineHits: UInt64 { (0..<16).reduce(0) { $0 &+ repeats[$1] } }

    /// The same-line path's accesses to pages of class `c` (each a dTLB hit).
    func sameLineTLBHits(pageClass c: Int) -> UInt64 { (0..<4).reduce(0) { $0 &+ repeats[c << 2 | $1] } }

    /// The same-line path's reads (`isWrite` false) or writes, dependent and independent.
    func sameLineCounts(isWrite: Bool) -> (dependent: UInt64, independent: UInt64) {
        let w = isWrite ? 2 : 0
        return ((0..<3).reduce(0) { $0 &+ repeats[$1 << 2 | w | 1] }, (0..<3).reduce(0) { $0 &+ repeats[$1 << 2 | w] })
    }

    /// The latencies of reads and of writes, the same-line path's included.
    var readLatencies: LatencyRecorder { reads.addingRepeats(sameLineCounts(isWrite: false)) }
    var writeLatencies: LatencyRecorder { writes.addingRepeats(sameLineCounts(isWrite: true)) }

    @inline(__always)
    mutating func record(_ ns: Double, isWrite: Bool) {
        if isWrite { writes.record(ns) } else { reads.record(ns) }
    }

    // MARK: Demand path

    /// Looks `line` up level by level and fills the levels above the one that had it.
    /// Returns that level (`levelCount` = DRAM) and whether it was a prefetched line's first use.
    @_transparent
    mutating func demand(_ line: UInt64, isWrite: Bool) -> (level: Int, usedPrefetch: Bool) {
        let dirty = Cache<Policy>.dirty, prefetched = Cache<Policy>.prefetched
        var hitLevel = levelCount
        var usedPrefetch = false
        demandL1Slot = -1
        var k = 0
        while k < levelCount {
            levelCounters[k].accesses &+= 1
            let s = levels[k].set(of: line)
            let way = levels[k].findWay(line, set: s)
            if way >= 0 {
                levels[k].used(set: s, way: way, fill: false)
                levelCounters[k].hits &+= 1
                // The hit's flags, read and rewritten where they sit (no slot round trip).
                let f = levels[k].flags(set: s, way: way)
                if f & prefetched != 0 {
                    levelCounters[k].prefetchHits &+= 1
                    usedPrefetch = true
                }
                let newFlags = f & ~prefetched | (isWrite && writeBack[k] ? dirty : 0)
                if newFlags != f { levels[k].setFlagsInPlace(newFlags, set: s, way: way) }
                classify(k, line, missed: false)
                if k == 0 { demandL1Slot = s &* levels[0].ways &+ way }
                hitLevel = k
                break
            }
            levelCounters[k].misses &+= 1
            classify(k, line, missed: true)
            k += 1
        }

        // A write that hit a write-through level goes on down to a write-back level or DRAM.
        if isWrite && hitLevel < levelCount && !writeBack[hitLevel] { writeThrough(line, from: hitLevel + 1) }
        if hitLevel == levelCount { dramLines += 1 }
        guard hitLevel > 0 else { return (0, usedPrefetch) }

        // An exclusive level gives the line up to the levels above.
        var carried: UInt8 = 0
        if hitLevel < levelCount && inclusion[hitLevel] == .exclusive {
            carried = (levels[hitLevel].invalidateInPlace(line) ?? 0) & dirty
        }
        // Fill from the outermost level that missed up to L1. Victim caches are skipped
        // (evictions fill them); write-through levels do not allocate on a write.
        var top = -1
        var level = hitLevel - 1
        while level >= 0 {
            let allocates = !(level > 0 && inclusion[level] == .exclusive) && !(isWrite && !writeBack[level])
            if allocates {
                install(line, at: level, flags: 0)
                top = level
            }
            level -= 1
        }
        if top >= 0 {
            // Otherwise the filled line keeps the flags 0 it was placed with.
            if carried != 0 || isWrite && writeBack[top],
               let slot = top == 0 && levels[0].holds(line, at: demandL1Slot) ? demandL1Slot : levels[top].slot(of: line) {
                var f = levels[top].flags(at: slot) | carried
                if isWrite && writeBack[top] { f |= dirty }
                levels[top].setFlagsInPlace(f, at: slot)
            }
        } else if isWrite {
            writeThrough(line, from: hitLevel)  // no level allocated: the write goes below
        }
        return (hitLevel, usedPrefetch)
    }

    /// Propagates a write from level `from` down until a write-back level takes it.
    mutating func writeThrough(_ line: UInt64, from: Int) {
        var k = from
        while k < levelCount {
            if let slot = levels[k].slot(of: line) {
                if writeBack[k] {
                    levels[k].setFlagsInPlace(levels[k].flags(at: slot) | Cache<Policy>.dirty, at: slot)
                    return
                }
            } else if writeBack[k] && inclusion[k] != .exclusive {
                install(line, at: k, flags: Cache<Policy>.dirty)
                return
            }
            k += 1
        }
        dramLines += 1
    }

    /// Places `line` (absent) at level `k` and deals with the line it evicts. Inlined, so
    /// the common fill — no victim, or a clean one nobody needs (no back-invalidation, no
    /// victim cache below) — costs no call; any other victim goes to ``evicted(_:flags:at:)``.
    @_transparent
    mutating func install(_ line: UInt64, at k: Int, flags: UInt8) {
        let result = levels[k].insertInPlace(line, flags: flags, victimLineNeeded: victimLineNeeded[k])
        if k == 0 {
            lastLine = .max  // the fast path's line may no longer be its set's most recent
            demandL1Slot = result.slot
        }
        guard result.evicted else { return }
        levelCounters[k].evictions &+= 1
        guard victimLineNeeded[k] || result.victimFlags & Cache<Policy>.dirty != 0 else { return }
        evicted(result.victim, flags: result.victimFlags, at: k)
    }

    /// What a victim of level `k` needs beyond its eviction count: back-invalidation above
    /// an inclusive level, its writeback if dirty, the victim cache below.
    @inline(never)
    mutating func evicted(_ victim: UInt64, flags: UInt8, at k: Int) {
        var victimFlags = flags
        if k > 0 && inclusion[k] == .inclusive {
            for j in 0..<k {
                if let f = levels[j].invalidateInPlace(victim) {
                    victimFlags |= f & Cache<Policy>.dirty
                    if j == 0 && victim == lastLine { lastLine = .max }
                }
            }
        }
        let isDirty = victimFlags & Cache<Policy>.dirty != 0
        if isDirty { levelCounters[k].writebacks &+= 1 }
        let below = k + 1
        if below < levelCount && inclusion[below] == .exclusive {
            // The victim cache takes every line evicted from the level above it.
            if let slot = levels[below].slot(of: victim) {
                if isDirty { levels[below].setFlagsInPlace(levels[below].flags(at: slot) | Cache<Policy>.dirty, at: slot) }
            } else {
                install(victim, at: below, flags: isDirty ? Cache<Policy>.dirty : 0)
            }
            return
        }
        guard isDirty else { return }
        if below < levelCount {
            if let slot = levels[below].slot(of: victim) {
                levels[below].setFlagsInPlace(levels[below].flags(at: slot) | Cache<Policy>.dirty, at: slot)
            } else {
                install(victim, at: below, flags: Cache<Policy>.dirty)
            }
        } else {
            dramLines += 1
        }
    }

    @inline(__always)
    mutating func classify(_ k: Int, _ line: UInt64, missed: Bool) {
        guard classifiers != nil else { return }
        switch classifiers![k].reference(line, missed: missed) {
        case .hit: break
        case .compulsory: levelCounters[k].compulsory &+= 1
        case .capacity: levelCounters[k].capacity &+= 1
        case .conflict: levelCounters[k].conflict &+= 1
        }
    }
}

/// A token a ``CacheHierarchy`` and its copies share until one of them next accesses
/// memory (see ``CacheHierarchy/owner``).
final class CacheOwner {}
