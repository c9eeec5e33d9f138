import GoMemSimCore
@testable import GoMemSimHardware
import Testing

@Test func exclusiveLevelHoldsVictimsAndAddsItsCapacity() throws {
    // L1 one line, L2 two lines. A B C A: an inclusive/non-inclusive L2 holds B and C when
    // A comes back (a miss); an exclusive L2 holds the L1 victims A and B (a hit).
    func l2Hits(_ inclusion: Inclusion) throws -> UInt64 {
        var hw = try MemoryHierarchy(profile: TestProfiles.twoLevel(l1Lines: 1, l2Lines: 2, l2Inclusion: inclusion))
        let before = hw.warmed()
        for line: UInt64 in [0, 1, 2, 0] { hw.touchLine(line) }
        return hw.cacheCounters[1].hits - before[1].hits
    }
    #expect(try l2Hits(.exclusive) == 1)
    #expect(try l2Hits(.inclusive) == 0)
    #expect(try l2Hits(.nonInclusive) == 0)
}

@Test func inclusiveLevelBackInvalidatesTheLevelAbove() throws {
    // L1 and L2 two lines each. A B A C A: A's L1 hit leaves it least recent in L2, so C
    // evicts it from L2; inclusion removes it from L1 too and the last A misses there.
    func l1Hits(_ inclusion: Inclusion) throws -> UInt64 {
        var hw = try MemoryHierarchy(profile: TestProfiles.twoLevel(l1Lines: 2, l2Lines: 2, l2Inclusion: inclusion))
        let before = hw.warmed()
        for line: UInt64 in [0, 1, 0, 2, 0] { hw.touchLine(line) }
        return hw.cacheCounters[0].hits - before[0].hits
    }
    #expect(try l1Hits(.inclusive) == 1)
    #expect(try l1Hits(.nonInclusive) == 2)
}

@Test func writeBackCountsDirtyEvictionsAtEachLevel() throws {
    // write A, read B (L1 evicts dirty A: writeback into L2), read C (L2 evicts dirty A: writeback to DRAM).
    var hw = try MemoryHierarchy(profile: TestProfiles.twoLevel(l1Lines: 1, l2Lines: 2))
    let before = hw.warmed()
    hw.touchLine(0, write: true)
    hw.touchLine(1)
    hw.touchLine(2)
    #expect(hw.cacheCounters[0].writebacks - before[0].writebacks == 1)
    #expect(hw.cacheCounters[1].writebacks - before[1].writebacks == 1)

    // Write-through L1 never holds dirty lines; the write dirties L2 instead.
    var wt = try MemoryHierarchy(profile: TestProfiles.twoLevel(l1Lines: 1, l2Lines: 2, l1Write: .writeThrough))
    let wtBefore = wt.warmed()
    wt.touchLine(0, write: true)
    wt.touchLine(1)
    wt.touchLine(2)
    #expect(wt.cacheCounters[0].writebacks - wtBefore[0].writebacks == 0)
    #expect(wt.cacheCounters[1].writebacks - wtBefore[1].writebacks == 1)
}

@Test func accessesThatStraddleLinesAreSplit() throws {
    var hw = try MemoryHierarchy(profile: .tiny)
    _ = hw.access(address: 0x10000 + 60, length: 8, isWrite: false, dependent: true, pageShift: 12)
    var l1 = hw.cacheCounters[0]
    let walkReads = l1.accesses - 2  // the page walk's reads went through L1 too
    #expect(l1.misses == walkReads + 2)
    // A 4 KiB range is a sequential pass over 64 lines.
    let before = hw.cacheCounters[0].accesses
    _ = hw.access(address: 0x20000, length: 4096, isWrite: true, dependent: false, pageShift: 21)
    l1 = hw.cacheCounters[0]
    #expect(l1.accesses - before >= 64)
    let (reads, _, writes, _) = hw.latencyTotals
    #expect(reads == 2 && writes == 64)
}

@Test func hugePagesCutTLBMissesOnAPageStride() throws {
    // 64 pages 4 KiB apart, twice: with 4 KiB pages every access misses the 8-entry dTLB and
    // the 32-entry STLB (64 pages cycle through LRU sets); in one 2 MiB page only the first misses.
    func run(pageShift: UInt8) throws -> (dtlbMisses: UInt64, walks: UInt64) {
        var hw = try MemoryHierarchy(profile: .tiny)
        for _ in 0..<2 {
            for page: UInt64 in 0..<64 {
                _ = hw.access(address: 0x4000_0000 + page * 4096, length: 8, isWrite: false, dependent: true,
                              pageShift: pageShift)
            }
        }
        let d = hw.tlbCounters(level: .dTLB, pageShift: pageShift)
        let s = hw.tlbCounters(level: .STLB, pageShift: pageShift)
        #expect(d.accesses == 128)
        return (d.misses, s.walks)
    }
    let small = try run(pageShift: 12)
    let huge = try run(pageShift: 21)
    #expect(small.dtlbMisses == 128 && small.walks == 128)
    #expect(huge.dtlbMisses == 1 && huge.walks == 1)
}

@Test func missesAreClassifiedIntoThreeCs() throws {
    // One set of 2 lines per set... L1 here: 2 sets x 1 way (128 B). Lines 0 and 2 share set 0:
    // 0 2 0 2 -> compulsory, compulsory, conflict, conflict (a 2-line fully associative cache hits).
    var p = TestProfiles.twoLevel(l1Lines: 1, l2Lines: 64)
    p.hardware.caches[0] = CacheLevelProfile(name: "L1D", sizeBytes: 128, ways: 1, latencyCycles: 1)
    var hw = try MemoryHierarchy(profile: p, classifyMisses: true)
    let before = hw.warmed()
    for line: UInt64 in [0, 2, 0, 2] { hw.touchLine(line) }
    let c = hw.cacheCounters[0]
    #expect(c.compulsory - before[0].compulsory == 2)
    #expect(c.conflict - before[0].conflict == 2)
    // 0 1 2 4 0 over 2 lines: the return to 0 misses any 2-line cache: capacity.
    let mid = hw.cacheCounters[0]
    for line: UInt64 in [8, 9, 10, 8] { hw.touchLine(line) }
    #expect(hw.cacheCounters[0].capacity - mid.capacity == 1)
    var rows = ModelRows()
    hw.runRows(into: &rows)
    #expect(rows.tables.map(\.name) == ["cache_stats", "tlb_stats", "latency"])
    #expect(rows.tables[0].table.columns == ["level", "accesses", "hits", "misses", "evictions", "writebacks",
                                             "compulsory", "capacity", "conflict", "prefetches", "prefetch_hits"])
    #expect(rows.tables[1].table.columns == ["level", "page_size", "accesses", "hits", "misses", "walks", "walk_cycles"])
    #expect(rows.tables[2].table.columns == ["op", "count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns"])
}
