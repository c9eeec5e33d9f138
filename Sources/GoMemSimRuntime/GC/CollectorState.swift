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
    var unswept: [[Int32]] = Array(repeating: [], count: SpanClass.count)
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
