import GoMemSimCore

/// The collector's state inside ``GoRuntime``: the pacer, the CPU limiter, the cycle in
/// progress, the unswept spans and the totals `runtime.MemStats` reports.
/// Mark work is fluid: background and idle workers do scan work at their share of the
/// Ps; assists do it on the allocating goroutine; the cycle ends when it is all done.
struct CollectorState {
    enum Phase { case off, mark }
    enum Kind { case heap, forced, periodic }

    var phase: Phase = .off
    var pacer: GCController
    var limiter: GCCPULimiter
    var cycle = GCCycle()
    var cycles: [GCCycle] = []

    // The mark phase (work in bytes of scan work, as gcController.heapScanWork counts).
    /// When concurrent marking began (after sweep termination).
    var markStartNs: UInt64 = 0
    /// Background work is accounted up to here.
    var markUpdatedNs: UInt64 = 0
    /// When the background workers alone would finish the remaining work.
    var markEndNs: UInt64 = 0
    var workTotal: Double = 0
    var workDone: Double = 0
    /// The cycle's heap part of the scan work (`heapScanWork`): the next `lastHeapScan`.
    var heapScanWork: UInt64 = 0
    /// CPU ns per byte of scan work this cycle: scanning plus marking the objects found.
    var nsPerWork: Double = 0
    /// Ps' worth of dedicated + fractional workers, and of idle workers.
    var backgroundProcs: Double = 0
    var idleProcs: Double = 0
    /// `bgScanCredit`: work the background workers did that assists may steal.
    var backgroundCredit: Double = 0
    /// `gcAssistBytes` per goroutine: allocation credit (negative: debt).
    var assistBytes = AssistBalances()
    var cpuAssistNs: Double = 0
    var cpuBackgroundNs: Double = 0
    var cpuIdleNs: Double = 0
    var assistWork: Double = 0
    /// Goroutines that run before this time were stopped by a STW pause.
    var worldStoppedUntil: UInt64 = 0

    // Liveness. Releases count toward the next cycle's dead set until it starts.
    var releasedBytes: UInt64 = 0
    var releasedObjects: UInt64 = 0
    /// Dead to the cycle in progress (released before it started).
    var condemnedBytes: UInt64 = 0
    var condemnedObjects: UInt64 = 0
    /// Bytes of live (unreleased) pointerful objects: the scannable heap.
    var liveScanBytes: UInt64 = 0

    // Sweep (mgcsweep.go).
    /// Unswept spans by span class (`mcentral.partial/full[unswept]`), lowest id last.
    var unswept = UnsweptSpans()
    var unsweptSpans = 0
    var sweepCursor = 0
    /// Proportional sweep (`gcPaceSweeper`): pages to sweep per byte heapLive grows.
    var sweepPagesPerByte: Double = 0
    var sweepHeapLiveBasis: UInt64 = 0
    var pagesSwept: UInt64 = 0
    var pagesSweptBasis: UInt64 = 0
    /// The background sweeper has used idle time up to here.
    var backgroundSweepNs: UInt64 = 0

    // Totals since program start.
    var totalCPUNs: UInt64 = 0
    /// `work.totaltime`: GC CPU without idle marking, the numerator of GCCPUFraction.
    var utilizedCPUNs: UInt64 = 0
    var pauseTotalNs: UInt64 = 0
    var assistTotalNs: UInt64 = 0
    var backgroundTotalNs: UInt64 = 0
    var idleTotalNs: UInt64 = 0
    /// `memstats.last_gc_nanotime` (the 2-minute forced GC counts from it).
    var lastGCEndNs: UInt64 = 0
    var gcCPUFraction: Double = 0

    // The CPU limiter's inputs since its last update.
    var limiterUpdatedNs: UInt64 = 0
    var limiterPendingGCNs: UInt64 = 0

    init(gcPercent: Int32?, memoryLimit: UInt64?, gomaxprocs: Int) {
        pacer = GCController(gcPercent: gcPercent, memoryLimit: memoryLimit)
        limiter = GCCPULimiter(gomaxprocs: gomaxprocs)
    }

    /// `forcegcperiod` (proc.go): a cycle at least every 2 minutes unless GOGC=off.
    static let forcedPeriodNs: UInt64 = 120_000_000_000
    /// `gcOverAssistWork`: an assist does at least 64 KiB of scan work.
    static let overAssistWork: Double = 65_536
    /// `gcCPULimiterUpdatePeriod`.
    static let limiterPeriodNs: UInt64 = 10_000_000
    /// `spanBudget` in `mcentral.cacheSpan`: unswept spans tried before growing.
    static let spanBudget = 100
}

/// The unswept spans of each span class (`mcentral.partial/full[unswept]`): each class's
/// list is filled at mark termination (lowest id last) and consumed from its end.
///
/// All classes' lists share one ``UnsafeTable``, class after class, sized when a cycle's
/// sweep starts (``layOut()``): filling a list costs no copy-on-write checks
/// (an array per class kept two per span appended, ~25 instructions of each of a
/// cycle's spans, callgrind). A pop only moves the class's count down. The counts are
/// tables too: in `InlineArray`s, the sweep copied them (544 bytes) on every read. The
/// runtime makes a fresh one when it starts (the tables are shared between copies).
struct UnsweptSpans {
    /// A class's list: `ids[start..<end]` as filled, the first `remaining` still unswept.
    struct ClassList: BitwiseCopyable {
        var start: Int32 = 0
        var end: Int32 = 0
        var remaining: Int32 = 0
    }

    /// Every class's ids, class after class.
    private var ids = UnsafeTable<Int32>()
    /// Per class (``SpanClass/count`` of them).
    private var lists = UnsafeTable<ClassList>(repeating: ClassList(), count: SpanClass.count)

    /// Empties every list (a new cycle's sweep: none is left unswept). Then
    /// ``reserve(spanClass:)`` for each span to come, ``layOut()``, and ``append(_:spanClass:)``.
    mutating func removeAll() {
        for c in 0..<SpanClass.count { lists[c] = ClassList() }
    }

    /// Makes room in class `c`'s list for one more span (before ``layOut()``).
    @inline(__always)
    mutating func reserve(spanClass c: Int) {
        lists[c].end += 1  // a count until laid out
    }

    /// Places the lists, class after class, each with the room reserved for it.
    mutating func layOut() {
        var start: Int32 = 0
        for c in 0..<SpanClass.count {
            let count = lists[c].end
            lists[c] = ClassList(start: start, end: start + count, remaining: 0)
            start += count
        }
        // The table only grows (to the most heap spans a cycle had).
        if ids.count < Int(start) { ids.append(repeating: -1, count: Int(start) - ids.count) }
    }

    /// Adds an unswept span of class `c` (after ``layOut()``, within the room reserved
    /// for the class, before any pop).
    @inline(__always)
    mutating func append(_ id: Int32, spanClass c: Int) {
        let list = lists[c]
        precondition(list.start + list.remaining < list.end, "UnsweptSpans: more spans of class \(c) than reserved")
        ids[unchecked: Int(list.start + list.remaining)] = id  // < end <= ids.count
        lists[c].remaining = list.remaining + 1
    }

    /// Unswept spans left of class `c`.
    @inline(__always)
    func count(_ c: Int) -> Int { Int(lists[c].remaining) }

    /// The `i`th unswept span of class `c` (`i < count(c)`; the last is popped first).
    @inline(__always)
    func id(_ c: Int, _ i: Int) -> Int32 {
        let list = lists[c]
        precondition(i >= 0 && i < Int(list.remaining), "UnsweptSpans: no unswept span \(i) of class \(c)")
        return ids[unchecked: Int(list.start) &+ i]  // start + i < start + remaining <= end <= ids.count
    }

    /// Takes class `c`'s last unswept span.
    @inline(__always)
    mutating func popLast(_ c: Int) -> Int32? {
        let list = lists[c]
        guard list.remaining > 0 else { return nil }
        lists[c].remaining = list.remaining &- 1
        return ids[unchecked: Int(list.start &+ list.remaining &- 1)]  // < start + remaining <= end <= ids.count
    }

    /// Every unswept span, class by class.
    var all: [Int32] {
        (0..<SpanClass.count).flatMap { c in (0..<count(c)).map { id(c, $0) } }
    }
}
