import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing

/// `residencyEpoch` lets a caller skip a write touch of memory a write touch reached: it
/// must hold still while pages only come in (faults, touches of resident pages) and move
/// with everything that can make a written page fault again.
@Suite struct ResidencyEpochTests {
    @Test func faultsAndTouchesOfResidentPagesKeepTheEpoch() throws {
        var kernel = makeKernel { $0.thpMode = .never }
        let base = try kernel.mapAnonymous(1 * MiB)
        let epoch = try #require(kernel.residencyEpoch)
        #expect(try kernel.touch(address: base, length: 256 * KiB, isWrite: true).minorFaults == 64)
        #expect(try kernel.touch(address: base + 512 * KiB, length: 8, isWrite: false).minorFaults == 1)
        #expect(try kernel.touch(address: base + 512 * KiB, length: 8, isWrite: true).minorFaults == 1)  // COW
        // One block, then a range across two 64 KiB blocks (the slow path), reads and writes.
        #expect(try kernel.touch(address: base + 4096, length: 100, isWrite: true).costNs == 0)
        #expect(try kernel.touch(address: base + 64 * KiB - 64, length: 128, isWrite: true).costNs == 0)
        #expect(try kernel.touch(address: base, length: 256 * KiB, isWrite: false).costNs == 0)
        #expect(kernel.residencyEpoch == epoch)
    }

    @Test func callsThatCanEvictOrProtectMoveTheEpoch() throws {
        var kernel = makeKernel { $0.thpMode = .never }
        let base = try kernel.mapAnonymous(1 * MiB)
        _ = try kernel.touch(address: base, length: 64 * KiB, isWrite: true)
        var epoch = try #require(kernel.residencyEpoch)
        func moved(_ what: String, _ body: (inout LinuxKernel) throws -> Void) throws {
            try body(&kernel)
            let now = try #require(kernel.residencyEpoch)
            #expect(now != epoch, "\(what) left the epoch")
            epoch = now
        }
        try moved("MADV_DONTNEED") { _ = try $0.advise(address: base, length: 4096, advice: .dontNeed) }
        try moved("MADV_FREE") { _ = try $0.advise(address: base + 4096, length: 4096, advice: .free) }
        try moved("mprotect") { _ = try $0.protect(address: base + 8192, length: 4096, protection: [.read]) }
        try moved("munmap") { _ = try $0.unmap(address: base + 512 * KiB, length: 4096) }
        try moved("mmap") { _ = try $0.mapAnonymous(4096) }
    }

    @Test func reclaimMovesTheEpoch() throws {
        var kernel = makeKernel { $0.thpMode = .never; $0.memoryMax = 1 * MiB; $0.swapBytes = 64 * MiB }
        let base = try kernel.mapAnonymous(4 * MiB)
        _ = try kernel.touch(address: base, length: 512 * KiB, isWrite: true)
        let epoch = try #require(kernel.residencyEpoch)
        // Past memory.max: the faults swap out the first pages written.
        _ = try kernel.touch(address: base + 512 * KiB, length: 1 * MiB, isWrite: true)
        #expect(kernel.faultCount("swap_in") == 0)
        #expect(kernel.residencyEpoch != epoch)
        #expect(try kernel.touch(address: base, length: 4096, isWrite: true).majorFaults == 1)  // swapped out
    }

    /// The stand-in's touches never cost or change anything: one epoch for the run.
    @Test func theUnmodelledKernelKeepsOneEpoch() throws {
        var kernel = UnmodelledKernel()
        let epoch = kernel.residencyEpoch
        let address = try kernel.map(length: 4096, protection: [.read, .write], flags: .anonymous, file: nil,
                                     fileOffset: 0, fixedAddress: nil).value
        _ = try kernel.advise(address: address, length: 4096, advice: .dontNeed)
        #expect(try kernel.touch(address: address, length: 8, isWrite: true).costNs == 0)
        #expect(epoch != nil && kernel.residencyEpoch == epoch)
    }
}
