import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// VMAs: placement, split and merge.
@Suite struct AddressSpaceTests {
    @Test func mprotectInTheMiddleSplitsIntoThreeAndBackMerges() throws {
        var kernel = makeKernel()
        let a = try kernel.mapAnonymous(40 * KiB)
        _ = try kernel.touch(address: a, length: 40 * KiB, isWrite: true)
        _ = try kernel.protect(address: a + 12 * KiB, length: 8 * KiB, protection: .read)
        #expect(kernel.mappingCount == 3)
        let middle = try #require(kernel.mapping(at: a + 12 * KiB))
        #expect(middle.start == a + 12 * KiB && middle.size == 8 * KiB)
        #expect(middle.permissions == "r--p")
        #expect(middle.rss == 8 * KiB)  // pages stay resident across mprotect
        kernel.expectConsistent()
        _ = try kernel.protect(address: a + 12 * KiB, length: 8 * KiB, protection: [.read, .write])
        #expect(kernel.mappingCount == 1)
        #expect(kernel.mapping(at: a)?.size == 40 * KiB)
        #expect(kernel.mapping(at: a)?.rss == 40 * KiB)
        kernel.expectConsistent()
    }

    @Test func madviseHugePageSplitsAndSetsVmFlags() throws {
        var kernel = makeKernel()
        let a = try kernel.mapAnonymous(10 * MiB)
        _ = try kernel.advise(address: a + 2 * MiB, length: 4 * MiB, advice: .hugePage)
        let maps = kernel.mappings()
        #expect(maps.map(\.size) == [2 * MiB, 4 * MiB, 4 * MiB])
        #expect(maps.map(\.vmFlags) == ["rd wr mr mw me ac", "rd wr mr mw me ac hg", "rd wr mr mw me ac"])
        // DONTNEED does not split a VMA.
        _ = try kernel.advise(address: a + 1 * MiB, length: 4 * KiB, advice: .dontNeed)
        #expect(kernel.mappingCount == 3)
        _ = try kernel.advise(address: a + 2 * MiB, length: 4 * MiB, advice: .noHugePage)
        #expect(kernel.mappings().map(\.vmFlags)[1] == "rd wr mr mw me ac nh")
        kernel.expectConsistent()
    }

    @Test func adjacentArenasMergeLikeGoHeapArenas() throws {
        var kernel = makeKernel()
        let first = try kernel.mapAnonymous(64 * MiB, at: 0xc0_0000_0000, protection: .none)
        let second = try kernel.mapAnonymous(64 * MiB, at: 0xc0_0400_0000, protection: .none)
        #expect(second == first + 64 * MiB)
        #expect(kernel.mappingCount == 1)
        // A hint that overlaps an existing mapping is not used.
        let third = try kernel.mapAnonymous(4 * KiB, at: 0xc0_0000_0000)
        #expect(third != 0xc0_0000_0000)
        #expect(third < 0x7f00_0000_0000 && third >= 0x7f00_0000_0000 - 4 * KiB)  // top-down below mmap_base
        let fourth = try kernel.mapAnonymous(4 * KiB, protection: .read)
        #expect(fourth == third - 4 * KiB)
        #expect(kernel.mappingCount == 3)  // different protection: no merge
        kernel.expectConsistent()
    }

    @Test func fileMappingsMergeOnlyWithContiguousOffsets() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "f", size: 1 * MiB, cachedBytes: 1 * MiB)
        let a = try kernel.map(length: 64 * KiB, protection: .read, flags: [], file: "f", fileOffset: 0,
                               fixedAddress: 0x1000_0000).value
        _ = try kernel.map(length: 64 * KiB, protection: .read, flags: [], file: "f", fileOffset: 64 * KiB,
                           fixedAddress: a + 64 * KiB)
        #expect(kernel.mappingCount == 1)
        _ = try kernel.map(length: 64 * KiB, protection: .read, flags: [], file: "f", fileOffset: 512 * KiB,
                           fixedAddress: a + 128 * KiB)
        #expect(kernel.mappingCount == 2)
        // munmap in the middle splits, with the right file offset for the tail.
        _ = try kernel.unmap(address: a + 16 * KiB, length: 16 * KiB)
        #expect(kernel.mappingCount == 3)
        _ = try kernel.touch(address: a + 32 * KiB, length: 1, isWrite: false)
        // The window starts at the VMA (a + 32 KiB) and spans 16 pages inside it.
        #expect(kernel.mapping(at: a + 32 * KiB)?.rss == 64 * KiB)
        kernel.expectConsistent()
    }

    @Test func munmapOfNothingMappedIsInvalidAndPartialMunmapKeepsTheRest() throws {
        var kernel = makeKernel()
        #expect(throws: ModelError.self) { _ = try kernel.unmap(address: 0x1000_0000, length: 4096) }
        let a = try kernel.mapAnonymous(1 * MiB)
        _ = try kernel.touch(address: a, length: 1 * MiB, isWrite: true)
        _ = try kernel.unmap(address: a + 256 * KiB, length: 512 * KiB)
        #expect(kernel.mappingCount == 2)
        #expect(kernel.rss == 512 * KiB)
        #expect(kernel.figures.vmSize == 512 * KiB)
        #expect(kernel.figures.vmHWM == 1 * MiB)
        kernel.expectConsistent()
    }

    @Test func checkpointRowsHaveTheSmapsColumns() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "data.bin", size: 64 * KiB, cachedBytes: 64 * KiB)
        let a = try kernel.mapAnonymous(8 * KiB)
        _ = try kernel.touch(address: a, length: 1, isWrite: true)
        _ = try kernel.map(length: 64 * KiB, protection: .read, flags: .shared, file: "data.bin", fileOffset: 0,
                           fixedAddress: nil)
        var rows = ModelRows()
        kernel.checkpointRows(seq: 7, into: &rows)
        let table = try #require(rows.tables.first)
        #expect(table.name == "checkpoint_mappings")
        #expect(table.table.columns == ["seq", "start", "size", "rss", "pss", "private_clean", "private_dirty",
                                        "shared_clean", "shared_dirty", "anon_huge_pages", "lazy_free", "swap",
                                        "prot", "flags", "kind", "path"])
        #expect(table.table.rows.count == 2)
        let file = table.table.rows[0], anon = table.table.rows[1]  // address order: the file is lower
        #expect(file[12] == .text("r--s") && file[14] == .text("file") && file[15] == .text("data.bin"))
        #expect(anon[0] == .int(7) && anon[3] == .int(4096) && anon[6] == .int(4096))
        #expect(anon[12] == .text("rw-p") && anon[14] == .text("anon") && anon[15] == .null)

        var runRows = ModelRows()
        kernel.runRows(into: &runRows)
        let faults = try #require(runRows.tables.first)
        #expect(faults.name == "faults" && faults.table.columns == ["kind", "count", "cost_ns"])
        #expect(faults.table.rows.first == [.text("minor_anon"), .int(1), .int(1000)])
    }
}
