@testable import GoMemSimRuntime
import Testing

@Test func limiterFillsWhenGCTakesMoreThanHalfTheCPU() {
    var limiter = GCCPULimiter(gomaxprocs: 2)
    #expect(limiter.capacityNs == 2_000_000_000)
    // 60 % GC for 10 s on 2 Ps: fill grows by (0.6 − 0.4) × 2 × 10 ms per 10 ms step.
    var now: UInt64 = 0
    for _ in 0..<1000 {
        now += 10_000_000
        limiter.update(now: now, gomaxprocs: 2, gcTimeNs: 12_000_000, idleTimeNs: 0, marking: false)
    }
    #expect(limiter.limiting)
    #expect(limiter.enabledCount == 1)
    // Back to 10 % GC: drains by 0.8 × 20 ms per step; 2 s of bucket empties in 125 steps.
    for _ in 0..<2 {
        now += 10_000_000
        limiter.update(now: now, gomaxprocs: 2, gcTimeNs: 2_000_000, idleTimeNs: 0, marking: false)
    }
    #expect(!limiter.limiting)
    #expect(limiter.fillNs == 2_000_000_000 - 2 * 16_000_000)
}

@Test func backgroundMarkCountsAsAQuarterOfTheWindow() {
    var limiter = GCCPULimiter(gomaxprocs: 4)
    // Marking with no assists: 25 % GC, 75 % mutator ⇒ the bucket never fills.
    limiter.update(now: 1_000_000_000, gomaxprocs: 4, gcTimeNs: 0, idleTimeNs: 0, marking: true)
    #expect(limiter.fillNs == 0)
    // Marking with assists taking another 30 %: 55 % GC ⇒ fill += 10 % of 4 P-seconds.
    limiter.update(now: 2_000_000_000, gomaxprocs: 4, gcTimeNs: 1_200_000_000, idleTimeNs: 0, marking: true)
    #expect(limiter.fillNs == 400_000_000)
}

@Test func idleTimeIsLeftOutOfTheWindow() {
    var limiter = GCCPULimiter(gomaxprocs: 2)
    // 1 s on 2 Ps, one P idle all along: 0.6 s GC of the 1 s that counts ⇒ +0.2 s.
    limiter.update(now: 1_000_000_000, gomaxprocs: 2, gcTimeNs: 600_000_000, idleTimeNs: 1_000_000_000, marking: false)
    #expect(limiter.fillNs == 200_000_000)
}
