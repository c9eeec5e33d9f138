import Testing
@testable import GoMemSimRuntime

/// The page allocator's counts as pages are allocated over free runs that are partly
/// scavenged and cross bitmap words.
@Suite struct PageAllocatorTests {
    @Test func allocateCountsScavengedAndFreePages() {
        var pages = PageAllocator()
        pages.grow(firstChunk: 0, count: 1)  // 512 free pages, all scavenged (fresh)
        #expect(pages.allocate(page: 0, count: 8) == 8)
        #expect(pages.chunkSummary(0) == (free: 504, freeUnscavenged: 0))
        pages.free(page: 0, count: 8)  // freed pages are backed
        #expect(pages.chunkSummary(0) == (free: 512, freeUnscavenged: 8))
        pages.markScavenged(page: 2, count: 2)
        #expect(pages.chunkSummary(0) == (free: 512, freeUnscavenged: 6))
        // Pages 0…69 over two words: 2, 3 and 8…69 scavenged, 0, 1, 4…7 not.
        #expect(pages.allocate(page: 0, count: 70) == 64)
        #expect(pages.chunkSummary(0) == (free: 442, freeUnscavenged: 0))
        let counts = pages.pageCounts()
        #expect(counts.allocated == 70)
        #expect(counts.freeUnscavenged == 0)
        #expect(counts.scavenged == 442)
        #expect(counts.overlap == 0)
        #expect(pages.find(1) == 70)
        // A whole word of backed pages.
        pages.free(page: 0, count: 64)
        #expect(pages.chunkSummary(0) == (free: 506, freeUnscavenged: 64))
        #expect(pages.allocate(page: 0, count: 64) == 0)
        #expect(pages.chunkSummary(0) == (free: 442, freeUnscavenged: 0))
    }
}
