import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// Memory limits: reclaim order, swap, OOM, memory.high.
@Suite struct ReclaimTests {
    @Test func reclaimTakesPageCacheThenLazyFreeThenSwapsAnon() throws {
        // memory.max 1 MiB = 256 pages; 1 MiB of swap.
        var kernel = makeKernel { $0.memoryMax = 1 * MiB; $0.swapBytes = 1 * MiB }
        try kernel.declareFile(name: "cache", size: 128 * KiB, cachedBytes: 128 * KiB)  // 32 pages
        let lazy = try kernel.mapAnonymous(128 * KiB, at: 0x1000_0000)
        _ = try kernel.touch(address: lazy, length: 128 * KiB, isWrite: true)
        _ = try kernel.advise(address: lazy, length: 128 * KiB, advice: .free)  // 32 lazily free
        let anon = try kernel.mapAnonymous(768 * KiB, at: 0x2000_0000)
        _ = try kernel.touch(address: anon, length: 768 * KiB, isWrite: true)  // 192 pages: at the limit
        #expect(kernel.figures.pageCache == 128 * KiB)
        #expect(kernel.rss == 896 * KiB)

        let more = try kernel.mapAnonymous(384 * KiB, at: 0x3000_0000)
        _ = try kernel.touch(address: more, length: 4 * KiB, isWrite: true)
        #expect(kernel.figures.pageCache == 0)                       // 1. clean page cache
        #expect(kernel.mapping(at: lazy)?.lazyFree == 128 * KiB)    // lazy-free untouched so far
        kernel.expectConsistent()

        _ = try kernel.touch(address: more, length: 132 * KiB, isWrite: true)
        #expect(kernel.mapping(at: lazy)?.rss == 0)                  // 2. lazily freed pages
        #expect(kernel.figures.vmSwap == 0)
        kernel.expectConsistent()

        _ = try kernel.touch(address: more, length: 264 * KiB, isWrite: true)
        #expect(kernel.figures.vmSwap == 128 * KiB)                  // 3. anon to swap, 32 at a time
        #expect(kernel.rss == 226 * 4 * KiB)
        #expect(kernel.mapping(at: anon)?.swap == 128 * KiB)         // lowest addresses first

        // A swapped page comes back with a major fault.
        let back = try kernel.touch(address: anon, length: 1, isWrite: false)
        #expect(back.majorFaults == 1)
        #expect(kernel.figures.vmSwap == 124 * KiB)
        kernel.expectConsistent()
    }

    @Test func mappedFilePagesGoAfterUnmappedOnes() throws {
        var kernel = makeKernel { $0.memoryMax = 512 * KiB }  // 128 pages
        try kernel.declareFile(name: "f", size: 256 * KiB, cachedBytes: 256 * KiB)  // 64 pages
        let file = try kernel.map(length: 128 * KiB, protection: .read, flags: .shared, file: "f",
                                  fileOffset: 0, fixedAddress: nil).value
        _ = try kernel.touch(address: file, length: 128 * KiB, isWrite: false)  // 32 mapped, 32 not
        let anon = try kernel.mapAnonymous(640 * KiB, at: 0x1000_0000)
        _ = try kernel.touch(address: anon, length: 256 * KiB, isWrite: true)   // 64: at the limit
        _ = try kernel.touch(address: anon + 256 * KiB, length: 4 * KiB, isWrite: true)
        #expect(kernel.mapping(at: file)?.rss == 128 * KiB)  // mapped pages kept
        #expect(kernel.figures.pageCache == 128 * KiB)
        _ = try kernel.touch(address: anon + 260 * KiB, length: 128 * KiB, isWrite: true)
        #expect(kernel.mapping(at: file)?.rss == 0)          // then unmapped and dropped
        kernel.expectConsistent()
    }

    @Test func anonymousMemoryOverMemoryMaxWithoutSwapIsOOMKilled() throws {
        var kernel = makeKernel { $0.memoryMax = 1 * MiB }
        try kernel.declareFile(name: "f", size: 256 * KiB, cachedBytes: 256 * KiB)
        let a = try kernel.mapAnonymous(2 * MiB)
        do {
            _ = try kernel.touch(address: a, length: 2 * MiB, isWrite: true)
            Issue.record("no OOM kill")
        } catch {
            #expect(error.kind == .outOfMemory)
            #expect(error.message == "OOM kill: memory.max of 1024 kB reached and nothing reclaimable "
                    + "(RSS 1024 kB, page cache 0 kB, swap 0 kB)")
        }
        #expect(kernel.rss == 1 * MiB)              // all of memory.max, the page cache reclaimed first
        #expect(kernel.figures.pageCache == 0)
        #expect(kernel.figures.vmHWM == 1 * MiB)
        kernel.expectConsistent()
    }

    @Test func memoryHighThrottlesInsteadOfKilling() throws {
        var kernel = makeKernel { $0.memoryHigh = 1 * MiB }
        let a = try kernel.mapAnonymous(2 * MiB)
        let below = try kernel.touch(address: a, length: 1 * MiB, isWrite: true)
        let above = try kernel.touch(address: a + 1 * MiB, length: 4 * KiB, isWrite: true)
        #expect(kernel.rss == 1 * MiB + 4 * KiB)  // exceeded, not killed
        #expect(below.costNs == 256 * 1000)
        #expect(above.costNs == 1000 + 10_000)     // one page over: throttled
        kernel.expectConsistent()
    }

    @Test func copyOnWriteOfAPageReclaimUnmapsIsAFreshWriteFault() throws {
        // 16 pages of memory: the file's 16 cached pages are all mapped, so making room
        // for the COW copy unmaps (and drops) them, including the page being written.
        var kernel = makeKernel { $0.memoryMax = 64 * KiB }
        try kernel.declareFile(name: "f", size: 64 * KiB, cachedBytes: 64 * KiB)
        let p = try kernel.map(length: 64 * KiB, protection: [.read, .write], flags: [], file: "f",
                               fileOffset: 0, fixedAddress: nil).value
        _ = try kernel.touch(address: p, length: 1, isWrite: false)
        #expect(kernel.figures.rssFile == 64 * KiB)
        let write = try kernel.touch(address: p + 8 * KiB, length: 1, isWrite: true)
        #expect(write.majorFaults == 1)  // the page had to be read again
        #expect(kernel.figures.rssAnon == 4 * KiB)
        kernel.expectConsistent()
    }

    @Test func swapIsUsedOnlyUpToItsSize() throws {
        var kernel = makeKernel { $0.memoryMax = 256 * KiB; $0.swapBytes = 128 * KiB }
        let a = try kernel.mapAnonymous(1 * MiB)
        #expect(throws: ModelError.self) { _ = try kernel.touch(address: a, length: 1 * MiB, isWrite: true) }
        #expect(kernel.figures.vmSwap == 128 * KiB)
        #expect(kernel.rss == 256 * KiB)
        kernel.expectConsistent()
    }
}
