import GoMemSimCore
import GoMemSimEngine
import GoMemSimKernel
import Testing
@testable import GoMemSimRuntime

/// ``GoRuntime/prefetchReleases(later:sooner:)`` is a host hint: the engine asks for it
/// only once the heap's arenas reach 256 MiB (``GoRuntime/prefetchReleasesMinPages``),
/// and it reads the runtime's tables from addresses the trace chose, unchecked past its
/// own bounds checks — so any address must be safe and change nothing.

/// The engine is asked for release prefetches from the fourth 64 MiB arena on (the page
/// records of 256 MiB: 2^15 runtime pages), never before.
@Test func releasePrefetchesStartWithTheFourthArena() throws {
    var runtime = GoRuntime(config: RuntimeConfig(RunConfig()))
    var kernel = LinuxKernel(config: KernelConfig())
    try runtime.start(now: 0, kernel: &kernel)
    #expect(!runtime.prefetchesReleases)
    var end: UInt64 = 0
    // 1 MiB large objects, kept live: the heap grows arena by arena from heapBase.
    for _ in 0..<300 {
        let allocation = try runtime.allocate(size: 1 << 20, scan: false, goroutine: 0, now: 0, kernel: &kernel)
        end = max(end, allocation.address + (1 << 20))
        // Arenas are added as the heap grows into them (objectPages covers each whole):
        // with objects reaching into the fourth, 4 × 8192 pages. The heap grows in
        // 4 MiB steps, so it may enter an arena a little before the objects do.
        let used = end - GoRuntime.heapBase
        if used <= 3 * GoRuntime.arenaBytes - (8 << 20) { #expect(!runtime.prefetchesReleases, "objects end \(used) bytes in") }
        if used > 3 * GoRuntime.arenaBytes { #expect(runtime.prefetchesReleases, "objects end \(used) bytes in") }
    }
    #expect(end - GoRuntime.heapBase > 256 << 20)
}

/// Prefetching for any address — live small, tiny and large objects, freed ones, pages
/// never used, the heap's edges, 0 and 2^64 − 1 — changes no figure: two runtimes fed
/// the same churn, one given hints before every release, end with the same figures.
@Test func releasePrefetchesChangeNoFigure() throws {
    var plain = GoRuntime(config: RuntimeConfig(RunConfig())), hinted = GoRuntime(config: RuntimeConfig(RunConfig()))
    var plainKernel = LinuxKernel(config: KernelConfig()), hintedKernel = LinuxKernel(config: KernelConfig())
    try plain.start(now: 0, kernel: &plainKernel)
    try hinted.start(now: 0, kernel: &hintedKernel)
    var draws = ChurnDraws(state: 0x2545_F491_4F6C_DD1D)
    var live: [(address: UInt64, size: UInt64, scan: Bool)] = []
    var freed: [UInt64] = []
    let odd: [UInt64] = [0, 1, .max, GoRuntime.heapBase - 1, GoRuntime.heapBase, GoRuntime.heapBase + (1 << 40)]
    var now: UInt64 = 0
    for step in 0..<40_000 {
        now += 200
        while let deadline = plain.nextDeadline, deadline <= now { try plain.advance(to: deadline, kernel: &plainKernel) }
        while let deadline = hinted.nextDeadline, deadline <= now { try hinted.advance(to: deadline, kernel: &hintedKernel) }
        if live.count < 2_000 || draws.next() % 2 == 0 {
            let (size, scan) = draws.object(smallPercent: 97, smallSpan: 4_000)
            let a = try plain.allocate(size: size, scan: scan, goroutine: 0, now: now, kernel: &plainKernel)
            let b = try hinted.allocate(size: size, scan: scan, goroutine: 0, now: now, kernel: &hintedKernel)
            #expect(a.address == b.address && a.costNs == b.costNs)
            live.append((a.address, size, scan))
        } else {
            let object = draws.takeRandom(from: &live)
            // Hints about a live object, a freed one, one of the odd addresses, and a
            // random one in the heap's first arenas.
            let other = live.isEmpty ? 0 : live[Int(draws.next() % UInt64(live.count))].address
            let gone = freed.isEmpty ? 0 : freed[Int(draws.next() % UInt64(freed.count))]
            hinted.prefetchReleases(later: other, sooner: object.address)
            hinted.prefetchReleases(later: odd[step % odd.count], sooner: gone)
            hinted.prefetchReleases(later: GoRuntime.heapBase + draws.next() % (1 << 30),
                                    sooner: GoRuntime.heapBase + draws.next() % (1 << 28))
            plain.release(address: object.address, size: object.size, scan: object.scan)
            hinted.release(address: object.address, size: object.size, scan: object.scan)
            freed.append(object.address)
        }
    }
    var a = MemoryFigures(), b = MemoryFigures()
    plain.fill(&a)
    hinted.fill(&b)
    #expect(a == b)
    #expect(plain.heapAlloc == hinted.heapAlloc)
    #expect(plain.invalidReleases == 0 && hinted.invalidReleases == 0)
    #expect(plain.gc.releasedObjects == hinted.gc.releasedObjects)
    #expect(plain.gc.releasedBytes == hinted.gc.releasedBytes)
}
