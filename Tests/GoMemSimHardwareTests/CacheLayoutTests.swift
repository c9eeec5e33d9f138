@testable import GoMemSimHardware
import Testing

/// A plainly written exact LRU set-associative cache: per set, the lines from most to
/// least recent. The reference the packed layouts are checked against.
struct ReferenceLRU {
    let sets: Int, ways: Int
    var order: [[UInt64]]
    var flags: [UInt64: UInt8] = [:]
    init(sets: Int, ways: Int) { self.sets = sets; self.ways = ways; order = Array(repeating: [], count: sets) }

    /// A lookup then, on a miss, a fill: whether it hit and the line evicted, if any.
    mutating func access(_ line: UInt64, flags f: UInt8) -> (hit: Bool, victim: UInt64?, victimFlags: UInt8) {
        let s = Int(line % UInt64(sets))
        if let i = order[s].firstIndex(of: line) {
            order[s].remove(at: i)
            order[s].insert(line, at: 0)
            return (true, nil, 0)
        }
        var victim: UInt64?
        var victimFlags: UInt8 = 0
        if order[s].count == ways {
            victim = order[s].removeLast()
            victimFlags = flags.removeValue(forKey: victim!) ?? 0
        }
        order[s].insert(line, at: 0)
        flags[line] = f
        return (false, victim, victimFlags)
    }

    mutating func invalidate(_ line: UInt64) -> UInt8? {
        let s = Int(line % UInt64(sets))
        guard let i = order[s].firstIndex(of: line) else { return nil }
        order[s].remove(at: i)
        return flags.removeValue(forKey: line) ?? 0
    }
}

/// Drives `Cache<LRUPolicy>` and the reference with the same seeded random lookups, fills
/// and invalidations; every outcome (hit, victim, victim flags) must agree.
func agreesWithReference(sets: Int, ways: Int, lines: () -> UInt64, steps: Int, seed: UInt64) -> Bool {
    var cache = Cache<LRUPolicy>(sets: sets, ways: ways)
    var reference = ReferenceLRU(sets: sets, ways: ways)
    var state = seed
    for _ in 0..<steps {
        let line = lines()
        let r = SplitMix64.next(&state)
        if r % 11 == 0 {
            if cache.invalidate(line) != reference.invalidate(line) { return false }
            continue
        }
        let f = UInt8(truncatingIfNeeded: r >> 8) & 3
        let expected = reference.access(line, flags: f)
        if cache.lookup(line) != nil {
            if !expected.hit { return false }
            continue
        }
        if expected.hit { return false }
        let got = cache.insert(line, flags: f)
        if got.victim != expected.victim || got.victimFlags != expected.victimFlags { return false }
        if !cache.holds(line, at: got.slot) || cache.flags(at: got.slot) != f { return false }
    }
    return Set(cache.lines) == Set(reference.order.flatMap { $0 })
}

@Test(arguments: 1...20)
func lruMatchesTheReferenceForEveryAssociativity(ways: Int) {
    // Ways 1…16 keep a packed recency list per set, 17…20 keep stamps.
    for sets in [1, 4] {
        var state = UInt64(ways * 1000 + sets)
        let universe = UInt64(sets * (ways + 3))
        let ok = agreesWithReference(sets: sets, ways: ways, lines: { SplitMix64.next(&state) % universe },
                                     steps: 4000, seed: UInt64(ways))
        #expect(ok, "ways \(ways), sets \(sets)")
    }
}

@Test func recencyListMovesAWayToTheFrontAndKeepsTheRestInOrder() {
    for ways in 1...16 {
        var list = RecencyList.initial(ways: ways)
        var reference = Array(0..<ways)
        var state = UInt64(ways)
        for _ in 0..<500 {
            let way = Int(SplitMix64.next(&state) % UInt64(ways))
            list = RecencyList.touching(list, way: way)
            reference.removeAll { $0 == way }
            reference.insert(way, at: 0)
            let decoded = (0..<ways).map { Int(list >> UInt64(4 * $0) & 0xF) }
            #expect(decoded == reference)
            #expect(RecencyList.leastRecent(list, ways: ways) == reference.last)
        }
    }
}

@Test func aCacheTurnsWideWhenALineOutgrowsItsEntriesAndStaysExact() {
    // 8 sets (setShift 3): lines from 2^32 up are wide; lines 2^29 sets apart share an
    // entry digest, so only the full tags tell them apart once wide.
    var state: UInt64 = 9
    var step = 0
    let ok = agreesWithReference(sets: 8, ways: 4, lines: {
        step += 1
        let low = SplitMix64.next(&state) % 48
        // Narrow only for the first 2000 steps, then also lines 2^32 apart from them.
        return step < 2000 || state & 1 == 0 ? low : low &+ (1 << 32)
    }, steps: 6000, seed: 5)
    #expect(ok)
    var narrow = Cache<LRUPolicy>(sets: 8, ways: 4)
    _ = narrow.insert(5)
    #expect(!narrow.wide)
    #expect(narrow.lookup(5 &+ (1 << 32)) == nil)  // same digest, but a wide line is never in a narrow cache
    _ = narrow.insert(5 &+ (1 << 32))
    #expect(narrow.wide)
    #expect(narrow.lookup(5) != nil && narrow.lookup(5 &+ (1 << 32)) != nil)
}
