import GoMemSimCore
import GoMemSimEngine
import GoMemSimKernel
import Testing
@testable import GoMemSimRuntime

/// The engine skips reading the runtime's deadline after an allocation that says it kept
/// it (``Allocation/keepsDeadline``) and after every release
/// (``GoRuntime/releaseKeepsDeadline``). A broken promise would leave a background GC,
/// sweep or scavenge late: here every promise is checked against ``GoRuntime/nextDeadline``
/// read before and after, over a churn that goes through tiny, small, large allocations,
/// refills, sweeps, heap growth, GC cycles with assists, and goroutine stacks.
@Test func deadlinePromisesAreKept() throws {
    var config = RunConfig()
    config.gomaxprocs = 8  // Ps left idle for the background sweeper
    var runtime = GoRuntime(config: RuntimeConfig(config))
    var kernel = LinuxKernel(config: KernelConfig())
    try runtime.start(now: 0, kernel: &kernel)
    var draws = ChurnDraws(state: 0x9E37_79B9_7F4A_7C15)
    var live: [(address: UInt64, size: UInt64, scan: Bool)] = []
    var now: UInt64 = 0
    var kept = 0, keptWhileMarking = 0, moved = 0, actuallyMoved = 0, broken = 0, releases = 0
    for step in 0..<60_000 {
        now += 100 + draws.next() % 400
        // Background work due, as the engine's timer runs it — half the time only every
        // 500 steps, so that allocations find marking to finish and spans to sweep.
        if step % 500 == 0 || (step / 5_000) % 2 == 0 {
            while let deadline = runtime.nextDeadline, deadline <= now { try runtime.advance(to: deadline, kernel: &kernel) }
        }
        if step % 20_000 == 7 { runtime.goroutineStarted(UInt32(step), now: now) }  // a stack to allocate
        if live.count < 3_000 || draws.next() % 2 == 0 {
            let (size, scan) = draws.object(smallPercent: 98, smallSpan: 2_000)
            let before = runtime.nextDeadline
            let marking = runtime.gc.phase == .mark
            let allocation = try runtime.allocate(size: size, scan: scan, goroutine: 0, now: now, kernel: &kernel)
            if allocation.keepsDeadline {
                kept += 1
                if marking { keptWhileMarking += 1 }
                if runtime.nextDeadline != before { broken += 1 }
            } else {
                moved += 1
                if runtime.nextDeadline != before { actuallyMoved += 1 }
            }
            live.append((allocation.address, size, scan))
        } else {
            let object = draws.takeRandom(from: &live)
            let before = runtime.nextDeadline
            runtime.release(address: object.address, size: object.size, scan: object.scan)
            releases += 1
            if GoRuntime.releaseKeepsDeadline && runtime.nextDeadline != before { broken += 1 }
        }
    }
    #expect(broken == 0)
    // The churn went through cycles, and most allocations kept the deadline (they came
    // from the cached span) while those that refilled or were large did not.
    #expect(runtime.numGC >= 5)
    #expect(kept > moved * 4)
    #expect(moved > 500)
    #expect(actuallyMoved > 100)  // the check had deadlines to catch moving
    #expect(keptWhileMarking > 1_000)
    #expect(releases > 20_000)
}
