@testable import GoMemSimEngine
import GoMemSimTrace
import Testing

/// The id map the engine uses: a ring of recent ids with a hash map of stragglers.
/// Exact for any order of ids, against a `Dictionary`; in-order churn never leaves the
/// ring; memory follows the live ids.
@Suite struct RegionIDMapTests {
    static func summary(_ n: Int) -> IDMap.Summary {
        IDMap.Summary(size: UInt64(n), isMapping: false, scan: n & 1 != 0, address: 0xc000_0000_00 + UInt64(n))
    }

    /// Whether every ring entry counts exactly the stragglers with its place, the
    /// stragglers' ring entries hold other live ids or once did, and the count is the
    /// ring's live entries plus the stragglers.
    static func consistent(_ map: RegionIDMap) -> Bool {
        var counted = [Int](repeating: 0, count: map.ring.count)
        for bucket in map.stragglers.buckets where bucket.value >= 0 {
            counted[Int(truncatingIfNeeded: bucket.key) & map.ringMask] += 1
        }
        var inRing = 0
        for (i, entry) in map.ring.enumerated() {
            guard Int(entry.stragglers) == counted[i] else { return false }
            if entry.value >= 0 {
                guard Int(truncatingIfNeeded: entry.key) & map.ringMask == i else { return false }
                inRing += 1
            }
        }
        return inRing + map.stragglers.count == map.count
    }

    /// Inserts, refusals and removals by entry in many orders — ids in a window sliding
    /// forward (freed in order, or at random within it), ids reused, ids a ring's size
    /// apart, random ids — give what a `Dictionary` gives, entry contents included.
    @Test(arguments: ["window", "window, random frees", "reuse", "ring apart", "random"])
    func matchesADictionary(pattern: String) {
        var map = RegionIDMap(capacity: 4)
        var reference: [UInt64: (value: Int32, size: UInt64)] = [:]
        var live: [UInt64] = []
        var generator = SplitMix(seed: 17)
        var next: UInt64 = 0
        var refused = 0, stragglersSeen = 0
        for step in 0..<30_000 {
            let key: UInt64
            switch pattern {
            case "window", "window, random frees":
                key = next
                next += 1
            case "reuse": key = generator.next() % 300
            case "ring apart": key = (generator.next() % 64) << 10 | generator.next() % 4
            default: key = generator.next()
            }
            let remove = !live.isEmpty && (generator.next() % 2 == 0 || live.count > 3_000)
            if remove {
                let victim = pattern == "window" ? live.removeFirst()
                                                 : live.remove(at: Int(generator.next() % UInt64(live.count)))
                guard let entry = map.entry(of: victim) else { Issue.record("live id \(victim) not found"); return }
                #expect(entry.pointee.key == victim && entry.pointee.summary.size == reference[victim]?.size)
                #expect(map.remove(entry) == reference[victim]?.value)
                reference[victim] = nil
            } else if let entry = map.insertNew(key, Int32(step), summary: Self.summary(step)) {
                #expect(reference[key] == nil)
                #expect(entry.pointee.key == key && entry.pointee.value == Int32(step))
                reference[key] = (Int32(step), UInt64(step))
                live.append(key)
            } else {
                #expect(reference[key] != nil)
                refused += 1
            }
            stragglersSeen = max(stragglersSeen, map.stragglers.count)
            if step % 1_000 == 0 { #expect(Self.consistent(map)) }
        }
        #expect(Self.consistent(map))
        #expect(map.count == reference.count)
        for (key, expected) in reference {
            #expect(map.find(key) == expected.value)
            #expect(map.entry(of: key)?.pointee.summary.address == 0xc000_0000_00 + expected.size)
        }
        for key in live.prefix(100) { #expect(map.find(key &+ 1 << 40) == nil) }
        if pattern == "reuse" { #expect(refused > 500) }  // ids reused while live are refused
        // The orders that are not a window moving in order exercise the stragglers.
        if pattern != "window" { #expect(stragglersSeen > 0) }
    }

    /// A trace's usual order: ids allocated in increasing order and freed in that order.
    /// Each id takes a ring entry whose previous tenant is dead: no stragglers ever, and
    /// the ring is the smallest power of two at 75 % load or less (10 k live: 16 Ki entries).
    @Test func inOrderChurnStaysInTheRing() {
        var map = RegionIDMap()
        let live: UInt64 = 10_000
        for id in 0..<live { #expect(map.insertNew(id, 0, summary: Self.summary(Int(id))) != nil) }
        for id in live..<live * 10 {
            #expect(map.insertNew(id, 0, summary: Self.summary(Int(id))) != nil)
            #expect(map.remove(id - live) != nil)
            #expect(map.stragglers.count == 0)
        }
        #expect(map.ring.count == 16_384)
        #expect(map.count == Int(live))
    }

    /// An object that lives on while later ids churn past it: when a new id takes its
    /// ring entry it becomes a straggler, still found, still refused as a new id, and
    /// its removal takes it off its entry's count. (A lookup that skipped the
    /// stragglers, or an insertion that did not check them, fails here.)
    @Test func aLongLivedIDBecomesAStraggler() {
        var map = RegionIDMap(capacity: 12)  // a ring of 16
        #expect(map.ring.count == 16)
        #expect(map.insertNew(3, 7, summary: Self.summary(3)) != nil)
        for id: UInt64 in 4..<40 {
            #expect(map.insertNew(id, 0, summary: Self.summary(Int(id))) != nil)
            #expect(map.remove(id) != nil)
        }
        // Id 19 then 35 took entry 3 in turn: id 3 waits among the stragglers.
        #expect(map.stragglers.count == 1)
        #expect(map.ring[3].stragglers == 1)
        #expect(map.find(3) == 7)
        #expect(map.entry(of: 3)?.pointee.summary.size == 3)
        #expect(map.insertNew(3, 8, summary: Self.summary(3)) == nil)
        #expect(map.find(35) == nil)
        #expect(map.insertNew(35, 9, summary: Self.summary(35)) != nil)
        #expect(map.insertNew(3, 8, summary: Self.summary(3)) == nil)
        #expect(map.remove(3) == 7)
        #expect(map.ring[3].stragglers == 0)
        #expect(map.find(3) == nil)
        #expect(map.find(35) == 9)
        #expect(Self.consistent(map))
    }

    /// Growth doubles the ring: ids that shared an entry get one each, so stragglers
    /// move back into the ring; every id stays found.
    @Test func growthMovesStragglersBackIntoTheRing() {
        var map = RegionIDMap(capacity: 12)  // a ring of 16, grows at 12 live ids
        for id: UInt64 in [0, 16, 1, 17] { #expect(map.insertNew(id, Int32(id), summary: Self.summary(Int(id))) != nil) }
        #expect(map.stragglers.count == 2)
        for id: UInt64 in 2..<10 { #expect(map.insertNew(id, Int32(id), summary: Self.summary(Int(id))) != nil) }
        #expect(map.ring.count == 16)
        #expect(map.insertNew(10, 10, summary: Self.summary(10)) != nil)  // the 13th
        #expect(map.ring.count == 32)
        #expect(map.stragglers.count == 0)
        for id: UInt64 in [0, 16, 1, 17] + Array(2...10) { #expect(map.find(id) == Int32(id)) }
        #expect(Self.consistent(map))
    }

    /// Memory follows the live ids, not the id range: ids a billion apart, ten live at
    /// a time, keep the ring at its initial size.
    @Test func sparseIDsKeepTheMapSmall() {
        var map = RegionIDMap(capacity: 8)
        var live: [UInt64] = []
        for n: UInt64 in 0..<10_000 {
            let id = n &* 1_000_000_007
            #expect(map.insertNew(id, 1, summary: Self.summary(1)) != nil)
            live.append(id)
            if live.count > 10 { #expect(map.remove(live.removeFirst()) == 1) }
        }
        #expect(map.ring.count == 16)
        #expect(map.stragglers.buckets.count <= 64)
        for id in live { #expect(map.find(id) == 1) }
        #expect(Self.consistent(map))
    }
}

/// The engine with an object that becomes a straggler: ids churn past the ring (2 Ki
/// entries at first) while object 5 lives, so id 2053 takes its entry. Its write and
/// free still find its address and size, a second `alloc` of it is refused at its
/// location, and a queued record (a second goroutine) resolves it too.
@Suite struct StragglerReplayTests {
    static func churn(_ ids: Range<UInt64>) -> [TraceRecord] {
        ids.flatMap { [rec(.alloc(id: $0, size: 16, scan: false)), rec(.free(id: $0))] }
    }

    @Test func aStragglersRecordsFindItsRegion() {
        var engine = recordingEngine([rec(.alloc(id: 5, size: 48, scan: true))] + Self.churn(6..<3_000) + [
            rec(.write(id: 5, offset: 40, length: 8)),
            rec(.free(id: 5)),
        ])
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(engine.kernel.log.last == "touch 0xc000000028 8 w")
        #expect(engine.runtime.log.last == "release 0xc000000000 48")
        #expect(engine.regions.ids.count == 0)
    }

    @Test func aLiveStragglersIDIsRefused() {
        var engine = recordingEngine([rec(.alloc(id: 5, size: 48, scan: true))] + Self.churn(6..<3_000) + [
            rec(.alloc(id: 5, size: 8, scan: false)),
        ])
        let result = engine.run()
        #expect(result.status == .failed)
        #expect(result.failure == "test.gmt:5990:1: expected an id that is not live, found 5")
    }

    @Test func aQueuedRecordFindsAStraggler() {
        var engine = recordingEngine([rec(.alloc(id: 5, size: 48, scan: true))] + Self.churn(6..<3_000) + [
            rec(.spawn(goroutine: 1)),
            rec(.read(id: 5, offset: 8, length: 8, dependent: false), g: 1),
            rec(.free(id: 5)),
            rec(.exit, g: 1),
        ])
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(engine.kernel.log.contains("touch 0xc000000008 8 r"))
        #expect(engine.runtime.log.last { $0.hasPrefix("release") } == "release 0xc000000000 48")
        #expect(engine.regions.ids.count == 0)
    }
}
