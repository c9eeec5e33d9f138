import Foundation
import GoMemSimCore
import GoMemSimStore
import Testing

/// Cache and TLB counters per checkpoint interval: `checkpoint_cache_stats` holds the
/// counters so far at each checkpoint, `v_cache_intervals` the differences, which add up
/// to the run's `cache_stats`.
@Test func cacheCountersArePerCheckpointInterval() throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    // Interval 1: one pass over 64 KiB (1024 lines, cold: misses or prefetched);
    // interval 2: its last 32 KiB again, still in the 32 KiB L1.
    let (db, run) = try CLI.replay(trace: """
        gomemsim-trace 1
        alloc 1 64KiB noscan
        checkpoint "cold"
        read 1 0 64KiB
        checkpoint "first_pass"
        read 1 32KiB 32KiB
        checkpoint "second_pass"
        """, in: directory)
    #expect(run.status == 0, "\(run.stderr)")

    let intervals = try query("""
        SELECT label, accesses, misses FROM v_cache_intervals WHERE level = 'L1D' ORDER BY seq
        """, path: db).rows
    #expect(intervals.map { $0[0] } == ["cold", "first_pass", "second_pass"].map(FigureValue.text))
    guard intervals.count == 3, case let .int(firstAccesses) = intervals[1][1], case let .int(firstMisses) = intervals[1][2],
          case let .int(secondAccesses) = intervals[2][1], case let .int(secondMisses) = intervals[2][2] else { return }
    #expect(firstAccesses >= 1024 && firstAccesses < 1100)  // 1024 lines, plus page-table entries
    #expect(secondAccesses >= 512 && secondAccesses < 560)  // 32 KiB of 64-byte lines
    #expect(firstMisses > 0)
    // The data is still in L1 (32 KiB); what misses is page-table entries' lines, at
    // most one per 4 KiB page.
    #expect(secondMisses <= 8 && secondMisses < firstMisses)

    // The intervals add up to the run's counters, level by level.
    let sums = try query("""
        SELECT i.level, sum(i.accesses), sum(i.misses), c.accesses, c.misses
        FROM v_cache_intervals i JOIN cache_stats c ON c.run_id = i.run_id AND c.level = i.level
        GROUP BY i.level ORDER BY i.level
        """, path: db).rows
    #expect(!sums.isEmpty)
    for row in sums { #expect(row[1] == row[3] && row[2] == row[4], "\(row)") }
    let tlb = try query("SELECT DISTINCT page_size FROM v_tlb_intervals", path: db).rows
    #expect(tlb.contains([.int(4096)]))
}
