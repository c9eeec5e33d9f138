import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// File mappings and the page cache: fault-around, readahead, COW, shared writes.
@Suite struct PageCacheTests {
    @Test func faultAroundMapsOnlyCachedPages() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 1 * MiB, cachedBytes: 40 * KiB)
        let a = try kernel.map(length: 1 * MiB, protection: .read, flags: [], file: "f", fileOffset: 0,
                               fixedAddress: nil).value
        let touch = try kernel.touch(address: a, length: 1, isWrite: false)
        #expect(touch.minorFaults == 1 && touch.majorFaults == 0)
        #expect(kernel.mapping(at: a)?.rss == 40 * KiB)  // 10 cached of the 16-page block
        #expect(touch.costNs == 880 + 9 * 20)
        // Page 12 is not cached: a major fault, readahead, then fault-around maps the
        // rest of the block.
        let major = try kernel.touch(address: a + 48 * KiB, length: 1, isWrite: false)
        #expect(major.majorFaults == 1)
        #expect(kernel.mapping(at: a)?.rss == 64 * KiB)
        kernel.expectConsistent()
    }

    @Test func faultAroundWindowStartsAtAnUnalignedVMAAndStillSpans64KiB() throws {
        // do_fault_around clamps the window's start to the VMA, then spans 16 pages from
        // there: a mapping 40 KiB past a 64 KiB boundary still gets 64 KiB on its first
        // read fault (example 5-3's first read shows 64 KiB whatever the address).
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 1 * MiB, cachedBytes: 1 * MiB)
        let a = try kernel.map(length: 1 * MiB, protection: .read, flags: .shared, file: "f", fileOffset: 0,
                               fixedAddress: 0x1000_0000 + 40 * KiB).value
        #expect(a == 0x1000_0000 + 40 * KiB)
        _ = try kernel.touch(address: a + 5000, length: 1, isWrite: false)
        #expect(kernel.mapping(at: a)?.rss == 64 * KiB)
        // A later fault's window starts at its aligned block: pages 24 to 39 of the VMA.
        _ = try kernel.touch(address: a + 100_000, length: 1, isWrite: false)
        #expect(kernel.mapping(at: a)?.rss == 128 * KiB)
        kernel.expectConsistent()
    }

    @Test func faultAroundStopsAtTheEndOfTheVMA() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 1 * MiB, cachedBytes: 1 * MiB)
        let a = try kernel.map(length: 8 * KiB, protection: .read, flags: [], file: "f", fileOffset: 0,
                               fixedAddress: 0x1000_0000).value
        _ = try kernel.touch(address: a, length: 1, isWrite: false)
        #expect(kernel.mapping(at: a)?.rss == 8 * KiB)
        kernel.expectConsistent()
    }

    @Test func privateFileWriteCopiesAndSharedWriteDirties() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 64 * KiB, cachedBytes: 64 * KiB)
        let p = try kernel.map(length: 64 * KiB, protection: [.read, .write], flags: [], file: "f", fileOffset: 0,
                               fixedAddress: nil).value
        _ = try kernel.touch(address: p, length: 1, isWrite: false)
        #expect(kernel.figures.rssFile == 64 * KiB)
        _ = try kernel.touch(address: p, length: 1, isWrite: true)
        #expect(kernel.figures.rssFile == 60 * KiB)  // the copy is anonymous now
        #expect(kernel.figures.rssAnon == 4 * KiB)
        #expect(kernel.faultCount("minor_cow") == 1)

        let s = try kernel.map(length: 64 * KiB, protection: [.read, .write], flags: .shared, file: "f",
                               fileOffset: 0, fixedAddress: nil).value
        _ = try kernel.touch(address: s + 4 * KiB, length: 1, isWrite: true)
        let shared = try #require(kernel.mapping(at: s))
        #expect(shared.rss == 4 * KiB)
        // Page 1 is mapped by both mappings now: shared, and Pss halves.
        #expect(shared.sharedDirty == 4 * KiB)
        #expect(shared.pss == 2 * KiB)
        #expect(kernel.mapping(at: p)?.sharedDirty == 4 * KiB)  // dirty in the page cache
        #expect(kernel.figures.rssAnon == 4 * KiB)
        kernel.expectConsistent()
    }

    @Test func willNeedReadsIntoThePageCacheWithoutMapping() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 1 * MiB, cachedBytes: 0)
        let a = try kernel.map(length: 1 * MiB, protection: .read, flags: .shared, file: "f", fileOffset: 0,
                               fixedAddress: nil).value
        _ = try kernel.advise(address: a, length: 256 * KiB, advice: .willNeed)
        #expect(kernel.figures.pageCache == 256 * KiB)
        #expect(kernel.rss == 0)
        let touch = try kernel.touch(address: a + 100 * KiB, length: 1, isWrite: false)
        #expect(touch.majorFaults == 0)
        kernel.expectConsistent()
    }

    @Test func dontNeedOnAFileMappingKeepsThePageCache() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 1 * MiB, cachedBytes: 1 * MiB)
        let a = try kernel.map(length: 1 * MiB, protection: .read, flags: .shared, file: "f", fileOffset: 0,
                               fixedAddress: nil).value
        _ = try kernel.touch(address: a, length: 1 * MiB, isWrite: false)
        #expect(kernel.rss == 1 * MiB)
        #expect(kernel.faultCount("minor_file") == 16)  // one fault per 64 KiB block
        _ = try kernel.advise(address: a, length: 1 * MiB, advice: .dontNeed)
        #expect(kernel.rss == 0)
        #expect(kernel.figures.pageCache == 1 * MiB)
        kernel.expectConsistent()
    }

    @Test func accessBeyondTheEndOfTheFileIsSIGBUS() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 10 * KiB, cachedBytes: 10 * KiB)
        let a = try kernel.map(length: 64 * KiB, protection: .read, flags: .shared, file: "f", fileOffset: 0,
                               fixedAddress: nil).value
        _ = try kernel.touch(address: a + 8 * KiB, length: 1, isWrite: false)  // last, partial page: fine
        #expect(kernel.rss == 12 * KiB)
        #expect(throws: ModelError.self) { _ = try kernel.touch(address: a + 12 * KiB, length: 1, isWrite: false) }
        kernel.expectConsistent()
    }
}
