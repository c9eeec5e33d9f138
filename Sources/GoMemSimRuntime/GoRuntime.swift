import GoMemSimCore
import GoMemSimTrace
import Histogram

/// The Go 1.19 memory allocator on linux/amd64, asking a ``KernelModel`` for memory the
/// way the runtime asks Linux.
///
/// The allocation path, as in `malloc.go`:
/// 1. A pointer-free request under 16 B is packed into the P's current 16-byte tiny
///    block (``SpanClass/tiny``), aligned to 8, 4 or 2 bytes by its size.
/// 2. Other requests up to 32 KiB are rounded up to a size class (``SizeClasses``) and
///    take the next free slot of the span the P's mcache holds for the span class.
/// 3. A full span is swapped (`mcache.refill`) for one with free slots from the span
///    class's mcentral, or a new span from the heap; `heapLive` grows by the whole free
///    remainder of the span at that moment (mcache.go:210-211).
/// 4. The heap's page allocator (``PageAllocator``) finds pages first-fit; when none
///    fit, the heap grows by whole 4 MiB chunks, reserving 64 MiB arenas at the hint
///    0xc000000000 (PROT_NONE) and mapping the used part read-write (`sysMap`).
/// 5. Larger requests get a span of their own, `ceil(size/8192)` pages.
///
/// Memory freshly mapped from the OS is counted as released and is not zeroed; reused
/// memory is zeroed on allocation, which writes (faults in) its pages. Go 1.19 also
/// clears the heap bitmap (2 bits per word, in a separate 2 MiB-per-arena mapping) of
/// every span it allocates: the ~20 MiB of RSS a 600 MiB `make` costs before the
/// buffer is touched (example 5-5). Re-using released pages sets MADV_HUGEPAGE on the
/// whole huge pages inside; releasing sets MADV_NOHUGEPAGE on the huge pages holding
/// the ends (mem_linux.go), which is how the heap VMA splits 2 MiB / 598 MiB / 4 MiB.
///
/// Objects die when the program releases them; the collector (GoRuntime+Collection.swift)
/// finds them dead in the next cycle — started by the pacer's trigger, every 2 minutes,
/// or by `runtime.GC()` — marks concurrently on modelled workers with assists, and the
/// sweeper frees their slots lazily, proportionally and in the background. The
/// background scavenger (``advance(to:kernel:)``) then returns free pages to the OS at
/// the pace of Go 1.19's controller.
public struct GoRuntime: RuntimeModel {
    public let config: RuntimeConfig

    // Address space (malloc.go, mpagealloc_64bit.go, linux/amd64).
    /// First arena hint (`0x00c0 << 32`).
    public static let heapBase: UInt64 = 0xc0_0000_0000
    /// `heapArenaBytes`.
    public static let arenaBytes: UInt64 = 64 << 20
    /// `pallocChunkBytes`.
    public static let chunkBytes: UInt64 = 4 << 20
    static let pagesPerArena = Int(arenaBytes / SizeClasses.pageSize)
    /// `arenaBaseOffset`: indices into the arena map and page summaries count from it.
    static let arenaBaseOffset: UInt64 = 0xffff_8000_0000_0000
    static let physPageSize: UInt64 = 4096
    static let hugePageSize: UInt64 = 2 << 20
    /// `heapArenaBitmapBytes`: 2 bits per 8-byte word.
    static let arenaBitmapBytes: UInt64 = arenaBytes / 32
    /// `heapArena.spans`: one pointer per page.
    static let arenaSpansBytes: UInt64 = UInt64(pagesPerArena) * 8
    /// `heapArena.pageInUse`, `pageMarks`, `pageSpecials`, `checkmarks`, `zeroedBase`.
    static let arenaOtherMetadataBytes: UInt64 = 3 * UInt64(pagesPerArena) / 8 + 16
    /// The arena map's L2 array (`arenaL2Bits` = 22): 4 Mi pointers.
    static let arenaIndexBytes: UInt64 = (1 << 22) * 8
    /// `pageAlloc.chunks` L2 array: 2^13 `pallocData` of 128 B.
    static let chunksL2Bytes: UInt64 = (1 << 13) * 128
    /// Summary levels: `levelShift` and entries (mpagealloc_64bit.go).
    static let summaryShifts: [UInt64] = [34, 31, 28, 25, 22]
    static let summaryLevelBits: [UInt64] = [14, 3, 3, 3, 3]
    /// `scavengeQuantum`, `minScavWorkTime`, `retainExtraPercent`, `reduceExtraPercent`.
    static let scavengeQuantum: UInt64 = 64 << 10
    static let minScavengeWorkNs: Double = 1e6
    /// sysmon polls at most every 10 ms when idle (proc.go `sysmon`); the scavenger is
    /// readied after a GC and woken by sysmon.
    static let sysmonWakeDelayNs: UInt64 = 10_000_000
    /// `unsafe.Sizeof(mspan{})`, `_FixAllocChunk`, `persistentChunkSize`.
    static let mspanBytes: UInt64 = 160
    static let fixAllocChunkBytes: UInt64 = 16 << 10
    static let persistentChunkBytes: UInt64 = 256 << 10
    /// `defaultHeapMinimum`.
    static let defaultHeapMinimum: UInt64 = 4 << 20

    // Heap state.
    var spans = SpanTable()
    var pages = PageAllocator()
    var arenas: [Arena] = []
    /// Span id of every heap page, or -1 (`heapArena.spans`, flattened over the heap).
    /// (``UnsafeTable``s, as ``spans``: written per page of every span made and freed,
    /// read per release; an `Array`'s uniqueness checks were a cost of each.)
    var spanOfPage = UnsafeTable<Int32>()
    /// What a release reads of the span of every heap page, for spans of small objects
    /// (not tiny blocks); parallel to ``spanOfPage``.
    var objectPages = UnsafeTable<ObjectPage>()
    /// Whether ``objectPages`` outgrew ``prefetchReleasesMinPages`` (see there). Stored:
    /// the engine reads it per free.
    public internal(set) var prefetchesReleases = false
    var currentArena: (base: UInt64, end: UInt64) = (0, 0)
    /// The arenas' metadata pages (``metadataWords`` per arena) a write reached at
    /// kernel ``KernelModel/residencyEpoch`` ``metadataResidentEpoch``: while the epoch
    /// holds, they are resident and writable.
    var metadataResidentPages: [UInt64] = []
    var metadataResidentEpoch: UInt64?
    /// The heap's 4 KiB pages (bit i: page i from ``heapBase``) a zeroing write reached at
    /// kernel ``KernelModel/residencyEpoch`` ``heapResidentEpoch``: a span made on them
    /// starts with them in its ``Span/residentPages``, so a span reusing freed pages does
    /// not touch again what its predecessor's zeroing already made resident.
    var heapResidentPages: [UInt64] = []
    var heapResidentEpoch: UInt64?
    var nextArenaHint: UInt64 = GoRuntime.heapBase
    var arenaIndexAddress: UInt64?
    var chunksL2Addresses: [UInt64: UInt64] = [:]
    var summaryBases: [UInt64] = []
    var mappedSummaryPages: Set<UInt64> = []
    /// mspan structs the fixalloc can hold, and what is left of its persistent chunk.
    var mspanCapacity = 1024
    var spanStructChunk: (address: UInt64, bytes: UInt64) = (0, 0)

    // Per-P state (mcache) and mcentral.
    /// Each P's cached span per span class (`mcache.alloc`), or -1: P `p`'s of class `c`
    /// at `p * SpanClass.count + c`. (An ``UnsafeTable``: read per allocation, written
    /// per refill.)
    var mcacheSpans: UnsafeTable<Int32>
    var tinyBlocks: [TinyBlock]
    var partialSpans = PartialSpans()

    // Stacks.
    var stackPools: [[Int32]] = Array(repeating: [], count: 4)
    var goroutineStacks: [UInt32: UInt64] = [:]
    var pendingStacks: [UInt32] = []

    // Accounting, in bytes unless named otherwise (mstats.go, mgcpacer.go names).
    public internal(set) var heapInuse: UInt64 = 0
    public internal(set) var stackInuse: UInt64 = 0
    /// Free pages still backed by memory (`heapFree`).
    public internal(set) var heapFree: UInt64 = 0
    public internal(set) var heapReleased: UInt64 = 0
    /// Runtime metadata obtained from the OS (`gcMiscSys` + `other_sys` + `buckhash_sys`).
    public internal(set) var metadataSys: UInt64 = 0
    /// The heap profiler's part of it (`BuckHashSys`).
    public internal(set) var buckHashSys: UInt64 = 0
    /// Bytes left to allocate before the heap profiler's first sample (`.max`: taken, or
    /// `MemProfileRate` is 0).
    var bytesUntilFirstProfileSample: UInt64 = .max
    public internal(set) var heapAlloc: UInt64 = 0
    public internal(set) var totalAlloc: UInt64 = 0
    public internal(set) var mallocs: UInt64 = 0
    public internal(set) var frees: UInt64 = 0
    public internal(set) var tinyAllocs: UInt64 = 0
    /// Heap objects (tiny blocks count once), `HeapObjects`.
    public internal(set) var heapObjects: UInt64 = 0
    /// `gcController.heapLive`: what the trigger is compared with.
    public internal(set) var heapLive: UInt64 = 0
    /// `heapMarked`: live heap at the end of the last collection.
    public internal(set) var heapMarked: UInt64 = 0
    /// The heap goal (`NextGC`).
    public internal(set) var heapGoal: UInt64 = GoRuntime.defaultHeapMinimum
    var lastHeapGoal: UInt64 = 0
    var lastHeapInUse: UInt64 = 0
    var globalsBytes: UInt64 = 0
    public internal(set) var numGC: UInt64 = 0
    /// When sysmon forces the next cycle, if it will (see ``updatePeriodicGCDeadline()``).
    /// Stored, not computed: the engine reads the deadlines after every event.
    var periodicGCDeadline: UInt64?
    /// `main` returned (the trace ended): no new timer-driven work starts.
    var exited = false
    /// Mutator time spent in the write barrier (mutator time, not GC CPU, as in Go).
    public internal(set) var writeBarrierNs: UInt64 = 0
    public internal(set) var numForcedGC: UInt64 = 0
    /// A refill or large allocation happened: test the trigger when mallocgc returns.
    var gcCheckPending = false
    /// The collector: pacer, limiter, the cycle in progress, unswept spans.
    var gc: CollectorState
    /// The program's goroutines (main and the ones the trace started; not the runtime's
    /// own start-up goroutines, which sleep): how many Ps the program keeps busy.
    var programGoroutines = 1
    var gcPercent: Int32?
    var memoryLimit: UInt64?
    /// Releases of addresses the heap does not hold (or already released), ignored.
    public internal(set) var invalidReleases: UInt64 = 0

    var scavenger = ScavengerState()
    /// The lookup tables, held by the instance so the hot path does not go through
    /// lazily initialised globals.
    let sizeToClassBy8 = SizeClasses.sizeToClassBy8
    let classLayouts = SizeClasses.layouts
    var latency = LatencyStatistics()

    public init(config: RuntimeConfig) {
        var config = config
        // Every cost at most CostTable.maxNs: ``smallObject`` adds them unchecked.
        config.costs = config.costs.bounded
        self.config = config
        let procs = max(1, config.gomaxprocs)
        gomaxprocs = procs
        pMask = procs & (procs - 1) == 0 ? procs - 1 : -1
        mcacheSpans = UnsafeTable(repeating: -1, count: procs * SpanClass.count)
        tinyBlocks = Array(repeating: TinyBlock(), count: procs)
        let percent = config.gcPercent.flatMap { $0 < 0 ? nil : $0 }  // GOGC<0 is off
        gcPercent = percent
        memoryLimit = config.memoryLimit
        gc = CollectorState(gcPercent: percent, memoryLimit: config.memoryLimit, gomaxprocs: procs)
        heapGoal = gc.pacer.heapGoal
        bytesUntilFirstProfileSample = config.memProfileRate == 0 ? .max : config.memProfileRate
    }

    public var modelName: String? { config.goVersion.rawValue }

    /// `GOMAXPROCS`, at least 1.
    let gomaxprocs: Int
    /// `gomaxprocs − 1` when `GOMAXPROCS` is a power of two (a goroutine's P is then its
    /// id masked), else −1.
    let pMask: Int

    /// `MemStats.HeapSys`: heap memory obtained from the OS (stacks excluded).
    public var heapSys: UInt64 { heapInuse + heapFree + heapReleased }
    /// `heapRetained`: what the scavenger compares with its goal.
    var heapRetained: UInt64 { heapInuse + heapFree }
    /// `MemStats.Sys`.
    public var sys: UInt64 { heapSys + stackInuse + metadataSys }
    /// `mappedReady`: mapped and not released (compared with GOMEMLIMIT).
    public var mappedReady: UInt64 { sys - heapReleased }

    static func heapMinimum(_ percent: Int32?) -> UInt64 {
        guard let percent, percent >= 0 else { return .max }
        return defaultHeapMinimum * UInt64(percent) / 100
    }

    // MARK: RuntimeModel

    public mutating func start<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) {
        // Fresh tables (``UnsafeTable`` shares its elements between copies): a runtime
        // copied before it starts does not run into its original's spans.
        spans = SpanTable()
        pages = PageAllocator()
        partialSpans = PartialSpans()
        gc.unswept = UnsweptSpans()
        mcacheSpans = UnsafeTable(repeating: -1, count: gomaxprocs * SpanClass.count)
        spanOfPage = UnsafeTable()
        objectPages = UnsafeTable()
        prefetchesReleases = false
        latency = LatencyStatistics()
        try mapProcessImage(kernel: &kernel)
        // bgsweep's first `sweepone` at start-up finds nothing to sweep: sweeping is "done"
        // and the first scavenge generation covers the heap mapped so far (mgcsweep.go).
        startScavengeGeneration()
    }

    public mutating func allocate<K: KernelModel>(size: UInt64, scan: Bool, goroutine: UInt32, now: UInt64,
                                                  kernel: inout K) throws(ModelError) -> Allocation {
        // Most allocations: no new goroutine's stack to allocate first and the world
        // running. The general path below then adds no cost; written out, it kept ~10
        // more values live across the allocation and spilled them (callgrind).
        guard pendingStacks.isEmpty, now >= gc.worldStoppedUntil else {
            return try allocateGenerally(size: size, scan: scan, goroutine: goroutine, now: now, kernel: &kernel)
        }
        let marking = gc.phase == .mark
        let allocation = try mallocgc(size: size, scan: scan, p: processor(of: goroutine), now: now, kernel: &kernel)
        if marking {
            // While marking, most allocations are paid from the goroutine's assist
            // credit: ``assist(goroutine:bytes:now:)``'s first test, inline — the
            // workers still mark past the allocation's end, and the credit covers it.
            // Then nothing of the collector moves, and the deadline is as mallocgc left
            // it. (A quarter of the allocations of the 10 k-live replay come while
            // marking: through the general path they cost ~90 instructions more each.)
            if gc.phase == .mark, gc.markEndNs > now + allocation.costNs {
                let balance = gc.assistBytes[goroutine] - Int64(clamping: size)
                if balance >= 0 {
                    gc.assistBytes[goroutine] = balance
                    return allocation
                }
            }
            return finishMarkingAllocation(allocation, size: size, goroutine: goroutine, now: now, cost: 0,
                                           stacks: false)
        }
        // The allocation may have started a cycle: its deadline is then the workers' end.
        return Allocation(address: allocation.address, costNs: allocation.costNs,
                          keepsDeadline: allocation.keepsDeadline && gc.phase != .mark)
    }

    /// The P goroutine `goroutine` allocates on.
    @inline(__always)
    func processor(of goroutine: UInt32) -> Int {
        // A mask when GOMAXPROCS is a power of two: a division per allocation was
        // measurable (the value is the same).
        pMask >= 0 ? Int(goroutine) & pMask : Int(goroutine) % gomaxprocs
    }

    /// ``allocate(size:scan:goroutine:now:kernel:)`` with stacks to allocate first, or in
    /// a stop-the-world pause.
    @inline(never)
    mutating func allocateGenerally<K: KernelModel>(size: UInt64, scan: Bool, goroutine: UInt32, now: UInt64,
                                                    kernel: inout K) throws(ModelError) -> Allocation {
        var cost: UInt64 = 0
        let stacks = !pendingStacks.isEmpty
        if stacks { cost += try allocatePendingStacks(kernel: &kernel) }
        // A goroutine that would run during a stop-the-world pause waits for its end.
        if now < gc.worldStoppedUntil { cost += gc.worldStoppedUntil - now }
        let p = processor(of: goroutine)
        // mallocgc checks for an assist before allocating: the allocation that starts a
        // cycle owes none.
        let marking = gc.phase == .mark
        let allocation = try mallocgc(size: size, scan: scan, p: p, now: now + cost, kernel: &kernel)
        if marking {
            return finishMarkingAllocation(allocation, size: size, goroutine: goroutine, now: now, cost: cost,
                                           stacks: stacks)
        }
        // New stacks move the collector's deadline (busy Ps).
        return Allocation(address: allocation.address, costNs: allocation.costNs + cost,
                          keepsDeadline: allocation.keepsDeadline && !stacks && gc.phase != .mark)
    }

    /// The end of an allocation that began while marking (`cost` before it, `stacks`
    /// allocated first): mark termination if the workers finished before it ends, else
    /// its assist. The deadline, while marking, is the workers' end, which an assist
    /// that did work re-estimates and mark termination ends — an assist paid from
    /// credit leaves it; new stacks move it (busy Ps).
    @inline(never)
    mutating func finishMarkingAllocation(_ allocation: Allocation, size: UInt64, goroutine: UInt32, now: UInt64,
                                          cost: UInt64, stacks: Bool) -> Allocation {
        var allocation = allocation
        var keepsDeadline = false
        if gc.phase == .mark {
            let t = now + cost + allocation.costNs
            if gc.markEndNs <= t {
                // The workers finished before this allocation: mark termination first.
                let end = finishCycle()
                if end > t { allocation.costNs += end - t }
            } else {
                let markEnd = gc.markEndNs, wakeAt = scavenger.wakeAt
                allocation.costNs += assist(goroutine: goroutine, bytes: size, now: t)
                keepsDeadline = allocation.keepsDeadline && !stacks && gc.phase == .mark && gc.markEndNs == markEnd
                    && scavenger.wakeAt == wakeAt
            }
        }
        return Allocation(address: allocation.address, costNs: allocation.costNs + cost, keepsDeadline: keepsDeadline)
    }

    public mutating func release(address: UInt64, size: UInt64, scan: Bool) {
        markReleased(address: address, size: size)
    }

    /// Starts loading what ``markReleased(address:size:)`` of a small object reads: the
    /// page's ``ObjectPage`` for `later`, and for `sooner` (whose page record an earlier
    /// call brought in) its bitmap word — two dependent DRAM misses per release at a
    /// million live objects, overlapped with the records between. Host hints only: it
    /// writes nothing, and an address that is no small object's is skipped.
    public mutating func prefetchReleases(later: UInt64, sooner: UInt64) {
        let pages = UInt64(objectPages.count)
        let laterPage = (later &- Self.heapBase) >> SizeClasses.pageShift
        if later >= Self.heapBase, laterPage < pages { prefetch(UnsafeRawPointer(objectPages.base + Int(laterPage))) }
        let page = (sooner &- Self.heapBase) >> SizeClasses.pageShift
        guard sooner >= Self.heapBase, page < pages else { return }
        let objectPage = objectPages[unchecked: Int(page)]  // page < count
        guard objectPage.bitmapBase >= 0 else { return }
        // The slot as ``releaseSmall`` finds it; a word past the table is not prefetched.
        let divMul = classLayouts.withUnsafeBufferPointer { $0[objectPage.spanClass.sizeClass].divMul }
        let word = Int(objectPage.bitmapBase) &+ Int(objectPage.slot(of: sooner, divMul: divMul) >> 6)
        if word < spans.bits.count { prefetch(UnsafeRawPointer(spans.bits.base + word)) }
    }

    /// Runtime pages of heap (``objectPages``) from which the engine is asked for
    /// ``prefetchReleases(later:sooner:)``: 256 MiB, whose page records (256 KiB) and
    /// bitmaps outgrow the host's L2. Below, there are no misses to hide, and the
    /// hints' dependent loads were ~10 % of the allocator replay at 10 K live objects
    /// (perf). A host-speed choice: no figure depends on it.
    static let prefetchReleasesMinPages = 1 << 15

    /// A release only marks the object dead to the next cycle (``markReleased``): no
    /// collector or scavenger state that ``nextDeadline`` reads.
    @inlinable public static var releaseKeepsDeadline: Bool { true }

    public mutating func collect<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        var cost: UInt64 = 0
        if !pendingStacks.isEmpty { cost += try allocatePendingStacks(kernel: &kernel) }
        return cost + collectGarbage(forced: true, now: now + cost)
    }

    public mutating func freeOSMemory<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        var cost = try collect(now: now, kernel: &kernel)
        startScavengeGeneration()  // mheap.scavengeAll: a walk over the whole heap
        let work = try scavenge(bytes: .max, kernel: &kernel)
        scavenger.releasedEager += work.released
        cost += work.durationNs
        return cost
    }

    public mutating func setGCPercent(_ percent: Int32?, now: UInt64) {
        gcPercent = percent.flatMap { $0 < 0 ? nil : $0 }
        updatePeriodicGCDeadline()
        syncPacer()
        gc.pacer.setGCPercent(gcPercent)
        heapGoal = gc.pacer.heapGoal
        paceScavenger(now: now)
    }

    public mutating func setMemoryLimit(_ bytes: UInt64?, now: UInt64) {
        memoryLimit = bytes
        gc.pacer.memoryLimit = bytes ?? UInt64(Int64.max)
        syncPacer()
        heapGoal = gc.pacer.heapGoal
        paceScavenger(now: now)
    }

    public mutating func setGlobals(bytes: UInt64) {
        globalsBytes = bytes
    }

    public mutating func goroutineStarted(_ goroutine: UInt32, now: UInt64) {
        guard goroutineStacks[goroutine] == nil, !pendingStacks.contains(goroutine) else { return }
        pendingStacks.append(goroutine)
        programGoroutines += 1
    }

    public mutating func goroutineExited(_ goroutine: UInt32, now: UInt64) {
        if let i = pendingStacks.firstIndex(of: goroutine) {
            pendingStacks.remove(at: i)
            programGoroutines -= 1
        } else if let stack = goroutineStacks.removeValue(forKey: goroutine) {
            freeStack(address: stack)
            programGoroutines -= 1
        }
    }

    @inline(__always)
    public var nextDeadline: UInt64? {
        guard let gcDeadline = collectorDeadline else { return scavenger.wakeAt }
        guard let scavenge = scavenger.wakeAt else { return gcDeadline }
        return min(gcDeadline, scavenge)
    }

    /// ``nextDeadline`` without copying the runtime (see ``RuntimeModel/readNextDeadline()``).
    public mutating func readNextDeadline() -> UInt64? { nextDeadline }

    public mutating func programExited(now: UInt64) {
        exited = true
        updatePeriodicGCDeadline()
    }

    /// While marking (mgcmark.go: the write barrier is on from mark setup to mark
    /// termination), every pointer-sized word written into a pointerful object goes
    /// through the buffered barrier. The trace does not say which words are pointers, so
    /// each word counts: an upper bound for objects mixing pointers and scalars.
    public mutating func writeBarrier(bytes: UInt64, now: UInt64) -> UInt64 {
        guard gc.phase == .mark, now < gc.markEndNs, bytes > 0 else { return 0 }
        let cost = ((bytes &+ 7) / 8).multipliedReportingOverflow(by: config.costs.writeBarrierNs)
        let ns = cost.overflow ? UInt64.max : cost.partialValue
        writeBarrierNs = writeBarrierNs.addingReportingOverflow(ns).overflow ? .max : writeBarrierNs + ns
        return ns
    }

    public mutating func advance<K: KernelModel>(to now: UInt64, kernel: inout K) throws(ModelError) {
        if !pendingStacks.isEmpty { _ = try allocatePendingStacks(kernel: &kernel) }
        advanceCollector(to: now)
        try runBackgroundScavenger(until: now, kernel: &kernel)
    }
}

/// A heap page of a span of small objects (tiny blocks excepted), as a release sees it:
/// the span's bitmap words, its class, and where the page is in it. A release finds the
/// slot's bitmap word from this 8-byte record alone, without the span's record: two
/// dependent host cache misses (page, bitmap) where the span map took three (page,
/// span, bitmap).
struct ObjectPage: BitwiseCopyable {
    /// The span's ``Span/bitmapBase``, or -1: not a page of such a span (free, a large,
    /// tiny-class or stack span), which a release looks up through the span map.
    var bitmapBase: Int32 = -1
    var spanClass = SpanClass(rawValue: 0)
    /// The page's index in its span (a small-object span has at most 10 pages).
    var pageInSpan: UInt8 = 0

    /// `objIndex` of `address`, on this page, in its span: the offset in the span times
    /// the class's `divMul`, shifted down 32 (an offset under 80 KiB times a `divMul`
    /// under 2^29: no overflow).
    @inline(__always)
    func slot(of address: UInt64, divMul: UInt32) -> UInt32 {
        let offset = UInt64(pageInSpan) << SizeClasses.pageShift | (address & (SizeClasses.pageSize - 1))
        return UInt32(truncatingIfNeeded: (offset &* UInt64(divMul)) >> 32)
    }
}

/// The tiny allocator's state in an mcache (`tiny`, `tinyoffset`).
struct TinyBlock {
    var address: UInt64 = 0
    var offset: UInt64 = 0
    var span: Int32 = -1
    var slot: UInt32 = 0
}

/// A reserved 64 MiB heap arena and its `heapArena` metadata.
struct Arena {
    var base: UInt64
    /// The `heapArena` struct: bitmap, then the span map, then page bits.
    var metadataAddress: UInt64
    /// `zeroedBase`: everything below was handed out before and must be zeroed on reuse.
    var zeroedBase: UInt64 = 0
}
