import GoMemSimCore
import GoMemSimTrace
import Testing
@testable import GoMemSimRuntime

/// The chapter's examples against shared/calibration/seed-examples-go1.19.tsv, with the
/// recording kernel standing in for Linux (4 KiB pages only: RSS is counted in small
/// pages, which is what THP=madvise gives outside MADV_HUGEPAGE ranges anyway).
@Suite struct CalibrationTests {
    func mib(_ bytes: UInt64) -> Double { Double(bytes) / Double(MiB) }

    @Test func idleProgramMatchesStartRows() throws {
        let (rt, kernel) = try startedRuntime()
        // start: VSZ 699.4 MiB (±1 %), RSS 1.88 MiB (±10 %), HeapAlloc 0.047, HeapReleased 3.41.
        #expect(abs(mib(kernel.vmSize) - 699.4) < 699.4 * 0.01, "VSZ \(mib(kernel.vmSize))")
        #expect(abs(mib(kernel.rss) - 1.88) < 1.88 * 0.10, "RSS \(mib(kernel.rss))")
        #expect(abs(mib(rt.heapAlloc) - 0.047) < 0.002, "HeapAlloc \(mib(rt.heapAlloc))")
        #expect(abs(mib(rt.heapReleased) - 3.41) < 0.35, "HeapReleased \(mib(rt.heapReleased))")
        #expect(rt.heapGoal == 4 * MiB)
        #expect(rt._checkInvariants() == [])
    }

    /// Example 5-5: `b := make([]byte, 600<<20)` then writes.
    @Test func example5_5BitmapClearingAndHugePageSplit() throws {
        var (rt, kernel) = try startedRuntime()
        let rss0 = kernel.rss
        let callsBefore = kernel.calls.count
        let b = try rt.allocate(size: 600 * MiB, scan: false, goroutine: 0, now: 1_000, kernel: &kernel).address
        // HeapAlloc 600.046 MiB.
        #expect(abs(mib(rt.heapAlloc) - 600.047) < 0.002)
        // The heap bitmap of the span is cleared: 600 MiB / 32 written in arena metadata.
        let heapEnd: UInt64 = 0xc0_0000_0000 + 640 * MiB
        var bitmapWritten: UInt64 = 0, bufferTouched: UInt64 = 0
        let bitmaps = rt.arenas.map { $0.metadataAddress..<$0.metadataAddress + 2 * MiB }
        for call in kernel.calls[callsBefore...] {
            guard case .touch(let address, let length, true) = call else { continue }
            if address >= 0xc0_0000_0000 && address < heapEnd { bufferTouched += length }
            if bitmaps.contains(where: { $0.contains(address) }) { bitmapWritten += length }
        }
        #expect(bitmapWritten == 600 * MiB / 32)
        #expect(bufferTouched == 0)
        // RSS ≈ baseline + 19.6 MiB (21.47 − 1.88), VSZ 1360.4 MiB.
        #expect(abs(mib(kernel.rss - rss0) - 19.59) < 0.8, "RSS grew \(mib(kernel.rss - rss0))")
        #expect(abs(mib(kernel.vmSize) - 1360.4) < 1360.4 * 0.01, "VSZ \(mib(kernel.vmSize))")
        // MADV_HUGEPAGE on the whole huge pages inside the span; VMAs 2 MiB / 598 MiB / 4 MiB.
        #expect(b < 0xc0_0020_0000)
        #expect(kernel.calls.contains(.advise(address: 0xc0_0020_0000, length: 598 * MiB, advice: .hugePage)))
        #expect(kernel.mappings(overlapping: b, b + 600 * MiB) == ["2048/nh", "612352/hg", "4096/-"])
        // The three single-byte writes and then everything: RSS ≈ 621.5 MiB.
        for offset: UInt64 in [5000, 100_000, 104_000] { _ = try kernel.touch(address: b + offset, length: 1, isWrite: true) }
        #expect(mib(kernel.rss) < 21.6)
        kernel.logTouches = false
        _ = try kernel.touch(address: b, length: 600 * MiB, isWrite: true)
        #expect(abs(mib(kernel.rss) - 621.5) < 621.5 * 0.01, "RSS \(mib(kernel.rss))")
        // make() crossed the 4 MiB goal: one (automatic, concurrent) collection, which
        // ends when its mark workers finish; b survives it.
        while rt.gc.phase == .mark, let deadline = rt.nextDeadline { try rt.advance(to: deadline, kernel: &kernel) }
        #expect(rt.numGC == 1 && rt.numForcedGC == 0)
        #expect(rt.heapGoal > 1200 * MiB)
        #expect(rt._checkInvariants() == [])
    }

    /// Example 5-6 `wait`: after `b = nil; runtime.GC()` the scavenger releases ~600 MiB
    /// over ~1.5 s (500 ms: some released; 2000 ms: all but ~2 MiB).
    @Test func example5_6ScavengerReleasesTheBufferOverAboutOneAndAHalfSeconds() throws {
        var (rt, kernel) = try startedRuntime()
        let b = try rt.allocate(size: 600 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        kernel.logTouches = false
        _ = try kernel.touch(address: b, length: 600 * MiB, isWrite: true)
        rt.release(address: b, size: 600 * MiB, scan: false)
        let gcAt: UInt64 = 1_000_000_000
        // The automatic cycle make() started, and the scavenger its sweep termination woke
        // (finishsweep_m), run before the program calls runtime.GC().
        while let d = rt.nextDeadline, d <= gcAt { try rt.advance(to: d, kernel: &kernel) }
        // runtime.GC() blocks its caller for the cycle (two pauses, the mark, the sweep).
        let gcTime = try rt.collect(now: gcAt, kernel: &kernel)
        #expect(gcTime > 0 && gcTime < 5_000_000)
        #expect(rt.numGC == 2 && rt.numForcedGC == 1)
        #expect(abs(mib(rt.heapAlloc) - 0.047) < 0.002)   // "heap 159 KB" in the book, 0.045 MiB measured
        #expect(mib(kernel.rss) > 620)                     // nothing released yet
        let deadline = try #require(rt.nextDeadline)
        #expect(deadline > gcAt && deadline <= gcAt + gcTime + 10_000_000)

        var releasedAt: [UInt64: Double] = [:]
        for step in UInt64(1)...6 {
            let t = gcAt + step * 500_000_000
            while let d = rt.nextDeadline, d <= t { try rt.advance(to: d, kernel: &kernel) }
            releasedAt[step * 500] = mib(rt.heapReleased)
            #expect(rt._checkInvariants() == [])
        }
        // 500 ms: the first bursts are done but most of the buffer is still resident.
        #expect(releasedAt[500]! > 50 && releasedAt[500]! < 400, "\(releasedAt)")
        // By 2000 ms the heap is down to the goal: ~601.9 MiB released, RSS ≈ 23 MiB.
        #expect(abs(releasedAt[2000]! - 601.9) < 2, "\(releasedAt)")
        #expect(abs(mib(kernel.rss) - 23.0) < 2.5, "RSS \(mib(kernel.rss))")
        // Released in aligned 2 MiB steps inside, 64 KiB steps in the last huge page:
        // only that one is marked NOHUGEPAGE; the middle stays huge-page eligible.
        let mappings = kernel.mappings(overlapping: b, b + 600 * MiB)
        #expect(mappings == ["2048/nh", "612352/hg", "2048/nh"], "\(mappings)")
        // The scavenger is parked; only sysmon's 2-minute GC is still ahead.
        #expect(rt.nextDeadline == rt.periodicGCDeadline)
        let scavenged = rt.scavengerTotals
        #expect(scavenged.background >= 598 * MiB)
    }

    /// Example 5-6 `book`: right after `b = nil; runtime.GC()` the program allocates 300 MiB.
    /// That allocation starts the next cycle, whose sweep termination wakes the parked
    /// scavenger at once (finishsweep_m → scavenger.wake(), 1.19) with the goal runtime.GC()
    /// set: its first ≥ 1 ms run releases free huge pages from the top (the upper half of
    /// the old buffer) while the new 300 MiB reuse the resident lower half. Calibration:
    /// RSS 417 MiB (322–458 over 3 runs), HeapReleased 207.9 MiB; not 621 MiB.
    @Test func example5_6BookTheNextCycleWakesTheScavengerAtOnce() throws {
        var (rt, kernel) = try startedRuntime()
        let b = try rt.allocate(size: 600 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        kernel.logTouches = false
        _ = try kernel.touch(address: b, length: 600 * MiB, isWrite: true)
        rt.release(address: b, size: 600 * MiB, scan: false)
        let gcAt: UInt64 = 100_000_000
        while let d = rt.nextDeadline, d <= gcAt { try rt.advance(to: d, kernel: &kernel) }
        let t = gcAt + (try rt.collect(now: gcAt, kernel: &kernel))
        #expect(mib(kernel.rss) > 620)  // runtime.GC() itself releases nothing
        #expect(rt.numGC == 2)
        let b2 = try rt.allocate(size: 300 * MiB, scan: false, goroutine: 0, now: t, kernel: &kernel)
        #expect(b2.address == b)  // first fit: the lower half of the old buffer, still resident
        #expect(rt.gc.phase == .mark)  // 300 MiB crossed the 4 MiB trigger
        // The scavenger is due when that cycle's world restarts, not at sysmon's t + 10 ms.
        #expect(try #require(rt.scavenger.wakeAt) <= t + b2.costNs)
        // Well before sysmon's 10 ms wake-up, the scavenger has run once. (This recording
        // kernel has no huge pages, so its releases cost more per byte than Linux's THP
        // zaps: the replay of traces/seed/ex5-6.gmr through LinuxKernel gives ~441 MiB.)
        let checkpoint = t + b2.costNs + 1_000_000
        while let d = rt.nextDeadline, d <= checkpoint { try rt.advance(to: d, kernel: &kernel) }
        let released = mib(rt.scavengerTotals.background)
        #expect(released > 100 && released < 300, "released \(released) MiB")
        #expect(mib(kernel.rss) > 322 && mib(kernel.rss) < 521, "RSS \(mib(kernel.rss))")
        #expect(rt._checkInvariants() == [])
    }

    /// Example 5-6 `freeosmem`: debug.FreeOSMemory() releases everything at once.
    @Test func example5_6FreeOSMemoryReleasesAtOnce() throws {
        var (rt, kernel) = try startedRuntime()
        let b = try rt.allocate(size: 600 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        kernel.logTouches = false
        _ = try kernel.touch(address: b, length: 600 * MiB, isWrite: true)
        rt.release(address: b, size: 600 * MiB, scan: false)
        _ = try rt.collect(now: 1_000, kernel: &kernel)
        _ = try rt.freeOSMemory(now: 2_000, kernel: &kernel)
        // RSS 21.5 MiB, HeapReleased 603.45 MiB.
        #expect(abs(mib(kernel.rss) - 21.5) < 1.5, "RSS \(mib(kernel.rss))")
        #expect(abs(mib(rt.heapReleased) - 603.45) < 1, "HeapReleased \(mib(rt.heapReleased))")
        #expect(rt.numForcedGC == 2)
        #expect(kernel.mappings(overlapping: b, b + 600 * MiB) == ["2048/nh", "612352/hg", "2048/nh"])
        // make([]byte, 300<<20) again: reused memory is zeroed, so it is all resident.
        _ = try rt.allocate(size: 300 * MiB, scan: false, goroutine: 0, now: 3_000, kernel: &kernel)
        #expect(abs(mib(kernel.rss) - 322.6) < 3, "RSS \(mib(kernel.rss))")
        #expect(abs(mib(rt.heapReleased) - 303.4) < 1.5, "HeapReleased \(mib(rt.heapReleased))")
        #expect(rt._checkInvariants() == [])
    }

    @Test func allocatingOverTheMemoryLimitScavengesSynchronously() throws {
        var (rt, kernel) = try startedRuntime { $0.memoryLimit = 100 * MiB; $0.automaticGC = false }
        let a = try rt.allocate(size: 80 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        _ = try rt.allocate(size: 1 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel)  // stays live after a
        kernel.logTouches = false
        _ = try kernel.touch(address: a, length: 80 * MiB, isWrite: true)
        rt.release(address: a, size: 80 * MiB, scan: false)
        _ = try rt.collect(now: 0, kernel: &kernel)
        #expect(rt.heapFree >= 80 * MiB)
        // 100 MiB do not fit in the 80 MiB hole: fresh (released) pages that would be paged
        // in over the limit, so the allocation first releases the free 80 MiB
        // (mheap.go:1269-1283).
        _ = try rt.allocate(size: 100 * MiB, scan: false, goroutine: 0, now: 1, kernel: &kernel)
        #expect(rt.heapFree < 1 * MiB)
        #expect(kernel.residentBytes(in: a, a + 80 * MiB) == 0)
        #expect(rt.scavengerTotals.eager >= 79 * MiB)
        #expect(rt._checkInvariants() == [])
    }

    /// Go 1.19's scavenger walks the heap once per GC cycle, from the top down
    /// (mgcscavenge.go `scavengeStartGen`, started when sweeping completes): pages freed
    /// above the walk wait for the next generation, however far over its goal the heap is.
    @Test func aScavengeGenerationWalksTheHeapOnceFromTheTop() throws {
        var (rt, kernel) = try startedRuntime { $0.automaticGC = false }
        let a = try rt.allocate(size: 8 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        let b = try rt.allocate(size: 8 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        #expect(a < b)
        _ = try kernel.touch(address: a, length: 8 * MiB, isWrite: true)
        _ = try kernel.touch(address: b, length: 8 * MiB, isWrite: true)
        rt.release(address: a, size: 8 * MiB, scan: false)
        _ = try rt.collect(now: 0, kernel: &kernel)  // sweeps `a` free, then a new generation
        // The walk releases `a` and goes on down to the bottom of the heap.
        #expect(try rt.scavenge(bytes: .max, kernel: &kernel).released >= 8 * MiB)
        #expect(kernel.residentBytes(in: a, a + 8 * MiB) == 0)
        // `b` is freed (as a sweep would) above where this generation's walk has been.
        let spanB = Int(rt.spanOfPage[Int((b - GoRuntime.heapBase) >> 13)])
        rt.freeSpan(spanB)
        #expect(try rt.scavenge(bytes: .max, kernel: &kernel).released == 0)
        #expect(kernel.residentBytes(in: b, b + 8 * MiB) == 8 * MiB)
        // Sweeping completes: the next generation starts below the highest page freed.
        rt.startScavengeGeneration()
        #expect(try rt.scavenge(bytes: .max, kernel: &kernel).released == 8 * MiB)
        #expect(kernel.residentBytes(in: b, b + 8 * MiB) == 0)
    }

    @Test func madvFreeWhenMadvdontneedIsOff() throws {
        var (rt, kernel) = try startedRuntime { $0.madvdontneed = false }
        let b = try rt.allocate(size: 8 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        rt.release(address: b, size: 8 * MiB, scan: false)
        _ = try rt.freeOSMemory(now: 1, kernel: &kernel)
        #expect(kernel.calls.contains { if case .advise(_, _, .free) = $0 { return true } else { return false } })
        #expect(!kernel.calls.contains { if case .advise(_, _, .dontNeed) = $0 { return true } else { return false } })
    }

    @Test func go120DoesNotClearTheBitmapOfLargeSpans() throws {
        var (rt, kernel) = try startedRuntime { $0.goVersion = .go1_20 }
        let rss0 = kernel.rss
        _ = try rt.allocate(size: 600 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel)
        #expect(mib(kernel.rss - rss0) < 1.5)
    }

    @Test func go122AddsMallocHeadersToLargeScanObjects() throws {
        var (rt, kernel) = try startedRuntime { $0.goVersion = .go1_22 }
        let before = rt.heapAlloc
        _ = try rt.allocate(size: 1024, scan: true, goroutine: 0, now: 0, kernel: &kernel)   // 1032 → 1152 class
        _ = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: 0, kernel: &kernel)  // no header
        #expect(rt.heapAlloc - before == 1152 + 1024)
    }
}
