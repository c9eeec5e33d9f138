import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// The chapter's examples 5-3 and 5-2 against the figures measured on Linux 6.x
/// (../shared/calibration/seed-examples-go1.19.tsv).
@Suite struct SeedExampleTests {
    /// Example 5-3: mmap a 686 MiB file, read three bytes, munmap.
    @Test(arguments: [false, true])
    func example5_3ReadOnlyFileMapping(warm: Bool) throws {
        var kernel = makeKernel()
        let fileSize: UInt64 = 686 * MiB
        try kernel.declareFile(name: "bigfile", size: fileSize, cachedBytes: warm ? fileSize : 0)
        let cacheBefore = try #require(kernel.figures.pageCache)

        let b = try kernel.map(length: 600 * MiB, protection: .read, flags: .shared, file: "bigfile",
                               fileOffset: 0, fixedAddress: nil).value
        #expect(kernel.figures.vmSize == 600 * MiB)  // VSZ +600 MiB
        #expect(kernel.mapping(at: b)?.rss == 0)     // 0 KiB resident
        #expect(kernel.rss == 0)

        let first = try kernel.touch(address: b + 5000, length: 1, isWrite: false)
        #expect(kernel.mapping(at: b)?.rss == 64 * KiB)  // fault-around: 16 pages
        #expect(kernel.figures.rssFile == 64 * KiB)
        #expect(first.majorFaults == (warm ? 0 : 1))
        #expect(first.minorFaults == (warm ? 1 : 0))
        if !warm {
            // Readahead brought 128 KiB around the fault into the page cache.
            #expect(kernel.figures.pageCache == 128 * KiB)
            #expect(first.costNs >= 100_000)
        }
        kernel.expectConsistent()

        let second = try kernel.touch(address: b + 100_000, length: 1, isWrite: false)
        #expect(kernel.mapping(at: b)?.rss == 128 * KiB)
        #expect(second.majorFaults == 0)  // cold: inside the readahead window already
        #expect(second.minorFaults == 1)

        let third = try kernel.touch(address: b + 104_000, length: 1, isWrite: false)
        #expect(kernel.mapping(at: b)?.rss == 128 * KiB)  // same 64 KiB block: unchanged
        #expect(third.minorFaults == 0 && third.majorFaults == 0 && third.costNs == 0)
        #expect(kernel.figures.majorFaults == (warm ? 0 : 1))
        #expect(kernel.mapping(at: b)?.privateClean == 128 * KiB)  // mapped once: private
        kernel.expectConsistent()

        _ = try kernel.unmap(address: b, length: 600 * MiB)
        #expect(kernel.mappingCount == 0)
        #expect(kernel.rss == 0)
        #expect(kernel.figures.vmSize == 0)
        // The page cache keeps the file's pages; they were never process RSS.
        #expect(kernel.figures.pageCache == (warm ? cacheBefore : 128 * KiB))
        #expect(kernel.figures.vmHWM == 128 * KiB)
        kernel.expectConsistent()
    }

    /// Example 5-2: f.Read of 600 MiB into a fresh 600 MiB buffer.
    @Test func example5_2ReadIntoFreshBuffer() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "bigfile", size: 686 * MiB, cachedBytes: 0)
        let b = try kernel.mapAnonymous(600 * MiB)
        #expect(kernel.rss == 0)
        let read = try kernel.readFile("bigfile", fileOffset: 0, into: b, length: 600 * MiB)
        let figures = kernel.figures
        #expect(kernel.mapping(at: b)?.rss == 600 * MiB)       // the buffer is fully resident
        #expect(kernel.mapping(at: b)?.privateDirty == 600 * MiB)
        #expect(figures.rssAnon == 600 * MiB)
        #expect(figures.rssFile == 0)                          // file pages are not mapped
        #expect(figures.pageCache == 600 * MiB)                // but they are in the page cache
        #expect(figures.majorFaults == 0)                      // read(2) I/O is not a page fault
        #expect(kernel.faultCount("minor_anon") == 600 * MiB / 4096)
        #expect(kernel.faultCount("read_io") == 600 * MiB / (128 * KiB))
        #expect(read.costNs > 4800 * 100_000)                  // 4800 readahead I/Os at least
        kernel.expectConsistent()
    }

    /// Example 5-2 with the Go heap's MADV_HUGEPAGE on the 2 MiB-aligned interior of the
    /// span: the interior faults in as 2 MiB pages, as the calibration's smaps show
    /// (612352 kB Rss, 612352 kB AnonHugePages on the `hg` mapping).
    @Test func example5_2HugePagesInTheAdvisedInterior() throws {
        var kernel = makeKernel()
        try kernel.declareFile(name: "bigfile", size: 686 * MiB, cachedBytes: 686 * MiB)
        let base = try kernel.mapAnonymous(604 * MiB, at: 0xc0_0000_0000)
        #expect(base == 0xc0_0000_0000)
        _ = try kernel.advise(address: base, length: 2 * MiB, advice: .noHugePage)
        _ = try kernel.advise(address: base + 2 * MiB, length: 598 * MiB, advice: .hugePage)
        #expect(kernel.mappingCount == 3)
        _ = try kernel.readFile("bigfile", fileOffset: 0, into: base + 2 * MiB, length: 598 * MiB)
        let interior = try #require(kernel.mapping(at: base + 2 * MiB))
        #expect(interior.size == 612_352 * KiB)
        #expect(interior.rss == 612_352 * KiB)
        #expect(interior.anonHugePages == 612_352 * KiB)
        #expect(interior.vmFlags.hasSuffix("hg"))
        #expect(kernel.faultCount("thp") == 299)
        #expect(kernel.faultCount("minor_anon") == 0)
        kernel.expectConsistent()
    }
}
