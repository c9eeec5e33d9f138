@testable import GoMemSimHardware
import Testing

/// The walk's paging-structure caches must hit exactly where a one-set LRU cache of as
/// many ways hits (what they were before they got their own structure): 20,000 keys drawn
/// from a few more than fit, so hits, misses and evictions all occur, for 1…64 entries.
/// `spread` 64: keys 64 apart, so many share a low byte (the presence filter's count
/// goes above 1 and back down as they come and go).
@Test(arguments: [1, 2, 3, 4, 5, 16, 31, 32, 33, 64], [1, 64] as [UInt64])
func pagingStructureCacheHitsAsAOneSetLRUCache(entries: Int, spread: UInt64) {
    var psc = PagingStructureCache(entries: entries)
    var reference = Cache<LRUPolicy>(sets: 1, ways: entries)
    var state: UInt64 = UInt64(entries)
    var hits = 0
    for _ in 0..<20_000 {
        let key = SplitMix64.next(&state) % UInt64(entries + entries / 2 + 2) * spread
        let expected = reference.lookup(key) != nil
        if !expected { _ = reference.insert(key) }
        let got = psc.lookup(key)
        if !got { psc.insert(key) }
        #expect(got == expected)
        if got != expected { return }
        if got { hits += 1 }
    }
    #expect(hits > 1_000 && hits < 19_000)  // both outcomes were exercised
    #expect(psc.count == entries)
}

@Test func pagingStructureCacheOfNoEntriesNeverHits() {
    var psc = PagingStructureCache(entries: 0)
    psc.insert(7)
    let hit = psc.lookup(7)
    #expect(!hit)
    let zeroHit = psc.lookup(0)  // no key sits in the unused head slot
    #expect(!zeroHit)
    #expect(psc.count == 0)
}
