import GoMemSimCore
import GoMemSimTrace
import Testing
@testable import GoMemSimRuntime

let MiB: UInt64 = 1 << 20

/// A Go 1.19 runtime started on the recording kernel.
func startedRuntime(_ configure: (inout RuntimeConfig) -> Void = { _ in }) throws -> (GoRuntime, RecordingKernel) {
    var config = RuntimeConfig()
    configure(&config)
    var runtime = GoRuntime(config: config)
    var kernel = RecordingKernel()
    try runtime.start(now: 0, kernel: &kernel)
    return (runtime, kernel)
}

@Suite struct AllocatorTests {
    @Test func tinyAllocationsPackWithGoAlignment() throws {
        var (rt, kernel) = try startedRuntime()
        let mallocs = rt.mallocs, objects = rt.heapObjects
        let a1 = try rt.allocate(size: 1, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        let a2 = try rt.allocate(size: 2, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        let a8 = try rt.allocate(size: 8, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        let a4 = try rt.allocate(size: 4, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        #expect(a1 % 16 == 0)
        #expect(a2 == a1 + 2)   // aligned to 2 after the 1-byte object
        #expect(a8 == a1 + 8)   // aligned to 8; fills the block exactly
        #expect(a4 == a1 + 16)  // does not fit: a new block, the next 16-byte slot
        #expect(rt.tinyAllocs == 2)
        #expect(rt.mallocs - mallocs == 4)
        #expect(rt.heapObjects - objects == 2)
        var figures = MemoryFigures()
        rt.fill(&figures)
        #expect(figures.mallocs! - figures.frees! == figures.heapObjects!)
        #expect(rt._checkInvariants() == [])
    }

    @Test func tinyBlockIsFreedOnlyWhenAllSubObjectsAre() throws {
        var (rt, kernel) = try startedRuntime()
        let x = try rt.allocate(size: 4, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        let y = try rt.allocate(size: 4, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        #expect(y == x + 4)
        let objects = rt.heapObjects
        rt.release(address: x, size: 4, scan: false)
        _ = try rt.collect(now: 0, kernel: &kernel)
        #expect(rt.heapObjects == objects)      // y still holds the block
        rt.release(address: y, size: 4, scan: false)
        _ = try rt.collect(now: 0, kernel: &kernel)
        #expect(rt.heapObjects == objects - 1)
        #expect(rt._checkInvariants() == [])
    }

    @Test func largeObjectsGetWholePages() throws {
        var (rt, kernel) = try startedRuntime()
        for (size, pages) in [(UInt64(32769), UInt64(5)), (40960, 5), (40961, 6), (600 * MiB, 76800)] {
            let before = rt.heapAlloc
            let a = try rt.allocate(size: size, scan: false, goroutine: 0, now: 0, kernel: &kernel)
            #expect(a.address % 8192 == 0)
            #expect(rt.heapAlloc - before == pages * 8192, "size \(size)")
        }
        #expect(rt._checkInvariants() == [])
    }

    @Test func mcacheRefillAddsTheSpansFreeRemainderToHeapLive() throws {
        var (rt, kernel) = try startedRuntime()
        let live = rt.heapLive
        // 112-byte class: 73 objects in one page, 16 bytes of tail; not used at start-up.
        _ = try rt.allocate(size: 100, scan: true, goroutine: 0, now: 0, kernel: &kernel)
        #expect(rt.heapLive - live == 8192)
        for _ in 1..<73 { _ = try rt.allocate(size: 100, scan: true, goroutine: 0, now: 0, kernel: &kernel) }
        #expect(rt.heapLive - live == 8192)
        _ = try rt.allocate(size: 100, scan: true, goroutine: 0, now: 0, kernel: &kernel)
        #expect(rt.heapLive - live == 2 * 8192)
        // A large object adds its pages.
        _ = try rt.allocate(size: 40000, scan: false, goroutine: 0, now: 0, kernel: &kernel)
        #expect(rt.heapLive - live == 2 * 8192 + 5 * 8192)
    }

    @Test func churnFragmentationRowsMatchHandComputation() throws {
        var (rt, kernel) = try startedRuntime()
        var addresses: [UInt64] = []
        for _ in 0..<100 { addresses.append(try rt.allocate(size: 100, scan: true, goroutine: 0, now: 0, kernel: &kernel).address) }
        for (i, a) in addresses.enumerated() where i % 2 == 1 { rt.release(address: a, size: 100, scan: true) }
        // Before the sweep the released objects still take their slots (the runtime's view).
        var usage = try #require(rt.sizeClassUsage().first { $0.objectSize == 112 })
        #expect(usage.spans == 2 && usage.liveObjects == 100)
        #expect(usage.roundUpWaste == 100 * 12)
        _ = try rt.collect(now: 0, kernel: &kernel)
        usage = try #require(rt.sizeClassUsage().first { $0.objectSize == 112 })
        // Span 1 held objects 0…72 (37 even ones survive), span 2 objects 73…99 (13 survive).
        #expect(usage.sizeClass == 9)
        #expect(usage.spanPages == 1)
        #expect(usage.spans == 2)
        #expect(usage.liveObjects == 50)
        #expect(usage.liveBytes == 50 * 112)
        #expect(usage.roundUpWaste == 50 * 12)
        #expect(usage.tailWaste == 2 * (8192 - 73 * 112))
        #expect(usage.freeSlots == (73 - 37) + (73 - 13))
        var rows = ModelRows()
        rt.checkpointRows(seq: 7, into: &rows)
        let table = try #require(rows.tables.first { $0.name == "size_classes" }?.table)
        #expect(table.columns == ["seq", "class", "object_size", "span_pages", "spans", "live_objects", "live_bytes",
                                  "round_up_waste", "tail_waste", "free_slots"])
        #expect(table.rows.contains([.int(7), .int(9), .int(112), .int(1), .int(2), .int(50), .int(5600), .int(600),
                                     .int(32), .int(96)]))
        // Freed slots are reused first-fit from the lowest span, and zeroed (written).
        let again = try rt.allocate(size: 100, scan: true, goroutine: 0, now: 0, kernel: &kernel).address
        #expect(again == addresses[1])
        #expect(kernel.calls.last == .touch(address: again, length: 112, isWrite: true))
        #expect(rt._checkInvariants() == [])
    }

    @Test func emptySpansReturnToTheHeapAndCoalesce() throws {
        var (rt, kernel) = try startedRuntime()
        let inuse = rt.heapInuse, free = rt.heapFree
        let a = try rt.allocate(size: 1 << 20, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        let b = try rt.allocate(size: 1 << 20, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        #expect(b == a + (1 << 20))
        rt.release(address: a, size: 1 << 20, scan: false)
        rt.release(address: b, size: 1 << 20, scan: false)
        _ = try rt.collect(now: 0, kernel: &kernel)
        #expect(rt.heapInuse == inuse)
        #expect(rt.heapFree == free + 2 << 20)
        // The two freed runs merged: a 2 MiB object fits where they were.
        let c = try rt.allocate(size: 2 << 20, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        #expect(c == a)
        // Reused memory is zeroed: the whole object is written.
        #expect(kernel.calls.contains(.touch(address: a, length: 2 << 20, isWrite: true)))
        #expect(rt._checkInvariants() == [])
    }

    @Test func freshMemoryIsNotZeroed() throws {
        var (rt, kernel) = try startedRuntime()
        let a = try rt.allocate(size: 1 << 20, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        #expect(!kernel.calls.contains { if case .touch(let addr, _, _) = $0 { return addr == a } else { return false } })
        #expect(kernel.residentBytes(in: a, a + (1 << 20)) == 0)
    }

    @Test func arenaIsReservedAtTheHintAndHeapGrowsInWholeChunks() throws {
        var (rt, kernel) = try startedRuntime()
        #expect(kernel.calls.contains(.map(address: 0xc0_0000_0000, length: 64 * MiB, protection: .none,
                                           fixed: 0xc0_0000_0000)))
        #expect(kernel.calls.contains(.protect(address: 0xc0_0000_0000, length: 4 * MiB, protection: [.read, .write])))
        let sys = rt.heapSys + rt.stackInuse
        #expect(sys == 4 * MiB)
        // 5 MiB do not fit in what is left of the first chunk: grow by 8 MiB (2 chunks).
        _ = try rt.allocate(size: 5 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel)
        #expect(kernel.calls.contains(.protect(address: 0xc0_0040_0000, length: 8 * MiB, protection: [.read, .write])))
        #expect(rt.heapSys + rt.stackInuse == 12 * MiB)
        // Past 64 MiB, the next arena is reserved right above the first.
        _ = try rt.allocate(size: 60 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel)
        #expect(kernel.calls.contains(.map(address: 0xc0_0400_0000, length: 64 * MiB, protection: .none,
                                           fixed: 0xc0_0400_0000)))
        #expect(rt.heapSys + rt.stackInuse == 72 * MiB)
        #expect(rt._checkInvariants() == [])
    }

    @Test func goroutineStacksComeFromStackSpans() throws {
        var (rt, kernel) = try startedRuntime()
        let stacks = rt.stackInuse
        for g in UInt32(1)...5 { rt.goroutineStarted(g, now: 0) }
        _ = try rt.allocate(size: 64, scan: true, goroutine: 0, now: 0, kernel: &kernel)
        // The start-up pool span has 3 free 8 KiB stacks left (5 start-up goroutines); 2 more need a new 32 KiB span.
        #expect(rt.stackInuse == stacks + 32 << 10)
        for g in UInt32(1)...5 { rt.goroutineExited(g, now: 0) }
        #expect(rt.stackInuse == stacks)
        #expect(rt._checkInvariants() == [])
    }

    @Test func automaticCollectionAtTheGoalSweepsReleasedObjects() throws {
        var (rt, kernel) = try startedRuntime()
        let baseline = rt.heapAlloc
        var allocated = 0
        while rt.numGC == 0 && allocated < 100_000 {
            let a = try rt.allocate(size: 1000, scan: true, goroutine: 0, now: 0, kernel: &kernel).address
            rt.release(address: a, size: 1000, scan: true)
            allocated += 1
        }
        // 1024-byte class, 8 per span: heapLive grows 8 KiB per refill from ~0.1 MiB to the
        // 4 MiB goal; the object whose refill crossed it is still live at the collection.
        #expect(rt.numGC == 1 && rt.numForcedGC == 0)
        #expect(allocated > 3_800 && allocated < 4_200, "\(allocated)")
        // Objects allocated while marking are black: marked = the live baseline plus them
        // (each assist pre-pays at least 64 KiB of scan work, so there are few).
        #expect(rt.heapMarked > baseline + 1024 && rt.heapMarked < baseline + 1 * MiB, "\(rt.heapMarked)")
        // The dead objects keep their slots until swept; after the sweep only the marked remain.
        #expect(rt.heapAlloc > 3 * MiB)
        _ = rt.finishSweep()
        #expect(rt.heapAlloc == rt.heapMarked)
        #expect(rt._checkInvariants() == [])
    }

    @Test func invalidReleasesAreIgnoredAndCounted() throws {
        var (rt, kernel) = try startedRuntime()
        let a = try rt.allocate(size: 64, scan: true, goroutine: 0, now: 0, kernel: &kernel).address
        rt.release(address: a, size: 64, scan: true)
        rt.release(address: a, size: 64, scan: true)
        rt.release(address: 0x1234, size: 8, scan: false)
        #expect(rt.invalidReleases == 2)
        #expect(rt._checkInvariants() == [])
    }

    /// A release of a small object finds its slot from the page's ``ObjectPage`` alone:
    /// for every class, an object on a later page of a multi-page span, an address
    /// inside an object (the slot holding it, as `objIndex` gives), the tail past the
    /// last slot, a double release, and addresses of a large and of a stack span.
    @Test func releasesFindTheirSlotThroughThePageRecord() throws {
        var (rt, kernel) = try startedRuntime()
        var released: UInt64 = 0, releasedBytes: UInt64 = 0
        for c in 1..<SizeClasses.count {
            let size = UInt64(SizeClasses.classToSize[c])
            let nelems = Int(SizeClasses.objectsPerSpan(c))
            // Fill a span of the class (the one the runtime's start left cached, if any,
            // then a new one), then release the last object through an interior address
            // (on the span's last page when it has several).
            var addresses: [UInt64] = []
            for _ in 0..<nelems {
                addresses.append(try rt.allocate(size: size, scan: true, goroutine: 0, now: 0, kernel: &kernel).address)
            }
            let last = try #require(addresses.last)
            let before = rt.invalidReleases
            rt.release(address: last + size / 2, size: size, scan: true)
            released += 1
            releasedBytes += size
            #expect(rt.invalidReleases == before, "class \(c)")
            rt.release(address: last, size: size, scan: true)  // the same slot again
            #expect(rt.invalidReleases == before + 1, "class \(c)")
            let spanBytes = UInt64(SizeClasses.classToAllocNPages[c]) * SizeClasses.pageSize
            let base = rt.spans.spans[try #require(rt.spanID(containing: last))].base
            if spanBytes % size != 0 {
                rt.release(address: base + spanBytes - 1, size: 1, scan: true)  // tail: no slot
                #expect(rt.invalidReleases == before + 2, "class \(c)")
            }
        }
        #expect(rt.gc.releasedObjects == released)
        #expect(rt.gc.releasedBytes == releasedBytes)
        let large = try rt.allocate(size: 40_000, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        rt.release(address: large + 8192, size: 40_000, scan: false)  // not its base: still the object
        #expect(rt.gc.releasedObjects == released + 1)
        #expect(rt._checkInvariants() == [])
    }

    @Test func latencyRowsCoverEveryPath() throws {
        var (rt, kernel) = try startedRuntime()
        _ = try rt.allocate(size: 3, scan: false, goroutine: 1, now: 0, kernel: &kernel)
        _ = try rt.allocate(size: 300, scan: true, goroutine: 1, now: 0, kernel: &kernel)
        _ = try rt.allocate(size: 300, scan: true, goroutine: 1, now: 0, kernel: &kernel)
        _ = try rt.allocate(size: 50_000, scan: true, goroutine: 1, now: 0, kernel: &kernel)
        var rows = ModelRows()
        rt.runRows(into: &rows)
        let table = try #require(rows.tables.first { $0.name == "latency" }?.table)
        #expect(table.columns == ["op", "count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns"])
        #expect(table.rows.map { $0[0] } == [.text("alloc"), .text("alloc_tiny"), .text("alloc_small"), .text("alloc_large")])
        #expect(table.rows[0][1] == .int(4))
        // The second 300-byte object takes the cached span's next slot: the fast path only.
        #expect(rt.allocationCounts == (1, 2, 1))
    }
}

/// The heap profiler's bucket hash table (mprof.go `stkbucket`): mapped by the first
/// sampled allocation, after about `MemProfileRate` bytes, and counted in `Sys` (so by
/// GOMEMLIMIT); never with `MemProfileRate = 0`.
@Test func theFirstProfileSampleMapsTheBucketHashTable() throws {
    var (rt, kernel) = try startedRuntime()
    let sys0 = rt.sys
    var allocated: UInt64 = 0
    while rt.buckHashSys == 0 && allocated < 1 << 20 {
        _ = try rt.allocate(size: 1024, scan: false, goroutine: 0, now: 0, kernel: &kernel)
        allocated += 1024
    }
    // 512 KiB counted from the start, the runtime's own ~48 KiB of start-up objects included.
    #expect(allocated > 448 << 10 && allocated <= 512 << 10, "first sample after \(allocated) B")
    #expect(rt.buckHashSys == 1_441_792)  // 179 999 pointers, in whole 4 KiB pages
    #expect(rt.sys - sys0 >= 1_441_792)
    _ = try rt.allocate(size: 8 << 20, scan: false, goroutine: 0, now: 0, kernel: &kernel)
    #expect(rt.buckHashSys == 1_441_792)  // mapped once

    var (off, offKernel) = try startedRuntime { $0.memProfileRate = 0 }
    _ = try off.allocate(size: 8 << 20, scan: false, goroutine: 0, now: 0, kernel: &offKernel)
    #expect(off.buckHashSys == 0)
}
