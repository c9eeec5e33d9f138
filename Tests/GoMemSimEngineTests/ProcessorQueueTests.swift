@testable import GoMemSimEngine
import Testing

/// The Ps as a multiset of free times: what a scan of every P would give.
@Suite struct ProcessorQueueTests {
    /// Against a plain array where each event takes the minimum and replaces it: the
    /// earliest time and the whole multiset agree after every event, for ends after
    /// every P (one goroutine: the ring turns) and ends among them (several: `place`).
    @Test(arguments: [1, 2, 3, 8])
    func earliestAndTimesMatchAScanOfEveryP(count: Int) {
        var queue = ProcessorQueue(count: count)
        var scanned = [UInt64](repeating: 0, count: count)
        var generator = SplitMix(seed: UInt64(count))
        for step in 0..<5_000 {
            let earliest = scanned.min()!
            #expect(queue.earliest == earliest)
            // Mostly short CPU times (ends among the other Ps' times), sometimes none,
            // sometimes long (after every P).
            let cpu: UInt64 = switch generator.next() % 4 { case 0: 0; case 1: 1_000; default: generator.next() % 50 }
            let end = earliest + cpu
            queue.occupyEarliest(until: end)
            scanned[scanned.firstIndex(of: earliest)!] = end
            if step % 50 == 0 || count < 3 { #expect(queue.ordered == scanned.sorted()) }
        }
        #expect(queue.ordered == scanned.sorted())
    }

    /// One goroutine's events, each ending after every P is free: the earliest P goes
    /// to the back each time, so the Ps take the events in turn.
    @Test func oneGoroutinesEventsTakeThePsInTurn() {
        var queue = ProcessorQueue(count: 3)
        var ends: [UInt64] = []
        var clock: UInt64 = 0
        for _ in 0..<5 {
            let start = max(clock, queue.earliest)
            clock = start + 10
            queue.occupyEarliest(until: clock)
            ends.append(clock)
            #expect(queue.ordered == Array(([0, 0] + ends).suffix(3)))
        }
        #expect(queue.earliest == 30)
    }
}
