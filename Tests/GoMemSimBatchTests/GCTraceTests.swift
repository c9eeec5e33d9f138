@testable import GoMemSimBatch
import GoMemSimCore
import Testing

@Suite struct GCTraceTests {
    /// A cycle as Go 1.19 would log it mid-run: 4 MiB → 5 MiB at mark end, 1 MiB marked.
    static func cycle() -> GCCycleRow {
        var row = GCCycleRow(cycle: 4, startNs: 251_730_000)
        row.heapStart = 4 << 20 + 12_345
        row.heapEnd = 5 << 20 + 500_000
        row.heapMarked = 1 << 20 + 200_000
        row.heapGoal = 5 << 20
        row.stacks = 48 << 10
        row.globals = 0
        row.gomaxprocs = 2
        row.stw1Ns = 17_400        // 0.017 ms
        row.markNs = 2_150_000     // 2.1 ms
        row.stw2Ns = 30_100        // 0.030 ms
        row.stw1CPUNs = 34_800
        row.cpuAssistNs = 420_000  // 0.42
        row.cpuBackgroundNs = 1_900_000
        row.cpuIdleNs = 510_000
        row.stw2CPUNs = 60_200
        return row
    }

    @Test func lineHasGoFormatCharacterForCharacter() {
        // GC CPU: 34_800 + 420_000 + 1_900_000 + 60_200 = 2_415_000 ns (idle left out) over
        // 253.9275 ms × 2 Ps (the row's own GOMAXPROCS) = 507.855 ms: 0.48 % → "0%".
        let line = GCTrace.lines(for: [Self.cycle()], gomaxprocs: 8)[0]
        #expect(line == "gc 4 @0.251s 0%: 0.017+2.1+0.030 ms clock, 0.034+0.42/1.9/0.51+0.060 ms cpu, "
            + "4->5->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P")
    }

    @Test func forcedCycleEndsWithForcedAndPercentIsCumulativeGCCPUOverElapsedTimesProcs() {
        var first = GCCycleRow(cycle: 1, startNs: 0)
        first.stw1Ns = 1_000_000
        first.markNs = 18_000_000
        first.stw2Ns = 1_000_000
        first.cpuBackgroundNs = 10_000_000  // + STW CPU from clock × 4 Ps: 4 + 4 ms
        var second = GCCycleRow(cycle: 2, startNs: 80_000_000, forced: true)
        second.stw1Ns = 0
        second.markNs = 20_000_000
        second.stw2Ns = 0
        second.cpuAssistNs = 5_000_000
        second.cpuIdleNs = 70_000_000  // idle marking is "free": not in the share
        let lines = GCTrace.lines(for: [first, second], gomaxprocs: 4)
        // Cycle 1: 18 ms GC CPU over 20 ms × 4 Ps = 22.5 % → 22.
        #expect(lines[0] == "gc 1 @0.000s 22%: 1.0+18+1.0 ms clock, 4.0+0/10/0+4.0 ms cpu, "
            + "0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 4 P")
        // Cycle 2: 23 ms over 100 ms × 4 = 5.75 % → 5.
        #expect(lines[1] == "gc 2 @0.080s 5%: 0+20+0 ms clock, 0+5.0/0/70+0 ms cpu, "
            + "0->0->0 MB, 0 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)")
    }

    @Test func millisecondsKeepTwoSignificantDigitsBelowTenAndWholeAbove() {
        // runtime.fmtNSAsMS
        #expect(GCTrace.milliseconds(0) == "0")
        #expect(GCTrace.milliseconds(999) == "0")
        #expect(GCTrace.milliseconds(26_000) == "0.026")
        #expect(GCTrace.milliseconds(390_500) == "0.39")
        #expect(GCTrace.milliseconds(2_549_999) == "2.5")
        #expect(GCTrace.milliseconds(9_999_999) == "9.9")
        #expect(GCTrace.milliseconds(10_000_000) == "10")
        #expect(GCTrace.milliseconds(1_234_567_890) == "1234")
        #expect(GCTrace.itoaDiv(5, decimals: 3) == "0.005")
        #expect(GCTrace.itoaDiv(12_345, decimals: 3) == "12.345")
        #expect(GCTrace.itoaDiv(7, decimals: 0) == "7")
    }

    @Test func rowsAreReadFromModelRowsByColumnName() {
        var rows = ModelRows()
        let columns = ["cycle", "start_ns", "forced", "heap_goal", "stw1_ns"]
        rows.append(to: "gc_cycles", columns: columns, [.int(2), .int(30_000_000), .int(1), .int(8 << 20), .int(50_000)])
        rows.append(to: "gc_cycles", columns: columns, [.int(1), .int(10_000_000), .int(0), .int(4 << 20), .null])
        let cycles = GCCycleRow.rows(of: rows)
        #expect(cycles.map(\.cycle) == [1, 2])
        #expect(cycles[1].forced && cycles[1].heapGoal == 8 << 20 && cycles[1].stw1Ns == 50_000)
        #expect(cycles[0].stw1Ns == nil && cycles[0].markNs == nil)
    }
}
