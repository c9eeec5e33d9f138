import GoMemSimCore
@testable import GoMemSimKernel
import GoMemSimTrace
import Testing

/// A touch within the page the last one found as it asked is answered from
/// ``RepeatedTouch`` without looking the page up: it must answer exactly as the lookup
/// would, whatever happened to the page in between.
@Suite struct RepeatedTouchTests {
    /// Runs of reads and writes within a page, over a 4 KiB-paged and a MADV_HUGEPAGE
    /// region, broken by DONTNEED/FREE advice, protection changes and huge zero pages
    /// split by writes: a kernel that never keeps the last touch gives every touch,
    /// error, figure, mapping and fault count alike.
    @Test func theRepeatedAnswerIsTheLookupsWhateverChanged() throws {
        var setting = try TouchTestSetting(seed: 987_654_321)
        let (small, huge) = (setting.small, setting.huge)
        var kept = setting.kernel
        var forgetting = kept
        var address = small
        var answered = (reads: 0, writes: 0, huge: 0), segfaults = 0
        for step in 0..<20_000 {
            let r = setting.random()
            if r % 8 == 0 {
                // A new page: in either region, in one of 4 chunks of 64 pages each.
                let base = r & 16 == 0 ? small : huge
                address = base + (r >> 8) % (64 * 4096) + (r >> 40 & 3) * (2 * MiB)
            } else {
                address = (address & ~4095) + (r >> 12) % 4000  // the same page
            }
            if step % 1_009 == 0 {
                let target = (r & 16 == 0 ? small : huge) + (r >> 20 & 3) * (2 * MiB)
                let length = 4096 * (1 + (r >> 30) % 300)
                switch r >> 36 & 3 {
                case 0: _ = try kept.advise(address: target, length: length, advice: .dontNeed)
                        _ = try forgetting.advise(address: target, length: length, advice: .dontNeed)
                case 1: _ = try kept.advise(address: target, length: length, advice: .free)
                        _ = try forgetting.advise(address: target, length: length, advice: .free)
                case 2: _ = try kept.protect(address: target, length: length, protection: .read)
                        _ = try forgetting.protect(address: target, length: length, protection: .read)
                default: _ = try kept.protect(address: target, length: length, protection: [.read, .write])
                         _ = try forgetting.protect(address: target, length: length, protection: [.read, .write])
                }
                continue
            }
            let isWrite = r >> 44 & 3 == 0
            let length = 1 + (r >> 22) % 64
            if address >> 12 == (address + length - 1) >> 12,
               kept.lastTouch.repeats(page: address >> 12, isWrite: isWrite, epoch: kept.residencyChanges) {
                if isWrite { answered.writes += 1 } else { answered.reads += 1 }
                if kept.lastTouch.pageShift == 21 { answered.huge += 1 }
            }
            forgetting.lastTouch = RepeatedTouch()
            let a = Result { () throws(ModelError) in try kept.touch(address: address, length: length, isWrite: isWrite) }
            let b = Result { () throws(ModelError) in try forgetting.touch(address: address, length: length, isWrite: isWrite) }
            #expect(a == b, "step \(step): \(isWrite ? "write" : "read") of \(length) at \(hex(address))")
            if case .failure = a { segfaults += 1 }
            if step % 97 == 0 {
                #expect(kept.figures == forgetting.figures)
                #expect(kept.faultCounts == forgetting.faultCounts)
            }
        }
        #expect(kept.mappings() == forgetting.mappings())
        #expect(answered.reads > 5_000 && answered.writes > 1_500 && answered.huge > 1_000, "\(answered)")
        #expect(segfaults > 0)
        kept.expectConsistent()
    }

    /// A read of a huge zero page is answered for the whole 4 KiB page with a 2 MiB page
    /// size; a write there splits it (a fault), after which the same page is a 4 KiB one.
    @Test func aSplitHugeZeroPageIsNotAnsweredAsHuge() throws {
        var kernel = makeKernel { $0.thpMode = .always }
        let a = try kernel.mapAnonymous(4 * MiB, at: 0x7f20_0000_0000)
        #expect(try kernel.touch(address: a + 8, length: 8, isWrite: false).pageShift == 21)
        #expect(try kernel.touch(address: a + 16, length: 8, isWrite: false) == PageTouch(pageShift: 21))
        let write = try kernel.touch(address: a + 24, length: 8, isWrite: true)
        #expect(write.minorFaults == 1 && write.pageShift == 12)
        #expect(try kernel.touch(address: a + 32, length: 8, isWrite: false) == PageTouch(pageShift: 12))
        #expect(try kernel.touch(address: a + 40, length: 8, isWrite: true) == PageTouch(pageShift: 12))
    }
}
