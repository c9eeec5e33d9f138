import GoMemSimCore
import Testing
@testable import GoMemSimRuntime

/// The collector's phases on the recording kernel (no engine): the 2-minute GC, sweeping
/// after a cycle, runtime.GC() during a cycle.
@Suite struct CollectorTests {
    /// Allocates `count` 1 KiB objects at `now`, releasing each at once when `release`.
    func churn(_ rt: inout GoRuntime, _ kernel: inout RecordingKernel, count: Int, now: UInt64,
               release: Bool) throws -> UInt64 {
        var cost: UInt64 = 0
        for _ in 0..<count {
            let a = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: now, kernel: &kernel)
            cost += a.costNs
            if release { rt.release(address: a.address, size: 1024, scan: false) }
        }
        return cost
    }

    @Test func periodicCycleTwoMinutesAfterTheLastOneWithoutIdleWorkers() throws {
        for percent: Int32? in [100, nil] {
            var (rt, kernel) = try startedRuntime { $0.gcPercent = percent }
            _ = try churn(&rt, &kernel, count: 100, now: 1_000, release: false)
            // `lastgc != 0`: with no cycle yet, sysmon forces none however long the wait.
            #expect(rt.numGC == 0 && rt.periodicGCDeadline == nil)
            _ = try churn(&rt, &kernel, count: 16, now: 200_000_000_000, release: false)
            #expect(rt.numGC == 0)
            guard percent != nil else {
                _ = try rt.collect(now: 201_000_000_000, kernel: &kernel)
                #expect(rt.periodicGCDeadline == nil)  // GOGC=off: never
                continue
            }
            _ = try rt.collect(now: 201_000_000_000, kernel: &kernel)  // runtime.GC(): lastgc set
            let lastGC = rt.gc.lastGCEndNs
            #expect(rt.numGC == 1)
            // forcegcperiod: without any allocation, the collector's deadline is 2 minutes
            // after the last cycle ended (`now - lastgc > forcegcperiod`), and firing it
            // starts the cycle.
            #expect(rt.periodicGCDeadline == lastGC + 120_000_000_001)
            while rt.numGC == 1, let deadline = rt.nextDeadline, deadline <= lastGC + 121_000_000_000 {
                try rt.advance(to: deadline, kernel: &kernel)
            }
            while rt.gc.phase != .off, let deadline = rt.nextDeadline { try rt.advance(to: deadline, kernel: &kernel) }
            #expect(rt.numGC == 2 && rt.numForcedGC == 1)
            let cycle = try #require(rt.gcCycles.last)
            #expect(cycle.periodic && !cycle.forced)
            #expect(cycle.startNs == lastGC + 120_000_000_001)
            #expect(cycle.cpuIdleNs == 0 && cycle.cpuBackgroundNs > 0)  // maxIdleWorkers = 0
            // Once main has returned, nothing is forced any more.
            rt.programExited(now: cycle.startNs + 1)
            #expect(rt.periodicGCDeadline == nil)
            let problems = rt._checkInvariants()
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func writeBarrierCostsOnlyWhileMarking() throws {
        var (rt, kernel) = try startedRuntime { $0.costs.writeBarrierNs = 7 }
        #expect(rt.writeBarrier(bytes: 64, now: 1_000) == 0)  // GC off: the barrier is off
        // A 5 MiB object crosses the 4 MiB trigger: a cycle starts and marks until markEndNs.
        _ = try rt.allocate(size: 5 * MiB, scan: true, goroutine: 0, now: 2_000, kernel: &kernel)
        #expect(rt.gc.phase == .mark)
        let during = rt.gc.markEndNs - 1
        // 20 bytes = 3 pointer-sized words, each through the buffered barrier.
        #expect(rt.writeBarrier(bytes: 20, now: during) == 21)
        #expect(rt.writeBarrierNs == 21)
        while rt.gc.phase == .mark, let deadline = rt.nextDeadline { try rt.advance(to: deadline, kernel: &kernel) }
        #expect(rt.writeBarrier(bytes: 64, now: rt.gc.lastGCEndNs + 1) == 0)
        #expect(rt.writeBarrierNs == 21)
    }

    @Test func deadObjectsKeepTheirSlotsUntilTheBackgroundSweeperRuns() throws {
        var (rt, kernel) = try startedRuntime()
        // 2 MiB of objects, then all released: garbage for the next cycle.
        var addresses: [UInt64] = []
        for _ in 0..<2048 {
            addresses.append(try rt.allocate(size: 1024, scan: false, goroutine: 0, now: 1_000, kernel: &kernel).address)
        }
        for a in addresses { rt.release(address: a, size: 1024, scan: false) }
        #expect(rt.numGC == 0)
        // A 3 MiB object crosses the 4 MiB trigger: a cycle starts; its workers finish at a deadline.
        _ = try rt.allocate(size: 3 * MiB, scan: false, goroutine: 0, now: 2_000, kernel: &kernel)
        // (Sweep termination also woke the scavenger: its run is a deadline of its own.)
        while rt.gc.phase == .mark, let deadline = rt.nextDeadline { try rt.advance(to: deadline, kernel: &kernel) }
        #expect(rt.numGC == 1)
        let cycle = try #require(rt.gcCycles.first)
        // One goroutine on 2 Ps: 25 % background (fractional) and the rest of the free P idle.
        #expect(cycle.cpuBackgroundNs > 0 && cycle.cpuIdleNs > 0 && cycle.cpuAssistNs == 0, "\(cycle)")
        // After mark termination every span is unswept: the garbage still holds its slots.
        #expect(rt.gc.unsweptSpans > 0)
        #expect(rt.heapAlloc > rt.heapMarked + 2 * MiB - 65_536)
        let sweepDone = rt.gc.backgroundSweepNs + UInt64(rt.gc.unsweptSpans) * rt.config.costs.sweepSpanNs
        #expect(try #require(rt.nextDeadline) <= sweepDone)
        try rt.advance(to: sweepDone, kernel: &kernel)
        #expect(rt.gc.unsweptSpans == 0)
        #expect(rt.heapAlloc == rt.heapMarked)
        #expect(rt.heapFree >= 2 * MiB - 65_536)  // empty spans went back to the heap
        let problems = rt._checkInvariants()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func assistsPayForAllocationDuringMark() throws {
        var (rt, kernel) = try startedRuntime()
        // 6 MiB of garbage crosses the 4 MiB goal; the allocations that follow at the same
        // instant pay assists (the workers have had no time), which finish the mark.
        var cost: UInt64 = 0
        for _ in 0..<6144 {
            let a = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: 1_000, kernel: &kernel)
            cost += a.costNs
            rt.release(address: a.address, size: 1024, scan: false)
        }
        #expect(rt.numGC == 1)
        let cycle = try #require(rt.gcCycles.first)
        #expect(cycle.cpuAssistNs > 0 && cycle.assistWork >= 65_536)
        #expect(cost > cycle.cpuAssistNs)
        #expect(rt.gcCPUTotals.assist == cycle.cpuAssistNs)
        let problems = rt._checkInvariants()
        #expect(problems.isEmpty, "\(problems)")
    }

    /// While marking, an allocation the goroutine's assist credit covers takes its size
    /// off the credit and leaves the collector alone — no assist time, the same end of
    /// mark, its cost what it would be outside a cycle; once the credit is spent, the
    /// next allocation assists again (go1.19 malloc.go `deductAssistCredit`).
    @Test func allocationsWhileMarkingSpendTheirCreditThenAssist() throws {
        var (rt, kernel) = try startedRuntime()
        // 3 MiB of live pointerful objects give the mark work to do; garbage then
        // crosses the trigger.
        for _ in 0..<3072 { _ = try rt.allocate(size: 1024, scan: true, goroutine: 0, now: 1_000, kernel: &kernel) }
        var n = 0
        while rt.gc.phase != .mark && n < 100_000 {
            let a = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: 1_000, kernel: &kernel)
            rt.release(address: a.address, size: 1024, scan: false)
            n += 1
        }
        try #require(rt.gc.phase == .mark)
        #expect(rt.gc.assistBytes[0] == 0)
        // Right after the start-of-cycle pause, long before the workers finish.
        let now = rt.gc.worldStoppedUntil
        try #require(now < rt.gc.markEndNs)
        // No credit yet: the first allocation assists, paying ahead (64 Ki units of work).
        let first = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: now, kernel: &kernel)
        try #require(rt.gc.phase == .mark)
        let assistNs = rt.gc.cpuAssistNs, markEnd = rt.gc.markEndNs
        var credit = rt.gc.assistBytes[0]
        #expect(assistNs > 0 && credit >= 1024)
        var paid = 0
        while credit >= 1024 {
            let a = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: now, kernel: &kernel)
            credit -= 1024
            #expect(rt.gc.assistBytes[0] == credit)
            #expect(rt.gc.cpuAssistNs == assistNs && rt.gc.markEndNs == markEnd)
            #expect(a.costNs < first.costNs)
            paid += 1
        }
        #expect(paid > 10)
        // The credit no longer covers 1 KiB: this one assists.
        _ = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: now, kernel: &kernel)
        #expect(rt.gc.phase != .mark || rt.gc.cpuAssistNs > assistNs)
        #expect(rt.gc.phase != .mark || rt.gc.assistBytes[0] > credit)
    }

    @Test func runtimeGCFinishesTheCycleInProgressThenRunsItsOwn() throws {
        var (rt, kernel) = try startedRuntime()
        // Cross the trigger with a large allocation: a cycle starts and is still marking.
        _ = try rt.allocate(size: 5 * MiB, scan: true, goroutine: 0, now: 1_000, kernel: &kernel)
        #expect(rt.gc.phase == .mark || rt.numGC == 1)
        let blocked = try rt.collect(now: 2_000, kernel: &kernel)
        #expect(rt.numGC == 2 && rt.numForcedGC == 1)
        #expect(rt.gcCycles.last?.forced == true)
        // Forced and blocking: its pauses and mark are inside the caller's time, and the
        // sweep is complete when it returns.
        let forced = try #require(rt.gcCycles.last)
        #expect(blocked >= forced.stw1Ns + forced.markNs + forced.stw2Ns)
        #expect(rt.gc.unsweptSpans == 0)
        #expect(forced.gctrace.hasSuffix("2 P (forced)"))
        let problems = rt._checkInvariants()
        #expect(problems.isEmpty, "\(problems)")
    }
}
