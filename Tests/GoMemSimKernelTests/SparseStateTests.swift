import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// The model's own memory follows touched pages, not virtual size.
@Suite struct SparseStateTests {
    @Test func terabyteReservationCostsOnlyItsTouchedPages() throws {
        var kernel = makeKernel()
        let a = try kernel.mapAnonymous(1 << 40)
        let empty = kernel.stateFootprintBytes
        #expect(empty < 4096)
        var rng: UInt64 = 0x9E37_79B9
        var pages = Set<UInt64>()
        for _ in 0..<20_000 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407  // seeded LCG
            let page = (rng >> 24) % ((1 << 40) >> 12)
            pages.insert(page)
            _ = try kernel.touch(address: a + page << 12, length: 8, isWrite: true)
        }
        #expect(kernel.rss == UInt64(pages.count) * 4096)
        // ≤ 2 table slots per entry × 16 B × 2 tables per touched page, with headroom.
        #expect(kernel.stateFootprintBytes < pages.count * 200)
        _ = try kernel.unmap(address: a, length: 1 << 40)
        #expect(kernel.rss == 0)
        kernel.expectConsistent()
    }

    @Test func sameOperationsGiveTheSameFigures() throws {
        func run() throws -> ([MappingFigures], MemoryFigures) {
            var kernel = makeKernel { $0.memoryMax = 2 * MiB; $0.swapBytes = 8 * MiB }
            let a = try kernel.mapAnonymous(8 * MiB)
            for i in stride(from: UInt64(0), to: 8 * MiB, by: Int(12 * KiB)) {
                _ = try kernel.touch(address: a + i, length: 1, isWrite: true)
            }
            return (kernel.mappings(), kernel.figures)
        }
        let first = try run(), second = try run()
        #expect(first.0 == second.0 && first.1 == second.1)
        #expect(first.1.vmSwap! > 0)
    }
}

@Suite struct PageCacheStateTests {
    @Test func aLargeFileCostsLittleUntilItsPagesChange() throws {
        var kernel = makeKernel { $0.memoryMax = 1 * MiB }
        try kernel.declareFile(name: "huge.db", size: 1 << 40, cachedBytes: 1 * MiB)  // 1 TiB, warm head
        #expect(kernel.stateFootprintBytes < 1 * Int(MiB))
        #expect(kernel.figures.pageCache == 1 * MiB)
        // Reading at the far end must evict the cached head (the CLOCK scan skips the
        // never-touched middle instead of walking 268 M pages).
        let a = try kernel.map(length: 64 * KiB, protection: .read, flags: .shared, file: "huge.db",
                               fileOffset: (1 << 40) - 64 * KiB, fixedAddress: nil).value
        let touch = try kernel.touch(address: a + 60 * KiB, length: 1, isWrite: false)
        #expect(touch.majorFaults == 1)
        #expect(kernel.mapping(at: a)?.rss == 64 * KiB)
        // Readahead read the 17 pages from 16 before the fault to the end of the file;
        // reclaim freed a batch of 32 head pages for them.
        #expect(kernel.figures.pageCache == (256 - 32 + 17) * 4 * KiB)
        kernel.expectConsistent()
    }
}
