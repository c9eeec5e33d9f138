import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace
import Testing
@testable import GoMemSimRuntime

/// Linux, every call forwarded, counting touches; without `keepsEpoch` it hides the
/// kernel's residency epoch, so the runtime touches every slot it zeroes.
private struct CountingKernel: KernelModel {
    var inner: LinuxKernel
    let keepsEpoch: Bool
    var touches = 0

    var modelName: String? { inner.modelName }
    var residencyEpoch: UInt64? { keepsEpoch ? inner.residencyEpoch : nil }
    mutating func declareFile(name: String, size: UInt64, cachedBytes: UInt64) throws(ModelError) {
        try inner.declareFile(name: name, size: size, cachedBytes: cachedBytes)
    }
    mutating func map(length: UInt64, protection: Protection, flags: MapFlags, file: String?,
                      fileOffset: UInt64, fixedAddress: UInt64?) throws(ModelError) -> KernelCall<UInt64> {
        try inner.map(length: length, protection: protection, flags: flags, file: file, fileOffset: fileOffset,
                      fixedAddress: fixedAddress)
    }
    mutating func unmap(address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void> {
        try inner.unmap(address: address, length: length)
    }
    mutating func advise(address: UInt64, length: UInt64, advice: Advice) throws(ModelError) -> KernelCall<Void> {
        try inner.advise(address: address, length: length, advice: advice)
    }
    mutating func protect(address: UInt64, length: UInt64, protection: Protection) throws(ModelError) -> KernelCall<Void> {
        try inner.protect(address: address, length: length, protection: protection)
    }
    mutating func touch(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch {
        touches += 1
        return try inner.touch(address: address, length: length, isWrite: isWrite)
    }
    func pageShift(at address: UInt64) -> UInt8 { inner.pageShift(at: address) }
    mutating func readFile(_ file: String, fileOffset: UInt64, into address: UInt64,
                           length: UInt64) throws(ModelError) -> KernelCall<Void> {
        try inner.readFile(file, fileOffset: fileOffset, into: address, length: length)
    }
    mutating func advance(to now: UInt64) { inner.advance(to: now) }
    func fill(_ figures: inout MemoryFigures) { inner.fill(&figures) }
    func checkpointRows(seq: Int, into rows: inout ModelRows) { inner.checkpointRows(seq: seq, into: &rows) }
    func runRows(into rows: inout ModelRows) { inner.runRows(into: &rows) }
}

/// Zeroing a reused slot, and writing an arena's span map and heap bitmap, skip the
/// kernel's touch when the pages were written since the kernel last evicted or
/// protected anything: the run must be the one that touches every time.
@Suite struct ResidentZeroingTests {
    /// Churn through collections, sweeps and span reuse, with the scavenger releasing
    /// free pages, in a cgroup whose memory.max makes reclaim swap out heap pages the
    /// runtime saw resident (the evictions the skip must see).
    private func churn(keepsEpoch: Bool) throws -> (costs: [UInt64], addresses: [UInt64], figures: MemoryFigures,
                                                     faults: UInt64, swapIns: UInt64, touches: Int) {
        var runtime = GoRuntime(config: RuntimeConfig())
        var config = KernelConfig()
        config.memoryMax = 3 << 20
        config.swapBytes = 1 << 30
        var kernel = CountingKernel(inner: LinuxKernel(config: config), keepsEpoch: keepsEpoch)
        try runtime.start(now: 0, kernel: &kernel)
        var ring = [(address: UInt64, size: UInt64, scan: Bool)](repeating: (0, 0, false), count: 3_000)
        var costs: [UInt64] = [], addresses: [UInt64] = []
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        var now: UInt64 = 0
        for i in 0..<30_000 {
            let slot = i % ring.count
            if ring[slot].address != 0 { runtime.release(address: ring[slot].address, size: ring[slot].size, scan: ring[slot].scan) }
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            // Mostly small objects, now and then a 40 KiB one: large spans come and go.
            let size = seed >> 58 == 0 ? 40 << 10 : 16 + (seed >> 33) % 1024
            let scan = seed & 1 == 0
            let allocation = try runtime.allocate(size: size, scan: scan, goroutine: UInt32(i & 3), now: now, kernel: &kernel)
            costs.append(allocation.costNs)
            addresses.append(allocation.address)
            ring[slot] = (allocation.address, size, scan)
            now += 200 + allocation.costNs
            if let deadline = runtime.nextDeadline, deadline <= now { try runtime.advance(to: now, kernel: &kernel) }
        }
        var figures = MemoryFigures()
        kernel.fill(&figures)
        runtime.fill(&figures)
        let faults = kernel.inner.faultCount("minor_anon") + kernel.inner.faultCount("minor_cow")
        return (costs, addresses, figures, faults, kernel.inner.faultCount("swap_in"), kernel.touches)
    }

    @Test func skippedTouchesChangeNoFigure() throws {
        let touching = try churn(keepsEpoch: false)
        let skipping = try churn(keepsEpoch: true)
        #expect(skipping.addresses == touching.addresses)
        #expect(skipping.costs == touching.costs)
        #expect(skipping.figures == touching.figures)
        #expect(skipping.faults == touching.faults)
        #expect(skipping.swapIns == touching.swapIns)
        #expect(touching.faults > 0)
        #expect(touching.swapIns > 100)  // zeroing met swapped-out slots
        #expect((touching.figures.numGC ?? 0) > 2)
        // The point: touches are skipped, even with reclaim moving the epoch this often.
        #expect(skipping.touches * 3 < touching.touches * 2)
    }

    /// A span made on pages an earlier span's objects made resident (same kernel epoch)
    /// zeroes its slots without touching them: ``GoRuntime/heapResidentPages`` carries
    /// the residency from span to span.
    @Test func reusedPagesSkipTheZeroingTouch() throws {
        var runtime = GoRuntime(config: RuntimeConfig())
        var kernel = CountingKernel(inner: LinuxKernel(config: KernelConfig()), keepsEpoch: true)
        try runtime.start(now: 0, kernel: &kernel)
        // 1 KiB objects, 8 per one-page span: 8 spans, all of whose objects die, so each
        // collection's sweep frees the spans and the next round makes new ones there.
        func round() throws -> (touches: Int, epoch: UInt64?, addresses: [UInt64]) {
            let before = kernel.touches, epoch = kernel.residencyEpoch
            var addresses: [UInt64] = []
            for _ in 0..<64 {
                addresses.append(try runtime.allocate(size: 1024, scan: false, goroutine: 0, now: 0, kernel: &kernel).address)
            }
            for address in addresses { runtime.release(address: address, size: 1024, scan: false) }
            _ = try runtime.collect(now: 0, kernel: &kernel)
            return (kernel.touches - before, epoch == kernel.residencyEpoch ? epoch : nil, addresses)
        }
        let fresh = try round()  // fresh memory: not zeroed, but the program writes its objects
        let first = try round()  // new spans on those pages: zeroed, no touch
        let second = try round()  // the same pages again, at the same epoch
        #expect(Set(first.addresses) == Set(fresh.addresses))
        #expect(Set(second.addresses) == Set(fresh.addresses))
        #expect(fresh.touches >= 8)  // one per span at least
        #expect(first.epoch != nil && second.epoch != nil)  // nothing evicted or protected in between
        #expect(first.touches == 0)
        #expect(second.touches == 0)
    }
}
