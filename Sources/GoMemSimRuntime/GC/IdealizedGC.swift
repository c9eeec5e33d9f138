import GoMemSimCore
import GoMemSimTrace

/// The Go GC guide's cost model (go.dev/doc/gc-guide, "Understanding costs" and its
/// interactive visualisations), as a runtime model: the idealised collector against
/// which the real pacer can be compared, and the quickest way to see the GOGC and
/// GOMEMLIMIT trade-off.
///
/// Rules (gc-guide.js `gcModel`; facts/go-gc-pacer.md §9):
/// - The application is paused while the GC runs; a cycle costs
///   `fixedCost + live / scanRate` of CPU, and that is all the GC costs.
/// - The heap goal is `live × (1 + GOGC/100)` (unbounded when GOGC is off), capped at
///   `limit − otherMem` when that is lower, at least 4 MiB when GOGC is finite, and
///   always at least `live + 64 KiB`. Before the first cycle the goal is 4 MiB.
/// - A cycle runs when live + new heap would pass the goal; the live heap it finds is
///   everything still reachable (allocated and not yet freed by the trace).
/// - Peak memory is the maximum of `otherMem + live + new`.
///
/// Stacks, globals, the allocator's size classes and the OS are not modelled; objects
/// get addresses from a bump pointer only so the engine can tell them apart.
public struct IdealizedGC: RuntimeModel {
    /// The cost model's parameters, named as gc-guide.js names them.
    public struct Parameters: Codable, Hashable, Sendable {
        /// Bytes of live heap the GC scans per CPU-second (gc-guide graphs: 1024 MiB/s).
        public var scanRateBytesPerSecond: Double = 1024 * 1_048_576
        /// Fixed CPU cost of one cycle (gc-guide graphs: 0.04 s).
        public var fixedCostNs: UInt64 = 40_000_000
        /// Memory the runtime uses outside the heap, counted against the limit.
        public var otherMemBytes: UInt64 = 0
        public init() {}
    }

    /// `defaultHeapMinimum` (mgcpacer.go): the goal never drops below 4 MiB.
    static let minimumHeapGoal: Double = 4 * 1_048_576
    /// The guide's `liveHeap + 0.0625` MiB floor (the runtime's 64 KiB `minRunway`).
    static let minimumRunway: Double = 65_536

    public var parameters: Parameters
    private var gogc: Int32?
    private var memoryLimit: UInt64?

    /// Live heap found by the last cycle (`heapMarked`), bytes.
    public private(set) var live: UInt64 = 0
    /// Heap allocated since the last cycle, bytes.
    public private(set) var newHeap: UInt64 = 0
    /// Bytes allocated and not yet freed: what the next cycle will find live.
    private var reachable: UInt64 = 0
    public private(set) var goal: UInt64
    public private(set) var cycles: [Cycle] = []
    public private(set) var gcTimeNs: UInt64 = 0
    public private(set) var peakMemoryBytes: UInt64
    private var lastNow: UInt64 = 0
    private var mallocs: UInt64 = 0
    private var frees: UInt64 = 0
    private var totalAlloc: UInt64 = 0
    private var nextAddress: UInt64 = 0xc0_0000_0000

    /// One collection: when it ran, what it found, what it cost.
    public struct Cycle: Hashable, Sendable {
        public var startNs: UInt64
        public var heapBefore: UInt64
        public var heapMarked: UInt64
        public var goalBefore: UInt64
        public var goalAfter: UInt64
        public var pauseNs: UInt64
        public var forced: Bool
    }

    public init(parameters: Parameters = Parameters(), gogc: Int32? = 100, memoryLimit: UInt64? = nil) {
        self.parameters = parameters
        self.gogc = gogc
        self.memoryLimit = memoryLimit
        self.goal = 0
        self.peakMemoryBytes = parameters.otherMemBytes
        // gc-guide.js fakes a live heap of 4 MiB / (1 + GOGC/100) so the first goal is 4 MiB.
        let growth = gogc.map { 1 + Double($0) / 100 } ?? .infinity
        self.goal = heapGoal(forLive: growth.isFinite ? Self.minimumHeapGoal / growth : 0)
    }

    /// The goal for a live heap of `live` bytes, by the rules above.
    func heapGoal(forLive live: Double) -> UInt64 {
        var goal = gogc.map { live * (1 + Double($0) / 100) } ?? .infinity
        let other = Double(parameters.otherMemBytes)
        if let limitBytes = memoryLimit, goal + other > Double(limitBytes) { goal = Double(limitBytes) - other }
        if gogc != nil, goal < Self.minimumHeapGoal { goal = Self.minimumHeapGoal }
        if goal < live + Self.minimumRunway { goal = live + Self.minimumRunway }
        return goal >= Double(UInt64.max) ? .max : UInt64(goal)
    }

    /// GC CPU time over all CPU time so far (the guide's "GC CPU %" / 100).
    public var gcCPUFraction: Double {
        lastNow == 0 ? 0 : Double(gcTimeNs) / Double(lastNow)
    }

    public var modelName: String? { "idealized-gc-guide" }

    public mutating func start<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) {}

    public mutating func allocate<K: KernelModel>(size: UInt64, scan: Bool, goroutine: UInt32, now: UInt64,
                                                  kernel: inout K) throws(ModelError) -> Allocation {
        // The guide's cycle ends exactly at the goal, before the allocation that would pass
        // it (gc-guide.js truncates that allocation at the goal), so the object that
        // crosses is not yet live when the cycle looks.
        let pause = live + newHeap + size > goal && newHeap > 0 ? runCycle(now: now, forced: false) : 0
        newHeap += size
        reachable += size
        mallocs += 1
        totalAlloc += size
        peakMemoryBytes = max(peakMemoryBytes, parameters.otherMemBytes + live + newHeap)
        lastNow = max(lastNow, now + pause)
        let address = nextAddress
        nextAddress += max(16, (size + 15) & ~15)
        return Allocation(address: address, costNs: pause)
    }

    /// Stops the world for one cycle: the live heap becomes what is reachable now.
    private mutating func runCycle(now: UInt64, forced: Bool) -> UInt64 {
        let heapBefore = live + newHeap
        let goalBefore = goal
        live = reachable
        newHeap = 0
        let pause = parameters.fixedCostNs + UInt64(Double(live) / parameters.scanRateBytesPerSecond * 1e9)
        gcTimeNs += pause
        goal = heapGoal(forLive: Double(live))
        cycles.append(Cycle(startNs: now, heapBefore: heapBefore, heapMarked: live, goalBefore: goalBefore,
                            goalAfter: goal, pauseNs: pause, forced: forced))
        return pause
    }

    public mutating func release(address: UInt64, size: UInt64, scan: Bool) {
        reachable -= min(size, reachable)
        frees += 1
    }

    public mutating func collect<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        let pause = runCycle(now: now, forced: true)
        lastNow = max(lastNow, now + pause)
        return pause
    }

    public mutating func freeOSMemory<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        try collect(now: now, kernel: &kernel)
    }

    public mutating func setGCPercent(_ percent: Int32?, now: UInt64) {
        gogc = percent
        goal = heapGoal(forLive: Double(live))
    }

    public mutating func setMemoryLimit(_ bytes: UInt64?, now: UInt64) {
        memoryLimit = bytes
        goal = heapGoal(forLive: Double(live))
    }

    public mutating func setGlobals(bytes: UInt64) {}
    public mutating func goroutineStarted(_ goroutine: UInt32, now: UInt64) {}
    public mutating func goroutineExited(_ goroutine: UInt32, now: UInt64) {}
    public var nextDeadline: UInt64? { nil }

    public mutating func advance<K: KernelModel>(to now: UInt64, kernel: inout K) throws(ModelError) {
        lastNow = max(lastNow, now)
    }

    public func fill(_ figures: inout MemoryFigures) {
        figures.heapAlloc = live + newHeap
        figures.nextGC = goal == .max ? nil : goal
        figures.numGC = UInt64(cycles.count)
        figures.numForcedGC = UInt64(cycles.count { $0.forced })
        figures.pauseTotalNs = gcTimeNs
        figures.gcCPUFraction = gcCPUFraction
        figures.mallocs = mallocs
        figures.frees = frees
        figures.totalAlloc = totalAlloc
    }

    public func checkpointRows(seq: Int, into rows: inout ModelRows) {}

    public func runRows(into rows: inout ModelRows) {
        let columns = ["cycle", "start_ns", "forced", "heap_start", "heap_marked", "heap_goal", "stw1_ns"]
        for (i, cycle) in cycles.enumerated() {
            rows.append(to: "gc_cycles", columns: columns, [
                .int(Int64(i + 1)), .int(Int64(cycle.startNs)), .int(cycle.forced ? 1 : 0),
                .int(Int64(cycle.heapBefore)), .int(Int64(cycle.heapMarked)),
                .int(Int64(clamping: cycle.goalAfter)), .int(Int64(cycle.pauseNs)),
            ])
        }
        rows.append(to: "gc_summary", columns: ["cycles", "gc_cpu_fraction", "peak_memory", "gc_time_ns"], [
            .int(Int64(cycles.count)), .real(gcCPUFraction), .int(Int64(peakMemoryBytes)), .int(Int64(gcTimeNs)),
        ])
    }
}
