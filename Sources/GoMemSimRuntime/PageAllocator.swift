import GoMemSimCore

/// The page allocator (`mpagealloc.go`, Go 1.14+ "scalable page allocator"): a bitmap of
/// 8 KiB runtime pages per 4 MiB chunk (`pallocBits`), a second bitmap of which free
/// pages are scavenged (returned to the OS), and address-ordered first-fit search.
///
/// Go searches with a radix tree of summaries; this model keeps a free-page count per
/// chunk and scans the bitmaps, which finds the same (lowest) address. Free pages
/// coalesce by construction: a run of clear bits is one free range, whoever freed it.
/// Pages are numbered from the heap's base (the first arena, 0xc000000000).
struct PageAllocator {
    /// `pallocChunkPages`.
    static let chunkPages = 512
    static let wordsPerChunk = chunkPages / 64

    // ``UnsafeTable``s, not arrays: written per span made and freed, where each array
    // write kept a copy-on-write uniqueness check (~4 per span made, 3 per span freed,
    // callgrind). The runtime makes a fresh allocator when it starts, so no copy shares them.
    /// Allocation bits, `wordsPerChunk` words per chunk.
    private(set) var allocBits = UnsafeTable<UInt64>()
    /// Scavenged bits; only ever set on free pages.
    private(set) var scavengedBits = UnsafeTable<UInt64>()
    /// Whether the chunk has been added to the heap (`pageAlloc.grow`).
    private(set) var present = UnsafeTable<Bool>()
    private(set) var freePages = UnsafeTable<UInt16>()
    private(set) var freeUnscavengedPages = UnsafeTable<UInt16>()
    /// Lowest chunk that may hold a free page (`searchAddr`).
    private var searchChunk = 0

    var chunkCount: Int { present.count }

    /// Adds chunks `[first, first+count)` as free and scavenged: fresh memory that was
    /// never touched counts as released until used (mheap.go `grow`).
    mutating func grow(firstChunk: Int, count: Int) {
        let end = firstChunk + count
        if present.count < end {
            let extra = end - present.count
            present.append(repeating: false, count: extra)
            freePages.append(repeating: 0, count: extra)
            freeUnscavengedPages.append(repeating: 0, count: extra)
            allocBits.append(repeating: ~0, count: extra * Self.wordsPerChunk)
            scavengedBits.append(repeating: 0, count: extra * Self.wordsPerChunk)
        }
        for ci in firstChunk..<end where !present[ci] {
            present[ci] = true
            freePages[ci] = UInt16(Self.chunkPages)
            for w in 0..<Self.wordsPerChunk {
                allocBits[ci * Self.wordsPerChunk + w] = 0
                scavengedBits[ci * Self.wordsPerChunk + w] = ~0
            }
        }
        searchChunk = min(searchChunk, firstChunk)
    }

    /// First fit: the lowest page index starting `npages` free pages, if any.
    func find(_ npages: Int) -> Int? {
        if npages == 1 { return findOne() }
        var runStart = 0
        var runLength = 0
        var ci = searchChunk
        while ci < present.count {
            defer { ci += 1 }
            guard present[ci], freePages[ci] != 0 else { runLength = 0; continue }
            let chunkBase = ci * Self.chunkPages
            if Int(freePages[ci]) == Self.chunkPages {
                if runLength == 0 { runStart = chunkBase }
                runLength += Self.chunkPages
                if runLength >= npages { return runStart }
                continue
            }
            for w in 0..<Self.wordsPerChunk {
                let word = allocBits[ci * Self.wordsPerChunk + w]
                let wordBase = chunkBase + w * 64
                if word == 0 {
                    if runLength == 0 { runStart = wordBase }
                    runLength += 64
                    if runLength >= npages { return runStart }
                    continue
                }
                if word == ~0 { runLength = 0; continue }
                var bit = 0
                while bit < 64 {
                    let rest = word >> UInt64(bit)
                    if rest & 1 != 0 {
                        bit += (~rest).trailingZeroBitCount
                        runLength = 0
                    } else {
                        let zeros = min(rest.trailingZeroBitCount, 64 - bit)
                        if runLength == 0 { runStart = wordBase + bit }
                        runLength += zeros
                        if runLength >= npages { return runStart }
                        bit += zeros
                    }
                }
            }
        }
        return nil
    }

    /// ``find(_:)`` for one page (most size classes' spans): the first word of the first
    /// chunk with a free page holds the lowest free page. Same answer as the run search,
    /// without its run bookkeeping.
    func findOne() -> Int? {
        var ci = searchChunk
        while ci < present.count {
            if present[ci], freePages[ci] != 0 {
                let first = ci * Self.wordsPerChunk
                for w in first..<first + Self.wordsPerChunk where allocBits[w] != ~0 {
                    return w << 6 + (~allocBits[w]).trailingZeroBitCount
                }
            }
            ci += 1
        }
        return nil
    }

    /// ``find(_:)`` of one page then ``allocate(page:count:)`` of it, in one pass (most
    /// size classes' spans are one page): the page and whether it was scavenged, or nil
    /// when no page is free.
    mutating func allocateOne() -> (page: Int, scavenged: Bool)? {
        var ci = searchChunk
        while ci < present.count {
            if present[ci], freePages[ci] != 0 {
                let first = ci * Self.wordsPerChunk
                for w in first..<first + Self.wordsPerChunk where allocBits[w] != ~0 {
                    let bit = (~allocBits[w]).trailingZeroBitCount, mask = UInt64(1) << UInt64(bit)
                    allocBits[w] |= mask
                    freePages[ci] -= 1
                    let scavenged = scavengedBits[w] & mask != 0
                    if scavenged { scavengedBits[w] &= ~mask } else { freeUnscavengedPages[ci] -= 1 }
                    advanceSearchChunk()
                    return (w << 6 + bit, scavenged)
                }
            }
            ci += 1
        }
        return nil
    }

    /// Marks `[page, page+npages)` allocated; returns how many of them were scavenged
    /// (they must be `sysUsed` and leave `heapReleased`).
    /// The pages must be free (``find(_:)`` found them).
    mutating func allocate(page: Int, count npages: Int) -> Int {
        var scavenged = 0
        var p = page
        let end = page + npages
        while p < end {
            // Written out rather than through ``forEachWord``: the counts were a software
            // popcount (~220 instructions per span with the arrays' uniqueness checks,
            // callgrind). The pages are free, so the free count drops by the word's
            // pages, the free-unscavenged count by those not scavenged.
            let (word, n, mask, ci) = Self.wordPiece(from: p, to: end)
            let scavengedBitsHere = scavengedBits[word] & mask
            let scavengedHere = scavengedBitsHere == 0 ? 0 : scavengedBitsHere.nonzeroBitCount
            scavenged += scavengedHere
            freeUnscavengedPages[ci] -= UInt16(n - scavengedHere)
            freePages[ci] -= UInt16(n)
            allocBits[word] |= mask
            if scavengedBitsHere != 0 { scavengedBits[word] &= ~mask }
            p += n
        }
        advanceSearchChunk()
        return scavenged
    }

    /// Moves ``searchChunk`` past chunks without a free page.
    @inline(__always)
    private mutating func advanceSearchChunk() {
        while searchChunk < present.count && (!present[searchChunk] || freePages[searchChunk] == 0) {
            searchChunk += 1
        }
    }

    /// Marks `[page, page+npages)` free and unscavenged (`pageAlloc.free`).
    /// The pages must be allocated.
    mutating func free(page: Int, count npages: Int) {
        if npages == 1 {
            // One page (most spans): one bit, no word loop.
            let ci = page / Self.chunkPages
            allocBits[page >> 6] &= ~(UInt64(1) << UInt64(page & 63))
            freePages[ci] += 1
            freeUnscavengedPages[ci] += 1
            searchChunk = min(searchChunk, ci)
            return
        }
        var p = page
        let end = page + npages
        while p < end {
            // As in ``allocate(page:count:)``: the word's `n` pages were allocated, so
            // both free counts grow by `n` (no popcount).
            let (word, n, mask, ci) = Self.wordPiece(from: p, to: end)
            allocBits[word] &= ~mask
            freePages[ci] += UInt16(n)
            freeUnscavengedPages[ci] += UInt16(n)
            p += n
        }
        searchChunk = min(searchChunk, page / Self.chunkPages)
    }

    /// Marks free pages `[page, page+npages)` scavenged.
    mutating func markScavenged(page: Int, count npages: Int) {
        Self.forEachWord(page: page, count: npages) { word, mask, ci in
            freeUnscavengedPages[ci] -= UInt16((mask & ~scavengedBits[word]).nonzeroBitCount)
            scavengedBits[word] |= mask
        }
    }

    func isFreeUnscavenged(_ page: Int) -> Bool {
        let word = page / 64
        let bit = UInt64(1) << UInt64(page % 64)
        return allocBits[word] & bit == 0 && scavengedBits[word] & bit == 0
    }

    /// `findScavengeCandidate` (mgcscavenge.go): the highest run of free, unscavenged
    /// pages in chunk `ci` below page index `limit` (chunk-relative) — a run that
    /// continues above `limit` counts only below it; take at most
    /// `maxPages` from its top, but if that range crosses a huge-page boundary and the
    /// run covers the whole huge page below, take the whole huge page instead, so that
    /// releasing never breaks a huge page the run fully owns.
    func scavengeCandidate(chunk ci: Int, below limit: Int = chunkPages, maxPages: Int,
                           pagesPerHugePage: Int) -> (start: Int, count: Int)? {
        guard ci < present.count, present[ci], freeUnscavengedPages[ci] != 0 else { return nil }
        let base = ci * Self.chunkPages
        var end = min(limit, Self.chunkPages)
        while end > 0 && !isFreeUnscavenged(base + end - 1) { end -= 1 }
        guard end > 0 else { return nil }
        var runStart = end - 1
        while runStart > 0 && isFreeUnscavenged(base + runStart - 1) { runStart -= 1 }
        let run = end - runStart
        var size = min(run, maxPages)
        var start = end - size
        if pagesPerHugePage > 1 {
            let hugePageAbove = (start + pagesPerHugePage - 1) / pagesPerHugePage * pagesPerHugePage
            if hugePageAbove <= end {
                let hugePageBelow = start / pagesPerHugePage * pagesPerHugePage
                if hugePageBelow >= end - run {
                    size += start - hugePageBelow
                    start = hugePageBelow
                }
            }
        }
        return (base + start, size)
    }

    /// Counts for the invariant checker: (allocated, free unscavenged, free scavenged).
    func pageCounts() -> (allocated: Int, freeUnscavenged: Int, scavenged: Int, overlap: Int) {
        var allocated = 0, freeUnscav = 0, scav = 0, overlap = 0
        for ci in 0..<present.count where present[ci] {
            for w in 0..<Self.wordsPerChunk {
                let a = allocBits[ci * Self.wordsPerChunk + w]
                let s = scavengedBits[ci * Self.wordsPerChunk + w]
                allocated += a.nonzeroBitCount
                scav += s.nonzeroBitCount
                freeUnscav += (~a & ~s).nonzeroBitCount
                overlap += (a & s).nonzeroBitCount
            }
        }
        return (allocated, freeUnscav, scav, overlap)
    }

    func chunkSummary(_ ci: Int) -> (free: Int, freeUnscavenged: Int) {
        (Int(freePages[ci]), Int(freeUnscavengedPages[ci]))
    }

    @inline(__always)
    private static func forEachWord(page: Int, count npages: Int, _ body: (Int, UInt64, Int) -> Void) {
        var p = page
        let end = page + npages
        while p < end {
            let (word, n, mask, ci) = wordPiece(from: p, to: end)
            body(word, mask, ci)
            p += n
        }
    }

    /// The pages of `[p, end)` that lie in page `p`'s bitmap word: the word, how many
    /// pages, their bits, and their chunk (a word never spans two chunks).
    @inline(__always)
    private static func wordPiece(from p: Int, to end: Int) -> (word: Int, count: Int, mask: UInt64, chunk: Int) {
        let bit = p & 63
        let n = min(64 - bit, end - p)
        let mask: UInt64 = n == 64 ? ~0 : ((UInt64(1) << UInt64(n)) &- 1) << UInt64(bit)
        return (p >> 6, n, mask, p / chunkPages)
    }
}
