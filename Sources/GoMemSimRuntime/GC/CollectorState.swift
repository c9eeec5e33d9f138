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
/// A pop only moves the class's count down (an `InlineArray`, written in place): the
/// lists are read, never written, while a sweep consumes them, so a pop costs no
/// copy-on-write check of the outer and inner arrays — two per swept span, measured
/// with callgrind at ~40 instructions of each ``GoRuntime/sweepOne()``.
struct UnsweptSpans {
    /// Each class's ids as filled; the first ``remaining`` of each are still unswept.
    private var lists: [[Int32]] = Array(repeating: [], count: SpanClass.count)
    /// Per class (``SpanClass/count`` of them).
    private var remaining = InlineArray<136, Int32>(repeating: 0)

    /// Empties every list (none is left unswept when a cycle's sweep starts).
    mutating func removeAll() {
        for c in 0..<SpanClass.count {
            lists[c].removeAll(keepingCapacity: true)
            remaining[c] = 0
        }
    }

    /// Adds an unswept span of class `c` (after ``removeAll()``: while a cycle's sweep
    /// is filled, before any pop).
    mutating func append(_ id: Int32, spanClass c: Int) {
        lists[c].append(id)
        remaining[c] += 1
    }

    /// Unswept spans left of class `c`.
    @inline(__always)
    func count(_ c: Int) -> Int { Int(remaining[c]) }

    /// The `i`th unswept span of class `c` (`i < count(c)`; the last is popped first).
    @inline(__always)
    func id(_ c: Int, _ i: Int) -> Int32 { lists[c][i] }

    /// Takes class `c`'s last unswept span.
    @inline(__always)
    mutating func popLast(_ c: Int) -> Int32? {
        let n = remaining[c]
        guard n > 0 else { return nil }
        remaining[c] = n - 1
        return lists[c][Int(n - 1)]
    }

    /// Every unswept span, class by class.
    var all: [Int32] { (0..<SpanClass.count).flatMap { lists[$0].prefix(Int(remaining[$0])) } }
}
