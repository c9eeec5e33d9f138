import GoMemSimCore
@testable import GoMemSimHardware
import Testing

// Caches keep their state in a shared buffer until written (copy on write), and a
// hierarchy updates its caches in place after one check per access that no copy shares
// them. These tests fail if a copy and its original ever see each other's accesses.

/// `count` accesses from `seed`: 4 KiB-page strides and repeats over 64 MiB, a third writes.
private func run(_ hw: inout MemoryHierarchy, seed: UInt64, count: Int) {
    var state = seed
    for _ in 0..<count {
        let r = SplitMix64.next(&state)
        let address = 0x7f00_0000_0000 &+ (r & (64 << 20 - 1))
        _ = hw.access(address: address, length: 8, isWrite: r >> 62 == 0, dependent: r >> 61 & 1 == 0, pageShift: 12)
    }
}

/// Every row the run reports (cache_stats, tlb_stats, latency percentiles) plus the exact
/// modelled totals.
private func figures(_ hw: MemoryHierarchy) -> [[FigureValue]] {
    var rows = ModelRows()
    hw.runRows(into: &rows)
    let t = hw.latencyTotals
    return rows.tables.flatMap { $0.table.rows }
        + [[.int(Int64(t.reads)), .int(Int64(t.writes)), .real(t.readNs), .real(t.writeNs)]]
}

@Test func aCopiedHierarchyAndItsOriginalRunIndependently() throws {
    var original = try MemoryHierarchy(profile: .skylakeSP)
    run(&original, seed: 1, count: 20_000)
    var copy = original  // shares every cache buffer at this point
    run(&copy, seed: 2, count: 20_000)
    run(&original, seed: 3, count: 20_000)

    var expectedOriginal = try MemoryHierarchy(profile: .skylakeSP)
    run(&expectedOriginal, seed: 1, count: 20_000)
    run(&expectedOriginal, seed: 3, count: 20_000)
    var expectedCopy = try MemoryHierarchy(profile: .skylakeSP)
    run(&expectedCopy, seed: 1, count: 20_000)
    run(&expectedCopy, seed: 2, count: 20_000)

    #expect(figures(original) == figures(expectedOriginal))
    #expect(figures(copy) == figures(expectedCopy))
    #expect(figures(original) != figures(copy))
}

@Test func aCopiedCacheKeepsItsOwnLines() {
    var a = Cache<LRUPolicy>(sets: 4, ways: 2)
    for line in UInt64(0)..<8 { _ = a.insert(line, flags: 0) }
    var b = a
    _ = b.insert(100, flags: Cache<LRUPolicy>.dirty)   // set 0: evicts its least recent line, 0, in b only
    b.setFlags(Cache<LRUPolicy>.dirty, at: b.slot(of: 1)!)
    _ = b.invalidate(2)
    #expect(Set(a.lines) == Set(0..<8))
    #expect(a.flags(at: a.slot(of: 1)!) == 0)
    #expect(!b.contains(2) && b.contains(100))
    #expect(a.lookup(0) != nil && b.lookup(0) == nil)  // line 100 evicted set 0's least recent (0) from b
}
