// Replay speed and memory of the engine itself: 100 M events of allocation churn
// through the unmodelled stand-ins, so the figures are the engine's own cost
// (lookahead, validation, region table, clock), not a model's. Then issue 4's goal:
// replay speed through the allocator — an alloc/free churn replayed through the Linux
// kernel and Go runtime models — against ≥ 10 M allocations per second.
import Foundation
import GoMemSimCore
import GoMemSimEngine
import GoMemSimKernel
import GoMemSimRuntime
import GoMemSimTrace

/// Alloc/read/free churn with a constant live set: after a warm-up of `liveSet` allocs,
/// each step allocates object n, reads a live object (unless `reads` is off), and frees
/// object n − liveSet.
struct ChurnSource: TraceSource {
    let events: UInt64
    let liveSet: UInt64
    let reads: Bool
    var symbols = SymbolTable()
    var origin: String { "bench:churn" }
    var location: SourceLocation { .record(origin: origin, index: produced) }
    private(set) var produced: UInt64 = 0
    /// The next id to allocate.
    private var nextID: UInt64 = 0
    /// The next record of a step: ``Step``.
    private var step = Step.alloc
    private var random: UInt64 = 0x2545_F491_4F6C_DD1D

    private enum Step { case alloc, read, free }

    init(events: UInt64, liveSet: UInt64, reads: Bool = true) {
        self.events = events
        self.liveSet = liveSet
        self.reads = reads
    }

    @inline(__always)
    private mutating func nextRandom() -> UInt64 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return random
    }

    /// Allocates the next id: 16…1039 bytes, every other one pointerful.
    @inline(__always)
    private mutating func alloc() -> TraceRecord {
        let id = nextID
        nextID = id &+ 1  // ids below `events`: no overflow
        return TraceRecord(.alloc(id: id, size: 16 &+ nextRandom() & 1023, scan: id & 1 != 0))
    }

    // Inlined into the engine's loop: called, it returned the record through memory
    // written field by field, and the engine's 16-byte reloads of it stalled on store
    // forwarding (perf: a fifth of the engine's time in the allocator replay). The
    // arithmetic wraps where it provably cannot overflow (ids and counts are below
    // `events`): the overflow checks were ~10 of the generator's instructions per
    // step, charged to the replay it measures.
    @inline(__always)
    mutating func next() throws(TraceError) -> TraceRecord? {
        guard produced < events else { return nil }
        produced &+= 1
        if nextID < liveSet { return alloc() }  // warm-up
        switch step {
        case .alloc:
            step = reads ? .read : .free
            return alloc()
        case .read:
            step = .free
            // One of the live objects (ids nextID − liveSet ..< nextID), its first 8 bytes.
            return TraceRecord(.read(id: nextID &- 1 &- nextRandom() % liveSet, offset: 0, length: 8, dependent: false))
        case .free:
            step = .alloc
            return TraceRecord(.free(id: nextID &- 1 &- liveSet))
        }
    }
}


func runReplayBenchmarks() throws {
    // GOMEMSIM_REPLAY_EVENTS shortens the run (for profiling); the figure is for 100 M.
    let events = ProcessInfo.processInfo.environment["GOMEMSIM_REPLAY_EVENTS"].flatMap { UInt64($0) } ?? 100_000_000
    let liveSet = ProcessInfo.processInfo.environment["GOMEMSIM_REPLAY_LIVE"].flatMap { UInt64($0) } ?? 10_000
    let source = ChurnSource(events: events, liveSet: liveSet)
    let clock = ContinuousClock()
    // Baseline: the generator alone, so the engine's share can be told apart.
    var baseline = source
    var checksum: UInt64 = 0
    let generatorTime = clock.measure {
        while let record = try? baseline.next() { checksum &+= UInt64(record.goroutine) &+ 1 }
    }
    var result: RunResult?
    let cpuBefore = processCPUSeconds()
    let elapsed = clock.measure {
        result = Engine.replay(source: source, config: RunConfig())
    }
    let cpu = processCPUSeconds() - cpuBefore
    guard let result else { return }
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    print(String(format: "generator alone: %.2f s for %llu records (%.0f ns/record)", seconds(generatorTime), checksum,
                 seconds(generatorTime) / Double(max(checksum, 1)) * 1e9))
    let seconds = seconds(elapsed)
    let allocs = result.eventCounts.first { $0.kind == "alloc" }?.count ?? 0
    print("replay churn (unmodelled models): \(result.events) events, status \(result.status.rawValue)")
    print(String(format: "  %.2f s, %.1f M events/s, %.1f M allocs/s", seconds,
                 Double(result.events) / seconds / 1e6, Double(allocs) / seconds / 1e6))
    // On a shared machine wall time includes waiting for a core; CPU time does not.
    print(String(format: "  CPU %.2f s: %.1f M events per CPU-second, %.1f M allocs per CPU-second, %.0f ns/event",
                 cpu, Double(result.events) / cpu / 1e6, Double(allocs) / cpu / 1e6, cpu / Double(result.events) * 1e9))
    if let kib = peakResidentKiB() {
        print(String(format: "  peak RSS (VmHWM) %.1f MiB", Double(kib) / 1024))
    }
    try runAllocatorReplay()
}

/// Issue 4's speed goal: alloc/free churn (sizes 16…1039 B, half of them pointerful, a
/// constant live set) replayed through the engine, the Linux kernel and the Go 1.19
/// runtime with its collector; allocations per CPU-second against ≥ 10 M.
func runAllocatorReplay() throws {
    let allocations = ProcessInfo.processInfo.environment["GOMEMSIM_REPLAY_ALLOCS"].flatMap { UInt64($0) } ?? 20_000_000
    // GOMEMSIM_REPLAY_ALLOC_LIVE: one live set only (for profiling).
    let liveSets = ProcessInfo.processInfo.environment["GOMEMSIM_REPLAY_ALLOC_LIVE"].flatMap { UInt64($0) }.map { [UInt64]([$0]) }
        ?? [UInt64]([10_000, 1_000_000])
    for liveSet in liveSets {
        let source = ChurnSource(events: 2 * allocations, liveSet: liveSet, reads: false)
        let config = RunConfig()
        var engine = Engine(source: source, kernel: LinuxKernel(config: KernelConfig()),
                            runtime: GoRuntime(config: RuntimeConfig(config)), hardware: UnmodelledHardware(), config: config)
        let cpuBefore = processCPUSeconds()
        let result = engine.run()
        let cpu = processCPUSeconds() - cpuBefore
        let allocs = result.eventCounts.first { $0.kind == "alloc" }?.count ?? 0
        let rate = Double(allocs) / cpu / 1e6
        print("replay through the allocator (Linux + Go runtime models), alloc/free churn, \(liveSet) live objects: "
              + "\(result.events) events, status \(result.status.rawValue)")
        print(String(format: "  CPU %.2f s, %.0f ns/event: %.1f M allocations per CPU-second", cpu,
                     cpu / Double(max(result.events, 1)) * 1e9, rate)
              + " — goal ≥ 10 M (issue 4): " + (rate >= 10 ? "met" : "NOT met"))
    }
}
