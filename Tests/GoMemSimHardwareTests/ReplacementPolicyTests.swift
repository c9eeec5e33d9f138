@testable import GoMemSimHardware
import Testing

/// Runs `lines` through one fully associative set of four ways; "h" or "m" per access.
func outcomes<P: ReplacementPolicy>(_ policy: P.Type, _ lines: [UInt64]) -> String {
    var cache = Cache<P>(sets: 1, ways: 4, seed: 42)
    return String(lines.map { line -> Character in
        if cache.lookup(line) != nil { return "h" }
        _ = cache.insert(line)
        return "m"
    })
}

// 1 2 3 4 fill the set, 1 is reused, 5 evicts: LRU takes 2 (least recent), FIFO takes 1
// (first in), tree-PLRU takes 3 (the tree points to the right half, then to way 2).
let crafted: [UInt64] = [1, 2, 3, 4, 1, 5, 2, 3]

@Test func lruEvictsTheLeastRecentlyUsedLine() {
    #expect(outcomes(LRUPolicy.self, crafted) == "mmmmhmmm")
}

@Test func fifoIgnoresReuseAndEvictsTheOldestFill() {
    #expect(outcomes(FIFOPolicy.self, crafted) == "mmmmhmhh")
}

@Test func treePLRUFollowsTheTreeBits() {
    #expect(outcomes(TreePLRUPolicy.self, crafted) == "mmmmhmhm")
}

@Test func randomReplacementIsDeterministicPerSeed() {
    let lines = (0..<200).map { UInt64($0 * 7 % 13) }
    let first = outcomes(RandomPolicy.self, lines)
    #expect(first == outcomes(RandomPolicy.self, lines))
    var a = Cache<RandomPolicy>(sets: 1, ways: 4, seed: 1)
    var b = Cache<RandomPolicy>(sets: 1, ways: 4, seed: 2)
    var victimsA: [UInt64] = [], victimsB: [UInt64] = []
    for line in UInt64(0)..<40 {
        if let v = a.insert(line).victim { victimsA.append(v) }
        if let v = b.insert(line).victim { victimsB.append(v) }
    }
    #expect(victimsA.count == 36 && victimsB.count == 36)
    #expect(victimsA != victimsB)
}

@Test func cacheMapsLinesToSetsByLowBits() {
    var cache = Cache<LRUPolicy>(sets: 4, ways: 1)
    _ = cache.insert(1)
    #expect(cache.insert(5).victim == 1)   // 5 & 3 == 1: same set
    #expect(cache.insert(2).victim == nil)
}

@Test func lruStaysExactWhenItsClockWraps() {
    var cache = Cache<LRUPolicy>(sets: 1, ways: 4)
    cache.policy.clock = UInt32.max - 3  // the wrap happens inside the crafted sequence
    let result = String(crafted.map { line -> Character in
        if cache.lookup(line) != nil { return "h" }
        _ = cache.insert(line)
        return "m"
    })
    #expect(result == "mmmmhmmm")
    #expect(cache.policy.clock < 100)
}
