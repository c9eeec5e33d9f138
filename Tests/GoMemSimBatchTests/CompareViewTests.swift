import Foundation
@testable import GoMemSimBatch
import GoMemSimCore
import GoMemSimEngine
import GoMemSimStore
import Testing

/// `v_gogc_compare` and `v_gc_pauses` on hand-made runs whose every figure is known.
@Suite struct CompareViewTests {
    static let mib: UInt64 = 1 << 20

    static func figures(heap: UInt64, goal: UInt64?, hwm: UInt64? = nil, fraction: Double) -> MemoryFigures {
        var f = MemoryFigures()
        f.heapAlloc = heap
        f.nextGC = goal
        f.vmRSS = heap
        f.vmHWM = hwm
        f.gcCPUFraction = fraction
        f.numGC = 100
        return f
    }

    /// Run A (trace "a", GOGC 100): 100 cycles pausing 2, 4, …, 200 µs; B (trace "a",
    /// GOGC off) twice as fast, no cycles; C (trace "a") OOM-killed sooner; D (trace "c").
    static func database() throws -> String {
        let path = try scratchDatabase()
        let store = try ResultsDatabase(path: path)

        var a = RunResult(origin: "a.gmt", config: RunConfig())
        a.virtualTimeNs = 2_000_000
        a.checkpoints = [
            Checkpoint(seq: 0, label: "one", timeNs: 1_000_000, figures: figures(heap: 10 * mib, goal: 20 * mib, fraction: 0.1)),
            Checkpoint(seq: 1, label: "end", timeNs: 2_000_000, figures: figures(heap: 30 * mib, goal: 40 * mib, fraction: 0.25)),
        ]
        a.samples = [Sample(timeNs: 1_500_000, figures: figures(heap: 20 * mib, goal: nil, hwm: 50 * mib, fraction: 0.2))]
        let cycleColumns = ["cycle", "start_ns", "forced", "stw1_ns", "stw2_ns"]
        for i in (1...100).reversed() {  // stored out of order: the percentiles sort
            a.modelRows.append(to: "gc_cycles", columns: cycleColumns,
                               [.int(Int64(i)), .int(Int64(i) * 10_000), .int(0), .int(Int64(i) * 1000), .int(Int64(i) * 1000)])
        }
        let latencyColumns = ["op", "count", "p50_ns", "p99_ns"]
        a.modelRows.append(to: "latency", columns: latencyColumns, [.text("small"), .int(10), .int(20), .int(99_999)])
        a.modelRows.append(to: "latency", columns: latencyColumns, [.text("alloc"), .int(10), .int(20), .int(777)])
        try store.record(a, tracePath: "a.gmt", traceSHA256: "aaaa", wallTimeNs: 1, toolVersion: "test")

        var b = RunResult(origin: "a.gmt", config: RunConfig())
        b.config.gogc = nil
        b.virtualTimeNs = 1_000_000
        b.checkpoints = [Checkpoint(seq: 0, label: "end", timeNs: 1_000_000,
                                    figures: figures(heap: 64 * mib, goal: UInt64(Int64.max), fraction: 0))]
        try store.record(b, tracePath: "moved/a.gmt", traceSHA256: "aaaa", wallTimeNs: 1, toolVersion: "test")

        var c = RunResult(origin: "a.gmt", config: RunConfig())
        c.config.memoryLimit = 8 * mib
        c.status = .oom
        c.virtualTimeNs = 500_000
        try store.record(c, tracePath: "a.gmt", traceSHA256: "aaaa", wallTimeNs: 1, toolVersion: "test")

        var d = RunResult(origin: "c.gmt", config: RunConfig())
        d.virtualTimeNs = 5_000_000
        try store.record(d, tracePath: "c.gmt", traceSHA256: "cccc", wallTimeNs: 1, toolVersion: "test")

        // E: no figures at all, two cycles with CPU times.
        var e = RunResult(origin: "e.gmt", config: RunConfig())
        e.virtualTimeNs = 1_000_000
        let cpuColumns = ["cycle", "start_ns", "forced", "stw1_ns", "stw1_cpu_ns", "cpu_assist_ns", "cpu_background_ns",
                          "cpu_idle_ns", "stw2_ns"]
        for i in 1...2 {
            // 10 µs STW 1 CPU + 20 assist + 50 background + 2 × 10 µs STW 2 clock = 100 µs; idle is free.
            e.modelRows.append(to: "gc_cycles", columns: cpuColumns, [
                .int(Int64(i)), .int(Int64(i) * 400_000), .int(0), .int(5_000), .int(10_000), .int(20_000), .int(50_000),
                .int(300_000), .int(10_000),
            ])
        }
        try store.record(e, tracePath: "e.gmt", traceSHA256: "eeee", wallTimeNs: 1, toolVersion: "test")
        return path
    }

    @Test func figuresOverSamplesAndCheckpointsAndNearestRankPausePercentiles() throws {
        let path = try Self.database()
        let view = try query("SELECT * FROM v_gogc_compare WHERE run_id = 1", path: path)
        func cell(_ name: String) -> FigureValue { column(name, of: view).first ?? .null }
        #expect(cell("num_gc") == .int(100))
        #expect(cell("gc_cpu_fraction") == .real(0.25))            // the last point's, by time
        #expect(cell("peak_heap_alloc") == .int(Int64(30 * Self.mib)))
        #expect(cell("mean_heap_alloc") == .real(Double(20 * Self.mib)))  // the samples' mean, not the checkpoints'
        #expect(cell("peak_vm_rss") == .int(Int64(50 * Self.mib)))  // VmHWM, though VmRSS never passed 30
        #expect(cell("mean_next_gc") == .real(Double(30 * Self.mib)))  // the sample has no goal: the checkpoints' (20 + 40) / 2
        #expect(cell("stw_p50_ns") == .int(100_000))                // rank 50 of 100: 2 × 50 µs
        #expect(cell("stw_p99_ns") == .int(198_000))
        #expect(cell("stw_max_ns") == .int(200_000))
        #expect(cell("alloc_p99_ns") == .int(777))
        #expect(cell("slowdown") == .real(2.0))
    }

    @Test func slowdownIsAgainstTheFastestCompleteRunOfTheSameTraceContent() throws {
        let path = try Self.database()
        let view = try query("SELECT run_id, slowdown, mean_next_gc, stw_p50_ns FROM v_gogc_compare ORDER BY run_id", path: path)
        // B was stored under another path but has the same content: it is the fastest of
        // trace "aaaa"; C is faster still but was OOM-killed, so it has no slowdown.
        #expect(column("slowdown", of: view) == [.real(2.0), .real(1.0), .null, .real(1.0), .real(1.0)])
        #expect(column("mean_next_gc", of: view)[1] == .null)  // GOGC=off: the goal is "none", not 2^63
        #expect(column("stw_p50_ns", of: view)[1] == .null)
    }

    @Test func withoutFiguresCyclesAndGCCPUComeFromTheCycleRows() throws {
        let path = try Self.database()
        let view = try query("SELECT run_id, num_gc, gc_cpu_fraction FROM v_gogc_compare WHERE run_id IN (4, 5) ORDER BY run_id",
                             path: path)
        // D has neither figures nor cycles: NULL, not 0. E: 2 × 100 µs over 1 ms × GOMAXPROCS 2.
        #expect(view.rows == [[.int(4), .null, .null], [.int(5), .int(2), .real(0.1)]])
    }

    @Test func pausesViewAddsBothStopTheWorldPhasesPerCycle() throws {
        let path = try Self.database()
        let pauses = try query("SELECT cycle, pause_ns, gogc, trace FROM v_gc_pauses WHERE trace = 'a.gmt' AND cycle IN (1, 100) ORDER BY cycle", path: path)
        #expect(pauses.rows == [[.int(1), .int(2_000), .int(100), .text("a.gmt")],
                                [.int(100), .int(200_000), .int(100), .text("a.gmt")]])
    }

    @Test func compareTableMatchesByContentAcrossPathsAndShowsReadableUnits() throws {
        let path = try Self.database()
        // A spec whose file cannot be hashed falls back to its stored path.
        let table = try Comparison.table(for: try TraceInput("a.gmt"), databasePath: path)
        // moved/a.gmt is not matched by path; no limit sorts after every limit.
        #expect(column("run_id", of: table) == [.int(3), .int(1)])
        #expect(column("gomemlimit", of: table) == [.text("8MiB"), .text("none")])
        #expect(column("status", of: table) == [.text("oom"), .text("complete")])
        #expect(column("stw_p99_us", of: table).last == .real(198.0))
        #expect(column("peak_heap_mib", of: table).last == .real(30.0))
        #expect(column("gc_cpu_pct", of: table).last == .real(25.0))
    }
}
