/// The Go 1.19 GC pacer: when a cycle starts and how large the heap may grow, for a
/// GOGC and a GOMEMLIMIT. Read it beside `runtime/mgcpacer.go`: the state and the verbs
/// (`commit`, `trigger`, `startCycle`, `revise`, `endCycle`) carry the runtime's names.
///
/// ```
/// var pacer = GCController(gcPercent: 100)
/// pacer.commit()                       // goal/trigger for the current heapMarked
/// if pacer.heapLive >= pacer.trigger().trigger { pacer.startCycle(…) }
/// pacer.endCycle(…); pacer.resetLive(marked:); pacer.commit()
/// ```
///
/// Formulas: facts/go-gc-pacer.md §1–5 and facts/go1.19-runtime-constants.md.
/// All sizes are bytes, times nanoseconds.
public struct GCController: Hashable, Sendable {
    // MARK: Constants (mgcpacer.go, Go 1.19)

    /// `gcGoalUtilization` = `gcBackgroundUtilization`: the GC's target share of CPU while marking.
    public static let backgroundUtilization = 0.25
    /// `defaultHeapMinimum`: the goal floor at GOGC=100 (scaled by GOGC/100).
    public static let defaultHeapMinimum: UInt64 = 4 << 20
    /// `memoryLimitHeapGoalHeadroom` (1.19: a fixed 1 MiB; 1.21 made it 3 %).
    public static let memoryLimitHeadroom: UInt64 = 1 << 20
    /// `minRunway`: the goal stays at least this far above the point the cycle triggered.
    public static let minRunway: UInt64 = 64 << 10
    /// `sweepMinHeapDistance` (mgc.go): trigger and goal stay this far above heapLive while sweeping.
    public static let sweepMinHeapDistance: UInt64 = 1 << 20
    /// `triggerRatioDen`, `minTriggerRatioNum`, `maxTriggerRatioNum`: the trigger lies in
    /// [45/64, 61/64] of the way from heapMarked to the goal.
    static let triggerRatioDen: UInt64 = 64, minTriggerRatioNum: UInt64 = 45, maxTriggerRatioNum: UInt64 = 61
    /// `maxUtilError`: above this relative error, dedicated workers are topped up by a fractional one.
    static let maxUtilError = 0.3

    // MARK: Settings

    /// GOGC; `nil` is off (`gcPercent < 0` in the runtime).
    public private(set) var gcPercent: Int32?
    /// GOMEMLIMIT in bytes (`math.MaxInt64` when unset).
    public var memoryLimit: UInt64 = UInt64(Int64.max)
    /// `heapMinimum` = 4 MiB × GOGC/100.
    public private(set) var heapMinimum: UInt64

    // MARK: State

    /// Bytes marked live by the last cycle.
    public var heapMarked: UInt64 = 0
    /// Heap bytes in use as the pacer counts them: marked + allocated since (whole spans
    /// when an mcache takes them). Compared with the trigger.
    public var heapLive: UInt64 = 0
    /// Scannable heap bytes (pointerful objects up to their last pointer), live now.
    public var heapScan: UInt64 = 0
    /// heapScan as of the last cycle's mark termination.
    public var lastHeapScan: UInt64 = 0
    /// Scannable stack bytes (`stackScan` in 1.19).
    public var stackScan: UInt64 = 0
    /// Scannable globals (data+bss with pointers).
    public var globalsScan: UInt64 = 0
    /// The cons/mark estimate: bytes the mutator allocates per byte of scan work the GC
    /// does, at 25 % utilisation. Go 1.19 averages the last two measurements.
    public private(set) var consMark: Double = 0
    private var lastConsMark: Double = 0
    /// heapLive when the current cycle started (`^uint64(0)` in the runtime when none).
    public private(set) var triggered: UInt64? = nil
    /// Computed by `commit`.
    public private(set) var gcPercentHeapGoal: UInt64 = .max
    public private(set) var runway: UInt64 = 0
    private var sweepDistMinTrigger: UInt64 = 0
    /// The goal of the previous cycle (the scavenger scales by goal / lastHeapGoal).
    public private(set) var lastHeapGoal: UInt64 = 0

    // Memory-limit inputs (mgcpacer.go memoryLimitHeapGoal): heap pages free but not
    // released, heap object bytes (incl. unswept dead ones), everything mapped and ready.
    public var heapFree: UInt64 = 0
    public var heapAlloc: UInt64 = 0
    public var mappedReady: UInt64 = 0

    // Per-cycle state (startCycle … endCycle).
    public private(set) var markStartNs: UInt64 = 0
    public private(set) var dedicatedMarkWorkersNeeded = 0
    public private(set) var fractionalUtilizationGoal = 0.0
    /// Scan work owed per byte allocated (`assistWorkPerByte`), set by `revise`.
    public private(set) var assistWorkPerByte = 0.0
    /// Bytes of allocation per unit of scan work (`assistBytesPerWork`).
    public private(set) var assistBytesPerWork = 0.0
    /// Scan work done so far this cycle (heap, stacks, globals).
    public var scanWork: UInt64 = 0
    /// The goal the cycle started with, for the hard goal.
    private var cycleGoal: UInt64 = 0

    public init(gcPercent: Int32? = 100, memoryLimit: UInt64? = nil) {
        self.gcPercent = gcPercent
        self.memoryLimit = memoryLimit ?? UInt64(Int64.max)
        self.heapMinimum = Self.heapMinimum(for: gcPercent)
        commit(isSweepDone: true)
    }

    static func heapMinimum(for gcPercent: Int32?) -> UInt64 {
        guard let gcPercent else { return 0 }
        return Self.defaultHeapMinimum * UInt64(max(gcPercent, 0)) / 100
    }

    /// `setGCPercent`: changes GOGC and recomputes the goal (debug.SetGCPercent).
    public mutating func setGCPercent(_ percent: Int32?) {
        gcPercent = percent.flatMap { $0 < 0 ? nil : $0 }
        heapMinimum = Self.heapMinimum(for: gcPercent)
        commit(isSweepDone: true)
    }

    // MARK: Goal and trigger

    /// `commit`: recomputes the GOGC goal and the runway after a cycle or a setting change.
    public mutating func commit(isSweepDone: Bool) {
        // goal = heapMarked + (heapMarked + stacks + globals) × GOGC/100 (mgcpacer.go commit)
        var goal = UInt64.max
        if let gcPercent {
            goal = heapMarked + (heapMarked + stackScan + globalsScan) * UInt64(gcPercent) / 100
        }
        gcPercentHeapGoal = max(goal, heapMinimum)
        // runway = consMark × (1 − u)/u × (last heap scan + stacks + globals)
        let u = Self.backgroundUtilization
        let scannable = Double(lastHeapScan + stackScan + globalsScan)
        let runwayBytes = consMark * (1 - u) / u * scannable
        runway = runwayBytes >= Double(UInt64.max) ? .max : UInt64(runwayBytes)
        sweepDistMinTrigger = isSweepDone ? 0 : heapLive + Self.sweepMinHeapDistance
    }

    /// `memoryLimitHeapGoal`: the heap the memory limit leaves room for, after the
    /// memory the runtime uses for other things and 1 MiB of headroom; never below heapMarked.
    public var memoryLimitHeapGoal: UInt64 {
        @inline(__always) get {
            let nonHeap = mappedReady &- min(mappedReady, heapFree + heapAlloc)
            let overage = mappedReady > memoryLimit ? mappedReady - memoryLimit : 0
            if nonHeap + overage >= memoryLimit { return heapMarked }
            var goal = memoryLimit - (nonHeap + overage)
            let headroom = Self.memoryLimitHeadroom
            goal = goal < 2 * headroom ? headroom : goal - headroom
            return max(goal, heapMarked)
        }
    }

    /// `heapGoalInternal`: the effective goal, and the lowest trigger the sweeper allows.
    @inline(__always)
    func heapGoalInternal() -> (goal: UInt64, minTrigger: UInt64, limited: Bool) {
        let limitGoal = memoryLimitHeapGoal
        if limitGoal < gcPercentHeapGoal { return (limitGoal, 0, true) }
        var goal = max(gcPercentHeapGoal, sweepDistMinTrigger)
        if let triggered, goal < triggered + Self.minRunway { goal = triggered + Self.minRunway }
        return (goal, sweepDistMinTrigger, false)
    }

    /// The heap goal (`/gc/heap/goal:bytes`, MemStats.NextGC).
    public var heapGoal: UInt64 { heapGoalInternal().goal }

    /// True when the memory limit, not GOGC, sets the goal.
    public var isMemoryLimited: Bool { heapGoalInternal().limited }

    /// `trigger`: heapLive at which the next cycle starts — `goal − runway`, clamped to
    /// [45/64, 61/64] of the way from heapMarked to the goal (the upper bound raised to
    /// goal − 4 MiB for large heaps).
    public func trigger() -> (trigger: UInt64, goal: UInt64) { triggerInline() }

    @inline(__always)
    func triggerInline() -> (trigger: UInt64, goal: UInt64) {
        let (goal, sweepMin, _) = heapGoalInternal()
        if heapMarked >= goal { return (goal, goal) }
        let span = goal - heapMarked
        var minTrigger = max(sweepMin, heapMarked)
        minTrigger = max(minTrigger, span / Self.triggerRatioDen * Self.minTriggerRatioNum + heapMarked)
        var maxTrigger = span / Self.triggerRatioDen * Self.maxTriggerRatioNum + heapMarked
        if goal > Self.defaultHeapMinimum, goal - Self.defaultHeapMinimum > maxTrigger {
            maxTrigger = goal - Self.defaultHeapMinimum
        }
        maxTrigger = max(maxTrigger, minTrigger)
        let raw = runway > goal ? minTrigger : goal - runway
        return (min(max(raw, minTrigger), maxTrigger), goal)
    }

    /// ``trigger()`` through `inout`, inlined: on the runtime's stored controller the
    /// plain call copied the whole controller first (a memcpy per refill, callgrind).
    mutating func readTrigger() -> (trigger: UInt64, goal: UInt64) { triggerInline() }

    // MARK: Cycle

    /// `startCycle`: the cycle begins at `now` with `gomaxprocs` Ps. Splits the 25 %
    /// background utilisation into dedicated workers and a fractional goal
    /// (GOMAXPROCS=1…3: no dedicated worker and a fractional goal of 25 % per P).
    public mutating func startCycle(now: UInt64, gomaxprocs: Int) {
        markStartNs = now
        scanWork = 0
        triggered = heapLive
        cycleGoal = heapGoal
        let total = Double(gomaxprocs) * Self.backgroundUtilization
        var dedicated = Int(total + 0.5)
        let error = Double(dedicated) / total - 1
        fractionalUtilizationGoal = 0
        if abs(error) > Self.maxUtilError {
            if Double(dedicated) > total { dedicated -= 1 }
            fractionalUtilizationGoal = (total - Double(dedicated)) / Double(gomaxprocs)
        }
        dedicatedMarkWorkersNeeded = dedicated
        revise()
    }

    /// `revise`: the assist ratio — scan work still expected over heap bytes left before
    /// the goal. If the heap turned out larger than expected, the goal is extended up to
    /// the hard goal (1 + GOGC/100) × goal; if heapLive already passed it, goal × 1.1.
    public mutating func revise() {
        var goal = Double(cycleGoal)
        let expected = Double(lastHeapScan + stackScan + globalsScan)
        let maxScanWork = Double(heapScan + stackScan + globalsScan)
        var workExpected = expected
        let work = Double(scanWork)
        if work > expected {
            // Extrapolate the goal and cap it at the hard goal (mgcpacer.go revise). GOGC=off
            // is gcPercent −1 there, so the cap is 0.99 × the goal.
            let triggeredAt = Double(triggered ?? heapLive)
            let extended = triggeredAt + (goal - triggeredAt) * (maxScanWork / max(expected, 1))
            goal = min(extended, (1 + Double(gcPercent ?? -1) / 100) * Double(cycleGoal))
            workExpected = maxScanWork
        }
        if Double(heapLive) > goal {
            goal *= 1.1  // maxOvershoot
            workExpected = maxScanWork
        }
        let remainingWork = max(workExpected - work, 1000)
        let remainingHeap = max(goal - Double(heapLive), 1)
        assistWorkPerByte = remainingWork / remainingHeap
        assistBytesPerWork = remainingHeap / remainingWork
    }

    /// `endCycle`: measures this cycle's cons/mark from how much the mutator allocated
    /// while the GC did its scan work, at the utilisation it got, and smooths it (Go 1.19:
    /// the mean of this cycle and the last).
    public mutating func endCycle(now: UInt64, gomaxprocs: Int, assistTimeNs: UInt64, idleMarkTimeNs: UInt64) {
        let duration = Double(max(now - markStartNs, 1)) * Double(gomaxprocs)
        let utilization = Self.backgroundUtilization + Double(assistTimeNs) / duration
        let idleUtilization = Double(idleMarkTimeNs) / duration
        let allocated = Double(heapLive - min(heapLive, triggered ?? heapLive))
        // A mark shorter than its own assists (a clock that did not move) measures nothing.
        guard utilization < 1 else { return }
        let current = allocated * (utilization + idleUtilization) / (Double(max(scanWork, 1)) * (1 - utilization))
        consMark = (current + lastConsMark) / 2
        lastConsMark = current
    }

    /// `resetLive`: mark termination found `marked` bytes live (`heapScan` of them
    /// scannable); the next cycle's goal starts from there.
    public mutating func resetLive(marked: UInt64, scannable: UInt64) {
        lastHeapGoal = heapGoal
        heapMarked = marked
        heapLive = marked
        heapScan = scannable
        lastHeapScan = scannable
        triggered = nil
    }
}
