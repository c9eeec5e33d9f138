@testable import GoMemSimRuntime
import Testing


@Test func firstGoalIsTheHeapMinimumAndTriggerIsAt61of64() {
    let pacer = GCController(gcPercent: 100)
    #expect(pacer.heapGoal == 4 * MiB)
    // No runway yet (cons/mark 0) ⇒ trigger clamps to the upper bound 61/64 of 4 MiB.
    #expect(pacer.trigger().trigger == 4 * MiB / 64 * 61)
}

@Test func heapMinimumScalesWithGOGC() {
    #expect(GCController(gcPercent: 25).heapGoal == 1 * MiB)
    #expect(GCController(gcPercent: 400).heapGoal == 16 * MiB)
    #expect(GCController(gcPercent: nil).heapGoal == UInt64(Int64.max) - MiB)  // off: only the (unset) limit bounds it
}

@Test func gogcGoalCountsStacksAndGlobalsInTheGrowthOnly() {
    var pacer = GCController(gcPercent: 100)
    pacer.heapMarked = 72 * MiB
    pacer.stackScan = 8 << 10
    pacer.globalsScan = 24 << 10
    pacer.commit(isSweepDone: true)
    // goal = M + (M + S + G) × GOGC/100 (mgcpacer.go commit)
    #expect(pacer.heapGoal == 144 * MiB + 32 << 10)
    pacer.setGCPercent(50)
    #expect(pacer.heapGoal == 108 * MiB + 16 << 10)
}

@Test func triggerUsesGoalMinus4MiBForLargeHeaps() {
    var pacer = GCController(gcPercent: 100)
    pacer.heapMarked = 512 * MiB
    pacer.commit(isSweepDone: true)
    // 61/64 of the way is 512 + 488 MiB; goal − 4 MiB = 1020 MiB is higher and wins.
    #expect(pacer.trigger() == (trigger: 1020 * MiB, goal: 1024 * MiB))
}

@Test func consMarkAveragesTwoCyclesAndSetsTheRunway() {
    var pacer = GCController(gcPercent: 100)
    pacer.heapMarked = 64 * MiB
    pacer.heapLive = 100 * MiB
    pacer.startCycle(now: 1_000_000, gomaxprocs: 2)
    pacer.heapLive = 108 * MiB       // 8 MiB allocated while marking
    pacer.scanWork = 1 * MiB
    pacer.endCycle(now: 2_000_000, gomaxprocs: 2, assistTimeNs: 0, idleMarkTimeNs: 0)
    // current = 8 MiB × 0.25 / (1 MiB × 0.75) = 8/3; averaged with the previous 0.
    #expect(abs(pacer.consMark - 4.0 / 3) < 1e-12)
    pacer.resetLive(marked: 64 * MiB, scannable: 1 * MiB)
    pacer.commit(isSweepDone: true)
    // runway = consMark × 0.75/0.25 × (lastHeapScan + stacks + globals) = 4 MiB
    #expect(pacer.runway == 4 * MiB)
    // goal 128 MiB − 4 MiB runway = 124 MiB, inside [64+45, 64+61] MiB.
    #expect(pacer.trigger().trigger == 124 * MiB)
}

@Test func assistsAndIdleTimeRaiseTheMeasuredUtilization() {
    var pacer = GCController(gcPercent: 100)
    pacer.heapLive = 10 * MiB
    pacer.startCycle(now: 0, gomaxprocs: 2)
    pacer.heapLive = 14 * MiB
    pacer.scanWork = 2 * MiB
    // 1 ms of mark on 2 Ps; 0.5 ms of assists ⇒ u = 0.25 + 0.25 = 0.5; 0.5 ms idle ⇒ u_idle = 0.25
    pacer.endCycle(now: 1_000_000, gomaxprocs: 2, assistTimeNs: 500_000, idleMarkTimeNs: 500_000)
    // current = 4 MiB × 0.75 / (2 MiB × 0.5) = 3; averaged with 0.
    #expect(abs(pacer.consMark - 1.5) < 1e-12)
}

@Test(arguments: [(1, 0, 0.25), (2, 0, 0.25), (3, 0, 0.25), (4, 1, 0.0), (6, 1, 0.5 / 6), (8, 2, 0.0), (16, 4, 0.0)])
func markWorkersSplitAsGoDoes(procs: Int, dedicated: Int, fractional: Double) {
    var pacer = GCController(gcPercent: 100)
    pacer.startCycle(now: 0, gomaxprocs: procs)
    #expect(pacer.dedicatedMarkWorkersNeeded == dedicated)
    #expect(abs(pacer.fractionalUtilizationGoal - fractional) < 1e-12)
}

@Test func memoryLimitGoalLeavesRoomForNonHeapMemoryAndHeadroom() {
    var pacer = GCController(gcPercent: 100, memoryLimit: 96 * MiB)
    pacer.heapMarked = 64 * MiB
    pacer.commit(isSweepDone: true)
    pacer.mappedReady = 100 * MiB
    pacer.heapFree = 2 * MiB
    pacer.heapAlloc = 90 * MiB
    // non-heap 8 MiB, overage 4 MiB, headroom 1 MiB: 96 − 12 − 1 = 83 MiB < GOGC's 128 MiB.
    #expect(pacer.memoryLimitHeapGoal == 83 * MiB)
    #expect(pacer.heapGoal == 83 * MiB)
    #expect(pacer.isMemoryLimited)
    // Hopeless: non-heap memory alone reaches the limit ⇒ collect at the live heap.
    pacer.heapAlloc = 0
    pacer.heapFree = 0
    #expect(pacer.memoryLimitHeapGoal == 64 * MiB)
}

@Test func gogcOffWithALimitCollectsOnlyForTheLimit() {
    var pacer = GCController(gcPercent: nil, memoryLimit: 96 * MiB)
    pacer.mappedReady = 20 * MiB
    pacer.heapAlloc = 16 * MiB
    pacer.heapFree = 0
    #expect(pacer.heapGoal == 96 * MiB - 4 * MiB - MiB)
}

@Test func reviseOwesWorkInProportionToHeapLeft() {
    var pacer = GCController(gcPercent: 100)
    pacer.heapMarked = 64 * MiB
    pacer.heapScan = 16 * MiB
    pacer.resetLive(marked: 64 * MiB, scannable: 16 * MiB)
    pacer.commit(isSweepDone: true)
    pacer.heapLive = 120 * MiB
    pacer.startCycle(now: 0, gomaxprocs: 4)
    // 16 MiB of scan expected over 128 − 120 = 8 MiB of heap ⇒ 2 bytes of work per byte.
    #expect(abs(pacer.assistWorkPerByte - 2.0) < 1e-9)
    pacer.scanWork = 12 * MiB
    pacer.heapLive = 126 * MiB
    pacer.revise()
    #expect(abs(pacer.assistWorkPerByte - 2.0) < 1e-9)
    // Past the goal: the goal stretches by 10 % and all scannable heap is owed.
    pacer.heapLive = 130 * MiB
    pacer.revise()
    let expected = Double(4 * MiB) / (128 * 1.1 * Double(MiB) - 130 * Double(MiB))
    #expect(abs(pacer.assistWorkPerByte - expected) < 1e-9)
}

/// GOGC=off under a memory limit: once the scan work passes what was expected, Go 1.19's
/// hard goal is (1 + gcPercent/100) × goal with gcPercent −1, i.e. 0.99 × the limit goal.
@Test func gogcOffCapsTheExtendedGoalAtNinetyNinePercent() {
    var pacer = GCController(gcPercent: nil, memoryLimit: 100 * MiB)
    pacer.resetLive(marked: 40 * MiB, scannable: 4 * MiB)
    pacer.mappedReady = 50 * MiB
    pacer.heapAlloc = 40 * MiB
    pacer.heapFree = 0
    pacer.commit(isSweepDone: true)
    let goal = pacer.heapGoal  // 100 − 10 non-heap − 1 headroom = 89 MiB
    #expect(goal == 89 * MiB)
    pacer.heapLive = 80 * MiB
    pacer.startCycle(now: 0, gomaxprocs: 4)
    pacer.heapScan = 8 * MiB       // the scannable heap doubled: extrapolation would double the runway
    pacer.scanWork = 5 * MiB       // more than the 4 MiB expected
    pacer.revise()
    let capped = 0.99 * Double(goal)
    let expected = Double(3 * MiB) / (capped - Double(80 * MiB))
    #expect(abs(pacer.assistWorkPerByte - expected) < 1e-9)
}
