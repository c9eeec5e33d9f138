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

    /// The lowest free page of present chunks, bit by bit: what first fit must find.
    func lowestFreePage(_ pages: PageAllocator) -> Int? {
        for ci in 0..<pages.chunkCount where pages.present[ci] {
            for p in ci * PageAllocator.chunkPages..<(ci + 1) * PageAllocator.chunkPages
            where pages.allocBits[p >> 6] & (1 << UInt64(p & 63)) == 0 {
                return p
            }
        }
        return nil
    }

    /// One-page spans take the lowest free page in one pass
    /// (``PageAllocator/allocateOne()``): the lowest free page, found bit by bit, and the
    /// same scavenged count and chunk counts as ``PageAllocator/find(_:)`` then
    /// ``PageAllocator/allocate(page:count:)``, over chunks (the second added first, then
    /// a fourth above an absent third) fragmented by frees and scavenging, as the search
    /// start moves up past full chunks and back down on frees and growth.
    @Test func allocateOneMatchesTheRunSearch() {
        var one = PageAllocator(), runs = PageAllocator()
        one.grow(firstChunk: 1, count: 1)
        runs.grow(firstChunk: 1, count: 1)
        one.grow(firstChunk: 0, count: 1)
        runs.grow(firstChunk: 0, count: 1)
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var taken: [Int] = []
        for step in 0..<3000 {
            if step == 1500 {
                // A chunk added above an absent one, below the search start.
                one.grow(firstChunk: 3, count: 1)
                runs.grow(firstChunk: 3, count: 1)
            }
            switch next(10) {
            case 0..<6:
                let expected = lowestFreePage(runs)
                let page = runs.find(1)
                #expect(page == expected, "step \(step)")
                let got = one.allocateOne()
                #expect(got?.page == expected, "step \(step)")
                if let page {
                    let scavenged = runs.allocate(page: page, count: 1)
                    #expect((got?.scavenged ?? false) == (scavenged == 1), "step \(step)")
                    taken.append(page)
                }
            case 6..<9 where !taken.isEmpty:
                let page = taken.remove(at: next(taken.count))
                one.free(page: page, count: 1)
                runs.free(page: page, count: 1)
            default:
                // Scavenge a free page, if it is one.
                let page = next(2 * PageAllocator.chunkPages)
                if runs.allocBits[page >> 6] & (1 << UInt64(page & 63)) == 0 {
                    one.markScavenged(page: page, count: 1)
                    runs.markScavenged(page: page, count: 1)
                }
            }
            #expect(one.chunkSummary(0) == runs.chunkSummary(0) && one.chunkSummary(1) == runs.chunkSummary(1))
        }
        #expect(one.pageCounts() == runs.pageCounts())
        // Full: no page (the search start moved past both chunks), until one is freed.
        while one.allocateOne() != nil {}
        #expect(one.find(1) == nil && one.chunkSummary(0).free == 0 && one.chunkSummary(3).free == 0)
        one.free(page: 700, count: 1)
        #expect(one.allocateOne()?.page == 700)
        one.free(page: 3, count: 1)
        #expect(one.find(1) == 3)
    }
}
