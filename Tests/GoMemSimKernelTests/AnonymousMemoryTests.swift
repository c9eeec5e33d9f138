import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// Private anonymous memory: zero page, COW, DONTNEED vs FREE, protection faults.
@Suite struct AnonymousMemoryTests {
    @Test func readOfUntouchedAnonymousPageMapsZeroPageThenWriteCopies() throws {
        var kernel = makeKernel()
        let b = try kernel.mapAnonymous(1 * MiB)
        let read = try kernel.touch(address: b + 100, length: 8, isWrite: false)
        #expect(read.minorFaults == 1)
        #expect(kernel.rss == 0)  // the zero page is not RSS
        #expect(kernel.faultCount("minor_zero_page") == 1)
        let write = try kernel.touch(address: b + 100, length: 8, isWrite: true)
        #expect(write.minorFaults == 1)
        #expect(kernel.faultCount("minor_cow") == 1)
        #expect(kernel.rss == 4 * KiB)
        #expect(kernel.mapping(at: b)?.privateDirty == 4 * KiB)
        // A write to an untouched page is one zero-fill fault.
        _ = try kernel.touch(address: b + 8192, length: 1, isWrite: true)
        #expect(kernel.faultCount("minor_anon") == 1)
        #expect(kernel.rss == 8 * KiB)
        #expect(kernel.figures.minorFaults == 3)
        kernel.expectConsistent()
    }

    @Test func writeTouchesEveryPageOfTheRangeOnce() throws {
        var kernel = makeKernel()
        let b = try kernel.mapAnonymous(10 * MiB)
        let touch = try kernel.touch(address: b + 1, length: 3 * MiB, isWrite: true)
        // bytes 1…3 MiB+1 span 769 pages; THP is madvise-only, so all are 4 KiB.
        #expect(touch.minorFaults == 769)
        #expect(touch.pageShift == 12)
        #expect(touch.costNs == 769 * (880 + 120))
        #expect(kernel.rss == 769 * 4 * KiB)
        let again = try kernel.touch(address: b, length: 3 * MiB, isWrite: true)
        #expect(again.minorFaults == 0 && again.costNs == 0)
        kernel.expectConsistent()
    }

    @Test func dontNeedDropsRSSNowButFreeOnlyUnderPressure() throws {
        // memory.max of 512 KiB = 128 pages.
        var kernel = makeKernel { $0.memoryMax = 512 * KiB }
        let a = try kernel.mapAnonymous(256 * KiB)
        _ = try kernel.touch(address: a, length: 256 * KiB, isWrite: true)
        #expect(kernel.rss == 256 * KiB)

        _ = try kernel.advise(address: a, length: 128 * KiB, advice: .dontNeed)
        #expect(kernel.rss == 128 * KiB)  // DONTNEED: RSS drops at once

        _ = try kernel.advise(address: a + 128 * KiB, length: 128 * KiB, advice: .free)
        #expect(kernel.rss == 128 * KiB)  // FREE: RSS unchanged…
        #expect(kernel.mapping(at: a)?.lazyFree == 128 * KiB)
        #expect(kernel.mapping(at: a)?.privateClean == 128 * KiB)  // MADV_FREE cleans the pages
        kernel.expectConsistent()

        // …until memory pressure: 100 new pages + 32 lazily free > 128.
        let b = try kernel.mapAnonymous(400 * KiB, at: 0x2000_0000)  // apart, so it does not merge with a
        _ = try kernel.touch(address: b, length: 400 * KiB, isWrite: true)
        #expect(kernel.mapping(at: a)?.rss == 0)
        #expect(kernel.mapping(at: a)?.lazyFree == 0)
        #expect(kernel.rss == 400 * KiB)
        // The contents are gone: a read maps the zero page again.
        _ = try kernel.touch(address: a + 200 * KiB, length: 1, isWrite: false)
        #expect(kernel.faultCount("minor_zero_page") == 1)
        // DONTNEED'd memory refaults as fresh zeroed pages on write.
        let refault = try kernel.touch(address: a, length: 4 * KiB, isWrite: true)
        #expect(refault.minorFaults == 1)
        kernel.expectConsistent()
    }

    @Test func writeAfterFreeCancelsTheFree() throws {
        var kernel = makeKernel { $0.memoryMax = 256 * KiB }  // 64 pages
        let a = try kernel.mapAnonymous(64 * KiB)
        _ = try kernel.touch(address: a, length: 64 * KiB, isWrite: true)
        _ = try kernel.advise(address: a, length: 64 * KiB, advice: .free)
        let write = try kernel.touch(address: a, length: 8 * KiB, isWrite: true)
        #expect(write.minorFaults == 0)  // the PTE is still there: no fault
        #expect(kernel.mapping(at: a)?.lazyFree == 56 * KiB)
        // Pressure discards only the 14 still-free pages.
        let b = try kernel.mapAnonymous(248 * KiB, at: 0x2000_0000)
        _ = try kernel.touch(address: b, length: 248 * KiB, isWrite: true)
        #expect(kernel.mapping(at: a)?.rss == 8 * KiB)
        #expect(kernel.rss == 256 * KiB)
        kernel.expectConsistent()
    }

    @Test func accessOutsideMappingsOrAgainstProtectionIsSIGSEGV() throws {
        var kernel = makeKernel()
        #expect(throws: ModelError(.segfault, "SIGSEGV at 0x1000: no mapping")) {
            _ = try kernel.touch(address: 0x1000, length: 1, isWrite: false)
        }
        let reserved = try kernel.mapAnonymous(64 * MiB, at: 0xc0_0000_0000, protection: .none)
        #expect(reserved == 0xc0_0000_0000)  // Go's arena hint is honoured
        do {
            _ = try kernel.touch(address: reserved, length: 1, isWrite: false)
            Issue.record("read of PROT_NONE memory did not fault")
        } catch {
            #expect(error.kind == .segfault)
        }
        let readOnly = try kernel.mapAnonymous(4 * KiB, protection: .read)
        do {
            _ = try kernel.touch(address: readOnly, length: 1, isWrite: true)
            Issue.record("write to read-only memory did not fault")
        } catch {
            #expect(error.kind == .segfault)
        }
        // The Go heap grows by making part of the reservation read-write.
        _ = try kernel.protect(address: reserved, length: 4 * MiB, protection: [.read, .write])
        _ = try kernel.touch(address: reserved, length: 4 * MiB, isWrite: true)
        #expect(kernel.mapping(at: reserved)?.rss == 4 * MiB)
        #expect(kernel.figures.vmSize == 64 * MiB + 4 * KiB)
        // An access straddling into the PROT_NONE part faults after the RW part.
        #expect(throws: ModelError.self) {
            _ = try kernel.touch(address: reserved + 4 * MiB - 8, length: 16, isWrite: true)
        }
        kernel.expectConsistent()
    }

    @Test func sharedAnonymousMemoryIsShmem() throws {
        var kernel = makeKernel()
        let s = try kernel.map(length: 64 * KiB, protection: [.read, .write], flags: [.shared, .anonymous],
                               file: nil, fileOffset: 0, fixedAddress: nil).value
        _ = try kernel.touch(address: s, length: 16 * KiB, isWrite: false)
        #expect(kernel.figures.rssShmem == 16 * KiB)
        #expect(kernel.figures.rssAnon == 0)
        #expect(kernel.mapping(at: s)?.kind == "shmem")
        kernel.expectConsistent()
    }

    @Test func populateFaultsEverythingInAtMapTime() throws {
        var kernel = makeKernel()
        let call = try kernel.map(length: 1 * MiB, protection: [.read, .write], flags: [.anonymous, .populate],
                                  file: nil, fileOffset: 0, fixedAddress: nil)
        #expect(kernel.rss == 1 * MiB)
        #expect(call.costNs == 250 + 256 * 1000)
        kernel.expectConsistent()
    }
}
