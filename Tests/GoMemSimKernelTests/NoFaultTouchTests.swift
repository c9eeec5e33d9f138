import GoMemSimCore
@testable import GoMemSimKernel
import GoMemSimTrace
import Testing

/// `touchWithoutFault`, the page-loop-free answer to a touch that faults nowhere, must
/// give what the page loop (`touchPages`) gives and be right that nothing changes.
@Suite struct NoFaultTouchTests {
    /// Random reads and writes (1 B to 3 pages), DONTNEED and FREE over a 4 KiB-paged and
    /// a MADV_HUGEPAGE region: wherever the fast answer is given, the loop on a copy of
    /// the kernel gives the same touch and leaves every figure, mapping and fault count as
    /// it was. The reads of pages only read before (zero page, huge zero page) are among
    /// the fast answers.
    @Test func theFastAnswerIsThePageLoopsAndChangesNothing() throws {
        var setting = try TouchTestSetting(seed: 12345)
        let (small, huge) = (setting.small, setting.huge)
        var fast = (reads: 0, writes: 0, hugeReads: 0)
        for step in 0..<6_000 {
            let r = setting.random()
            let base = r & 1 == 0 ? small : huge
            let isWrite = (r >> 44) % 4 == 0
            // A working set of 64 pages in each of 4 chunks per region, so pages are touched
            // again and again. The huge region's first chunk is written (a huge page), the
            // others only read (the huge zero page: a write would split it).
            let chunk = base == huge && isWrite ? 0 : r >> 40 & 3
            let address = base + (r >> 1) % (64 * 4096) + chunk * (2 * MiB)
            if step % 997 == 0 {
                let advice: Advice = r & 2 == 0 ? .dontNeed : .free
                // The huge region's pages are split only by the one advice given it, midway.
                let target = step == 2991 ? huge + 2 * MiB : small + (address - base)
                _ = try setting.kernel.advise(address: target & ~4095, length: 4096 * (1 + (r >> 30) % 600), advice: advice)
                continue
            }
            let length = 1 + (r >> 20) % (3 * 4096)
            if let answer = setting.kernel.touchWithoutFault(address: address, length: length, isWrite: isWrite) {
                var copy = setting.kernel
                let loop = try copy.touchPages(address: address, length: length, isWrite: isWrite)
                #expect(loop == answer)
                #expect(copy.figures == setting.kernel.figures)
                #expect(copy.mappings() == setting.kernel.mappings())
                #expect(copy.faultCounts == setting.kernel.faultCounts)
                if isWrite { fast.writes += 1 } else { fast.reads += 1 }
                if !isWrite && answer.pageShift == 21 { fast.hugeReads += 1 }
            }
            _ = try setting.kernel.touch(address: address, length: length, isWrite: isWrite)
        }
        #expect(fast.reads > 1000 && fast.writes > 300 && fast.hugeReads > 100)
        setting.kernel.expectConsistent()
    }

    /// A page only read is on the zero page: the second read of it needs no fault, and the
    /// fast answer gives it (the loop would too); a write to it still takes the loop (a
    /// copy-on-write fault).
    @Test func aSecondReadOfTheZeroPageIsAnsweredWithoutTheLoop() throws {
        var kernel = makeKernel()
        let a = try kernel.mapAnonymous(1 * MiB)
        #expect(kernel.touchWithoutFault(address: a, length: 8, isWrite: false) == nil)
        #expect(try kernel.touch(address: a, length: 8, isWrite: false).minorFaults == 1)
        #expect(kernel.touchWithoutFault(address: a + 64, length: 8, isWrite: false) == PageTouch(pageShift: 12))
        #expect(kernel.touchWithoutFault(address: a + 64, length: 8, isWrite: true) == nil)
        #expect(try kernel.touch(address: a + 64, length: 8, isWrite: true).minorFaults == 1)
        #expect(kernel.touchWithoutFault(address: a + 64, length: 8, isWrite: true) == PageTouch(pageShift: 12))
    }
}
