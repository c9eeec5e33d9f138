import GoMemSimCore
@testable import GoMemSimEngine
import GoMemSimTrace
import Testing

/// Records executed as soon as they are read (one goroutine, nothing read ahead): no
/// slot is written for their objects, and an object gets one — holding the address its
/// `alloc` got — only when a queued record names it.
@Suite struct AtOnceTests {
    @Test func objectsAllocatedAtOnceTakeNoSlot() {
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 64, scan: true)),
            rec(.alloc(id: 2, size: 32, scan: false)),
            rec(.free(id: 1)),
            rec(.write(id: 2, offset: 8, length: 8)),
        ])
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(engine.regions.slots.count == 0)
        #expect(engine.regions.ids.count == 1)
        #expect(engine.kernel.log == ["touch 0xc000000048 8 w"])
        #expect(engine.runtime.log.filter { $0.hasPrefix("release") } == ["release 0xc000000000 64"])
    }

    /// Objects 1 and 3 are allocated at once; a second goroutine then makes records
    /// queue, and the queued records that name them find their addresses (a slot given
    /// from the id map's summary) and keep their file order (object 1's `free` waits
    /// for goroutine 1's read). Id 1, reused, is read ahead while goroutine 1 still
    /// lives: its new object takes the slot the first one left. Once the queue has
    /// drained, records run at once again: object 4 takes no slot.
    @Test func aQueuedRecordGivesAnObjectAllocatedAtOnceASlotWithItsAddress() {
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 64, scan: true)),       // 0xc000000000
            rec(.alloc(id: 2, size: 32, scan: false)),      // 0xc000000040
            rec(.free(id: 2)),
            rec(.alloc(id: 3, size: 16, scan: false)),      // 0xc000000060
            rec(.spawn(goroutine: 1)),
            rec(.read(id: 1, offset: 8, length: 8, dependent: false), g: 1),
            rec(.write(id: 3, offset: 0, length: 16)),
            rec(.free(id: 1)),
            rec(.exit, g: 1),
            rec(.alloc(id: 1, size: 64, scan: false)),      // 0xc000000070
            rec(.read(id: 1, offset: 0, length: 8, dependent: false)),
            rec(.alloc(id: 4, size: 8, scan: false)),       // 0xc0000000b0
            rec(.write(id: 4, offset: 0, length: 8)),
        ])
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(engine.kernel.log == ["touch 0xc000000008 8 r", "touch 0xc000000060 16 w", "touch 0xc000000070 8 r",
                                      "touch 0xc0000000b0 8 w"])
        #expect(engine.runtime.log.filter { $0.hasPrefix("release") }
                == ["release 0xc000000040 32", "release 0xc000000000 64"])
        // Slots only for objects named by queued records: 1 (first life, slot 0, then
        // recycled for its second) and 3; none for 2 and 4.
        #expect(engine.regions.slots.count == 2)
        #expect(engine.regions.slotsInUse == 2)
        #expect(engine.regions.slot(of: 1) == 0)
        #expect(engine.regions.slot(of: 3) == 1)
        #expect(engine.regions.slot(of: 4) == nil)
        #expect(result.events == 13)
    }

    /// Records run at once start at their goroutine's clock once the first has run (the
    /// engine then skips comparing it with the Ps and the clock): here after another
    /// goroutine kept a P busy, and across a sleep. GOMAXPROCS=2, allocations cost 5 ns.
    /// Goroutine 1 computes on the other P over [5, 1005) and exits at 1005; main sleeps
    /// from 5 to 2005, so alloc 2 (read ahead) runs queued at 2005, and from alloc 3 on
    /// records run at once: 3 at 2010, the compute over [2015, 2022), 4 at 2022, the
    /// sleep from 2027 to 2127, 5 at 2127.
    @Test func recordsRunAtOnceStartAtTheirGoroutinesClock() {
        var engine = afterGoroutineOneComputes([
            rec(.sleep(ns: 2000)),
            rec(.alloc(id: 2, size: 16, scan: false)),
            rec(.alloc(id: 3, size: 16, scan: false)),
            rec(.compute(ns: 7)),
            rec(.alloc(id: 4, size: 16, scan: false)),
            rec(.sleep(ns: 100)),
            rec(.alloc(id: 5, size: 16, scan: false)),
        ])
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(allocationStarts(engine) == [0, 2005, 2010, 2022, 2127])
        #expect(result.virtualTimeNs == 2132)
        #expect(engine.processors.ordered == [2027, 2132])
    }

    /// While another goroutine's event still holds a P, that goroutine is in use (its
    /// `exit` runs only when the event ends), so the records of the one left do not run
    /// at once until then — the leading start (at the goroutine's clock, the P it frees
    /// put last) relies on it. Its allocations share the other P, 5 ns apart.
    @Test func aPHeldByAnotherGoroutinesEventStaysHeld() {
        var engine = afterGoroutineOneComputes((2..<400).map { rec(.alloc(id: UInt64($0), size: 16, scan: false)) })
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(allocationStarts(engine) == (0..<399).map { $0 * 5 })  // one P: back to back, past the compute's end too
        #expect(result.virtualTimeNs == 399 * 5)
    }

    /// An engine on 2 Ps (allocations cost 5 ns) whose trace allocates object 1, starts
    /// goroutine 1 to compute for 1000 ns and exit, then goes on with `rest` on main.
    private func afterGoroutineOneComputes(_ rest: [TraceRecord]) -> RecordingEngine {
        var runtime = RecordingRuntime()
        runtime.allocCostNs = 5
        return recordingEngine([
            rec(.alloc(id: 1, size: 16, scan: false)),
            rec(.spawn(goroutine: 1)),
            rec(.compute(ns: 1000), g: 1),
            rec(.exit, g: 1),
        ] + rest, config: .with(gomaxprocs: 2), runtime: runtime)
    }

    /// The virtual times the runtime was asked to allocate at, in order.
    private func allocationStarts(_ engine: RecordingEngine) -> [Int?] {
        engine.runtime.log.filter { $0.hasPrefix("allocate") }.map { Int($0.split(separator: "=").last ?? "") }
    }

    /// Errors of records run at once keep their exact location (the record just read).
    @Test func errorsOfRecordsRunAtOnceNameTheRecord() {
        let cases: [(TraceRecord, String)] = [
            (rec(.free(id: 9)), "test.gmt:3:1: expected a live object id, found 9"),
            (rec(.alloc(id: 1, size: 8, scan: false)), "test.gmt:3:1: expected an id that is not live, found 1"),
            (rec(.alloc(id: 4, size: 1 << 49, scan: false)),
             "test.gmt:3:1: expected an allocation size of at most 256 TiB (Go's maxAlloc), found 562949953421312"),
            (rec(.read(id: 1, offset: 60, length: 8, dependent: false)),
             "test.gmt:3:1: expected a range within the 64-byte object 1, found offset 60 length 8"),
            (rec(.write(id: 2, offset: 0, length: 1)), "test.gmt:3:1: expected a live object id, found 2"),
            (rec(.compute(ns: 5), g: 7),
             "test.gmt:3:1: expected a started goroutine (0 or one named by an earlier `go`), found goroutine 7"),
        ]
        for (bad, message) in cases {
            let result = Engine.replay(source: ArraySource([
                rec(.alloc(id: 1, size: 64, scan: false)),
                rec(.compute(ns: 10)),
                bad,
                rec(.compute(ns: 10)),
            ]), config: .with())
            #expect(result.status == .failed)
            #expect(result.failure == message)
            #expect(result.events == 2)
        }
    }
}

@Suite struct IDMapOrderTests {
    /// Robin Hood order after every kind of change the engine makes: each entry's
    /// `distance` is its true distance from home, and along a run no entry is more
    /// than one bucket further from home than the one before it (entries sit in order
    /// of their home) — what lookups stop on and what removal shifts back.
    @Test func robinHoodOrderHoldsUnderInsertNewAndRemoveAt() {
        var map = IDMap(capacity: 4)
        var live: [UInt64] = []
        var generator = SplitMix(seed: 3)
        for step in 0..<30_000 {
            // Clustered keys (ids of a few blocks) make long runs and many displacements.
            let key = generator.next() % 4096
            if generator.next() % 2 == 0, !live.isEmpty {
                let victim = live.remove(at: Int(generator.next() % UInt64(live.count)))
                guard let i = map.index(of: victim) else { Issue.record("live key \(victim) not found"); return }
                map.remove(at: i)
            } else if map.insertNew(key, Int32(step), summary: IDMap.Summary(size: 1, isMapping: false, scan: false)) != nil {
                live.append(key)
            }
            if step % 1000 == 0 { #expect(Self.inOrder(map)) }
        }
        #expect(Self.inOrder(map))
        #expect(map.count == live.count)
        for key in live { #expect(map.index(of: key) != nil) }
    }

    static func inOrder(_ map: IDMap) -> Bool {
        for i in map.buckets.indices where map.buckets[i].value >= 0 {
            let bucket = map.buckets[i]
            guard (i - map.home(bucket.key)) & map.mask == Int(bucket.distance) else { return false }
            let next = map.buckets[(i + 1) & map.mask]
            if next.value >= 0 && next.distance > bucket.distance + 1 { return false }
        }
        return true
    }
}

@Suite struct TimerQueueNextTimeTests {
    @Test func nextTimeIsTheFirstTimersTime() {
        var queue = TimerQueue()
        #expect(queue.nextTime == .max)
        var generator = SplitMix(seed: 5)
        for i in 0..<300 {
            if i % 3 == 2 { queue.pop() } else { queue.push(at: generator.next() % 1000, .sample) }
            #expect(queue.nextTime == queue.first?.time ?? .max)
        }
        while queue.pop() != nil { #expect(queue.nextTime == queue.first?.time ?? .max) }
        #expect(queue.nextTime == .max)
    }
}
