import Foundation
import GoMemSimCore
import GoMemSimStore
import Testing

/// A pass over a Go heap buffer crosses page sizes: Go 1.19 leaves the heap's first 2 MiB
/// NOHUGEPAGE and the rest of the 600 MiB buffer in huge pages (example 5-5). Each part
/// must reach the TLB model with its own page size, not the whole range with the smallest.
@Test func aRangeOverMixedPageSizesUsesEachPartsPageSize() throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (db, run) = try CLI.replay(trace: """
        gomemsim-trace 1
        alloc 1 600MiB noscan
        write 1 0 600MiB
        checkpoint "written"
        """, in: directory)
    #expect(run.status == 0, "\(run.stderr)")
    let rows = try query("""
        SELECT page_size, accesses, walks FROM tlb_stats WHERE level = 'STLB' ORDER BY page_size
        """, path: db).rows
    // Walks: one per 4 KiB page of the small-page part, one per huge page of the rest
    // (about 300 of them for 600 MiB), never one per 4 KiB page of the whole buffer.
    guard rows.count == 2, case let .int(smallWalks) = rows[0][2], case let .int(hugeWalks) = rows[1][2] else {
        Issue.record("STLB rows: \(rows)")
        return
    }
    #expect(rows[0][0] == .int(4096) && rows[1][0] == .int(2 << 20))
    #expect(hugeWalks >= 290 && hugeWalks <= 301)
    #expect(smallWalks > 0 && smallWalks <= 2048)  // at most the buffer's first few MiB
}
