import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// Transparent huge pages: only 2 MiB-aligned ranges wholly inside an eligible VMA.
@Suite struct TransparentHugePageTests {
    @Test func onlyAlignedRangesOfAnAdvisedRegionGetHugePages() throws {
        var kernel = makeKernel()  // enabled=madvise
        // A 600 MiB region starting 4 KiB past a 2 MiB boundary.
        let a = try kernel.mapAnonymous(600 * MiB, at: 0xc0_0000_1000)
        _ = try kernel.advise(address: a, length: 600 * MiB, advice: .hugePage)
        let touch = try kernel.touch(address: a, length: 600 * MiB, isWrite: true)
        let m = try #require(kernel.mapping(at: a))
        #expect(m.rss == 600 * MiB)
        // Interior chunks 0xc000200000…0xc025800000: 299 huge pages; the 511-page head
        // and the 1-page tail are 4 KiB pages.
        #expect(m.anonHugePages == 598 * MiB)
        #expect(kernel.faultCount("thp") == 299)
        #expect(kernel.faultCount("minor_anon") == 512)
        #expect(touch.pageShift == 12)  // mixed: the smallest
        #expect(touch.costNs == 299 * (880 + 512 * 120) + 512 * (880 + 120))
        // An access inside the interior is backed by a 2 MiB page.
        #expect(try kernel.touch(address: a + 100 * MiB, length: 64, isWrite: false).pageShift == 21)
        kernel.expectConsistent()
    }

    @Test(arguments: [KernelConfig.THPMode.always, .madvise, .never])
    func modeDecidesEligibilityWithoutAdvice(mode: KernelConfig.THPMode) throws {
        var kernel = makeKernel { $0.thpMode = mode }
        let a = try kernel.mapAnonymous(8 * MiB, at: 0xc0_0000_0000)
        let b = try kernel.mapAnonymous(8 * MiB, at: 0xd0_0000_0000)
        _ = try kernel.advise(address: b, length: 8 * MiB, advice: .noHugePage)
        _ = try kernel.touch(address: a, length: 8 * MiB, isWrite: true)
        _ = try kernel.touch(address: b, length: 8 * MiB, isWrite: true)
        #expect(kernel.mapping(at: a)?.anonHugePages == (mode == .always ? 8 * MiB : 0))
        #expect(kernel.mapping(at: b)?.anonHugePages == 0)  // nohugepage: never
        #expect(kernel.rss == 16 * MiB)
        kernel.expectConsistent()
    }

    @Test func oneByteFaultsInTwoMebibytes() throws {
        var kernel = makeKernel { $0.thpMode = .always }
        let a = try kernel.mapAnonymous(4 * MiB, at: 0xc0_0000_0000)
        let touch = try kernel.touch(address: a + 5, length: 1, isWrite: true)
        #expect(touch.pageShift == 21 && touch.minorFaults == 1)
        #expect(kernel.rss == 2 * MiB)  // transhuge.rst's warning: 1 byte, 2 MiB RSS
        #expect(kernel.figures.rssAnon == 2 * MiB)
        kernel.expectConsistent()
    }

    @Test func readMapsHugeZeroPageAndWriteSplitsIt() throws {
        var kernel = makeKernel { $0.thpMode = .always }
        let a = try kernel.mapAnonymous(2 * MiB, at: 0xc0_0000_0000)
        let read = try kernel.touch(address: a, length: 2 * MiB, isWrite: false)
        #expect(read.minorFaults == 1 && read.pageShift == 21)
        #expect(kernel.rss == 0)
        _ = try kernel.touch(address: a + 4 * KiB, length: 1, isWrite: true)
        #expect(kernel.rss == 4 * KiB)  // the PMD was split; one 4 KiB copy
        #expect(kernel.mapping(at: a)?.anonHugePages == 0)
        #expect(kernel.faultCount("minor_cow") == 1)
        kernel.expectConsistent()
    }

    @Test func partialDontNeedSplitsAndTheRangeStaysSmall() throws {
        var kernel = makeKernel { $0.thpMode = .always }
        let a = try kernel.mapAnonymous(4 * MiB, at: 0xc0_0000_0000)
        _ = try kernel.touch(address: a, length: 4 * MiB, isWrite: true)
        #expect(kernel.mapping(at: a)?.anonHugePages == 4 * MiB)

        _ = try kernel.advise(address: a + 64 * KiB, length: 64 * KiB, advice: .dontNeed)
        #expect(kernel.rss == 4 * MiB - 64 * KiB)  // the other 4 KiB pages stay resident
        #expect(kernel.mapping(at: a)?.anonHugePages == 2 * MiB)
        // The split range has a page table now: refaults are 4 KiB.
        _ = try kernel.touch(address: a + 64 * KiB, length: 64 * KiB, isWrite: true)
        #expect(kernel.faultCount("minor_anon") == 16)
        #expect(kernel.mapping(at: a)?.anonHugePages == 2 * MiB)

        // A DONTNEED of a whole huge page drops the PMD: the next fault is huge again.
        _ = try kernel.advise(address: a + 2 * MiB, length: 2 * MiB, advice: .dontNeed)
        #expect(kernel.rss == 2 * MiB)
        _ = try kernel.touch(address: a + 3 * MiB, length: 1, isWrite: true)
        #expect(kernel.faultCount("thp") == 3)
        #expect(kernel.rss == 4 * MiB)
        kernel.expectConsistent()
    }

    @Test func mprotectInsideAHugePageSplitsIt() throws {
        var kernel = makeKernel { $0.thpMode = .always }
        let a = try kernel.mapAnonymous(2 * MiB, at: 0xc0_0000_0000)
        _ = try kernel.touch(address: a, length: 1, isWrite: true)
        _ = try kernel.protect(address: a + 1 * MiB, length: 1 * MiB, protection: .read)
        #expect(kernel.mappingCount == 2)
        #expect(kernel.rss == 2 * MiB)
        #expect(kernel.mappings().map(\.anonHugePages) == [0, 0])
        kernel.expectConsistent()
    }

    @Test func defragNeverFallsBackToSmallPagesWhenMemoryIsShort() throws {
        var kernel = makeKernel { $0.thpMode = .always; $0.thpDefrag = .never; $0.memoryMax = 3 * MiB }
        try kernel.declareFile(name: "cache", size: 2 * MiB, cachedBytes: 2 * MiB)  // 2 MiB of page cache
        let a = try kernel.mapAnonymous(2 * MiB, at: 0xc0_0000_0000)
        _ = try kernel.touch(address: a, length: 4 * KiB, isWrite: true)
        #expect(kernel.mapping(at: a)?.anonHugePages == 0)
        #expect(kernel.rss == 4 * KiB)
        kernel.expectConsistent()
    }
}
