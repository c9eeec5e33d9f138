import GoMemSimCore
import GoMemSimEngine
import GoMemSimKernel
import GoMemSimRecorder
import GoMemSimTrace
import Testing
@testable import GoMemSimRuntime

/// The collector on the gc-grid workload (calibration/README.md), scaled down so a debug
/// build replays it quickly: L = 16 MiB live set, 256 MiB allocated in the steady phase
/// (the full-size comparison with gc-grid-sample.tsv is `gomemsim-bench gc-grid`).
/// Expectations come from the mechanism: the GOGC goal over the marked heap, the limit
/// goal under GOMEMLIMIT, cycles ≈ steady bytes / (goal − marked).
@Suite struct GCGridCalibrationTests {
    struct Outcome {
        var runtime: GoRuntime
        var result: RunResult
        var cycles: [GCCycle]
        var steady: [GCCycle]
        var endFigures: MemoryFigures
    }

    func replay(L: String = "16MiB", steady: String = "256MiB", ptr: Bool = false, gogc: Int32?,
                limit: UInt64? = nil) throws -> Outcome {
        var run = RunConfig()
        run.gogc = gogc
        run.memoryLimit = limit
        run.gomaxprocs = 2
        run.sampleIntervalNs = 0
        var parameters = ["L": L, "S": "1024", "steady": steady]
        if ptr { parameters["ptr"] = "true" }
        var engine = Engine(source: try Synth.make(kind: "gc-grid", parameters: parameters, seed: 1),
                            kernel: LinuxKernel(config: KernelConfig()), runtime: GoRuntime(config: RuntimeConfig(run)),
                            hardware: UnmodelledHardware(), config: run)
        let result = engine.run()
        #expect(result.status == .complete, "\(result.failure ?? "")")
        let fill = try #require(result.checkpoints.first { $0.label == "after_fill" })
        let end = try #require(result.checkpoints.first { $0.label == "end" })
        let cycles = engine.runtime.gcCycles.filter { $0.startNs <= end.timeNs }
        return Outcome(runtime: engine.runtime, result: result, cycles: cycles,
                       steady: cycles.filter { $0.startNs >= fill.timeNs }, endFigures: end.figures)
    }

    func median(_ values: [UInt64]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : Double(sorted[sorted.count / 2])
    }

    @Test func gogcSetsTheGoalFromTheMarkedHeapAndTheCycleCount() throws {
        let live = 16.0 * 1_048_576 + 131_072  // ring objects + the ring itself
        var previousCycles = Int.max
        for gogc: Int32 in [50, 100, 200] {
            let run = try replay(gogc: gogc)
            let gamma = Double(gogc) / 100
            // Objects allocated while marking are black: marked exceeds the live set,
            // by the bytes allocated during marks (a few percent here).
            let marked = run.steady.map { Double($0.heapMarked) }
            let meanMarked = marked.reduce(0, +) / Double(marked.count)
            #expect(meanMarked > live && meanMarked < live * 1.15, "GOGC=\(gogc) marked \(meanMarked)")
            // goal = marked + (marked + stacks + globals) × GOGC/100, for every steady cycle.
            for (previous, cycle) in zip(run.steady.dropLast(), run.steady.dropFirst()) {
                let expected = Double(previous.heapMarked) * (1 + gamma)
                #expect(abs(Double(cycle.heapGoal) - expected) < expected * 0.01 + 65_536,
                        "GOGC=\(gogc) goal \(cycle.heapGoal) after marked \(previous.heapMarked)")
            }
            // Each steady cycle lets ~(goal − marked) be allocated: cycles ≈ 256 MiB / γ·marked.
            let expectedCycles = 256 * 1_048_576 / (gamma * meanMarked)
            #expect(abs(Double(run.steady.count) - expectedCycles) <= expectedCycles * 0.2 + 1,
                    "GOGC=\(gogc): \(run.steady.count) steady cycles, expected ≈ \(expectedCycles)")
            #expect(run.cycles.count < previousCycles)
            previousCycles = run.cycles.count
            // One goroutine on 2 Ps: the idle P runs idle mark workers (/cpu/classes/gc/mark/idle)...
            let idle = run.steady.reduce(0) { $0 + $1.cpuIdleNs }
            #expect(idle > 0)
            let fraction = try #require(run.endFigures.gcCPUFraction)
            #expect(fraction > 0.005 && fraction < 0.5)
            // ...which GCCPUFraction omits (mgc.go gcMarkTermination: idle marking is "free"):
            // pauses × GOMAXPROCS + assist + dedicated/fractional over GOMAXPROCS × time.
            let last = try #require(run.runtime.gcCycles.last)
            let lastEnd = Double(last.startNs + last.stw1Ns + last.markNs + last.stw2Ns)
            let utilized = run.runtime.gcCycles.reduce(0.0) { $0 + Double($1.cpuNs - $1.cpuIdleNs) }
            #expect(abs(last.gcCPUFraction - utilized / (2 * lastEnd)) < 1e-6 * last.gcCPUFraction + 1e-9,
                    "GOGC=\(gogc): \(last.gcCPUFraction) vs \(utilized / (2 * lastEnd))")
            #expect(run.runtime._checkInvariants() == [])
        }
    }

    @Test func gogcOffNeverCollects() throws {
        let run = try replay(gogc: nil)
        #expect(run.cycles.isEmpty)
        #expect(run.endFigures.gcCPUFraction == 0)
        #expect(run.endFigures.nextGC == .max || run.endFigures.nextGC! > 1 << 40)
        // Nothing is reused, so the runtime zeroes nothing: the heap is resident because
        // the program writes its objects (the real GOGC=off run: VmHWM 1147 MiB for a
        // 1155 MiB mapped heap, 5.4 % over its HeapAlloc). Beyond the heap: the arenas'
        // heap bitmap (1/32), the span structs (~160 B per 8 KiB span) and start-up.
        let heap = Double(try #require(run.endFigures.heapAlloc))
        let anon = Double(try #require(run.endFigures.rssAnon))
        #expect(anon > heap && anon < heap * (1 + 1.0 / 32 + 160.0 / 8192) + 4 * 1_048_576,
                "anon RSS \(anon) for heap \(heap)")
    }

    @Test func memoryLimitBindsTheGoalBelowTheLimit() throws {
        let limit: UInt64 = 32 << 20
        for gogc: Int32? in [nil, 100] {
            let run = try replay(gogc: gogc, limit: limit)
            let goal = median(run.steady.map(\.heapGoal))
            // goal = limit − non-heap memory − 1 MiB headroom, the non-heap memory being the
            // runtime's metadata and stacks (objects' free slots aside).
            let nonHeap = Double(run.runtime.metadataSys + run.runtime.stackInuse)
            let expected = Double(limit) - nonHeap - 1_048_576
            #expect(goal <= expected && goal > expected - 262_144, "goal \(goal), limit − non-heap − 1 MiB \(expected)")
            let unlimited = try replay(gogc: 100)
            #expect(run.steady.count > unlimited.steady.count)
            #expect(run.runtime._checkInvariants() == [])
        }
    }

    @Test func pointerfulObjectsAreScannedAndCostMore() throws {
        let noscan = try replay(gogc: 100)
        let scan = try replay(ptr: true, gogc: 100)
        // Scan work: the ring (128 KiB) + stacks + globals without pointers in the objects;
        // with pointers, the whole 16 MiB live set too.
        let noscanWork = median(noscan.steady.map(\.scanWork))
        let scanWork = median(scan.steady.map(\.scanWork))
        #expect(noscanWork < 1_048_576)
        #expect(scanWork > 16 * 1_048_576)
        let noscanMark = median(noscan.steady.map(\.markNs))
        let scanMark = median(scan.steady.map(\.markNs))
        #expect(scanMark > noscanMark * 1.5, "mark \(scanMark) vs \(noscanMark)")
    }

    /// Idle mark workers get only work that reaches the global queue (gcMarkWorkAvailable,
    /// gcWork.balance): with pointer-free objects, the ring — one pointer array of at most
    /// 5 oblets — and every object it points to are marked by one worker, the allocating
    /// goroutine's assists; with pointerful objects the queue spreads the work.
    @Test func idleWorkersGetOnlyWorkThatSpreads() throws {
        func idleShare(_ run: Outcome) -> Double {
            let idle = run.steady.reduce(0) { $0 + $1.cpuIdleNs }
            let all = run.steady.reduce(0) { $0 + $1.cpuIdleNs + $1.cpuBackgroundNs + $1.cpuAssistNs }
            return Double(idle) / Double(max(all, 1))
        }
        let noscan = try replay(gogc: 100)
        let scan = try replay(ptr: true, gogc: 100)
        #expect(noscan.runtime.idleShareableFraction() < 0.5)
        #expect(scan.runtime.idleShareableFraction() > 0.99)
        #expect(idleShare(noscan) < idleShare(scan) / 2, "idle share \(idleShare(noscan)) vs \(idleShare(scan))")
        // The work idle Ps cannot take falls to the mutator's assists.
        let assists = noscan.steady.reduce(0) { $0 + $1.cpuAssistNs }
        #expect(assists > 0)
    }

    @Test func cycleRowsAndGctraceLines() throws {
        let run = try replay(gogc: 100)
        var rows = ModelRows()
        run.runtime.runRows(into: &rows)
        let table = try #require(rows.tables.first { $0.name == "gc_cycles" }?.table)
        #expect(table.rows.count == run.runtime.gcCycles.count)
        #expect(table.columns.count == 21)
        for cycle in run.steady {
            #expect(cycle.stw1Ns > 0 && cycle.stw2Ns > 0 && cycle.markNs > 0)
            #expect(cycle.heapStart >= cycle.triggerBytes && cycle.heapEnd >= cycle.heapStart)
            #expect(cycle.heapMarked < cycle.heapEnd)
        }
        #expect(run.endFigures.numGC == UInt64(run.cycles.count))
        #expect(run.endFigures.pauseTotalNs == run.cycles.reduce(0) { $0 + $1.stw1Ns + $1.stw2Ns })
    }
}

@Suite struct GCTraceFormatTests {
    /// A known cycle printed as Go 1.19's gctrace prints it (mgc.go gcMarkTermination,
    /// fmtNSAsMS, itoaDiv).
    @Test func formatsLikeGo() {
        var cycle = GCCycle()
        cycle.number = 7
        cycle.startNs = 1_234_567_890
        cycle.gcCPUFraction = 0.0549
        cycle.stw1Ns = 45_000
        cycle.markNs = 5_700_000
        cycle.stw2Ns = 32_000
        cycle.gomaxprocs = 4
        cycle.cpuAssistNs = 410_000
        cycle.cpuBackgroundNs = 12_345_678
        cycle.cpuIdleNs = 0
        cycle.heapStart = 4 << 20 | 5
        cycle.heapEnd = 5 << 20
        cycle.heapMarked = 1 << 20
        cycle.heapGoal = 5 << 20 + 300
        cycle.stacks = 1 << 19
        #expect(cycle.gctrace == "gc 7 @1.234s 5%: 0.045+5.7+0.032 ms clock, 0.18+0.41/12/0+0.12 ms cpu, 4->5->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P")
        cycle.forced = true
        cycle.startNs = 5_000_000
        cycle.markNs = 123_456
        #expect(cycle.gctrace.hasPrefix("gc 7 @0.005s 5%: 0.045+0.12+0.032 ms clock"))
        #expect(cycle.gctrace.hasSuffix("4 P (forced)"))
    }
}
