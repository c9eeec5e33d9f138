import Testing
import GoMemSimRecorder

/// A compiled script is a lazy interpreter: a loop of a million allocations yields its
/// records one by one while the interpreter's state stays the size of the live set.
struct DSLStreamingTests {
    @Test func aMillionAllocationLoopStreamsWithABoundedLiveSet() throws {
        var script = try Script.compile(source: """
        ring := make([][]byte, 64)
        for i := 0; i < 1_000_000; i++ {
            ring[i%64] = make([]byte, 1024)
        }
        """, path: "churn.gmr")
        var allocs = 0, frees = 0, writes = 0, total = 0
        var maxLive = 0
        while let record = try script.next() {
            total += 1
            switch record.event {
            case .alloc: allocs += 1
            case .free: frees += 1
            case .write: writes += 1
            default: break
            }
            if total % 1000 == 0 { maxLive = max(maxLive, script.liveObjectCount) }
        }
        // The ring, then per iteration: alloc, slot write, and (after the first 64) a free.
        #expect(allocs == 1_000_001)
        #expect(writes == 1_000_000)
        #expect(frees == 1_000_000 - 64)
        #expect(total == 1 + 3 * 1_000_000 - 64)
        // Ring plus its 64 slots (plus the one being replaced) — never the million.
        #expect(maxLive <= 66)
        #expect(script.liveObjectCount == 65)
    }

    @Test func aRangeLoopOverAHugeSliceIsOneEvent() throws {
        #expect(try records("""
        b := make([]byte, 1<<40)
        for i := range b {
            b[i] = byte(i)
        }
        sum := 0
        for i := range b {
            sum += int(b[i])
        }
        for i := range b[4096:8192] {
            _ = i
        }
        """) == ["alloc 1 1099511627776 noscan", "write 1 0 1099511627776", "read 1 0 1099511627776"])
    }

    @Test func aRangeLoopWithARealBodyRunsPerElement() throws {
        #expect(try records("""
        ring := make([][]byte, 3)
        for i := range ring {
            ring[i] = make([]byte, 10)
        }
        for i := range 2 {
            work(time.Duration(i+1) * time.Microsecond)
        }
        """) == [
            "alloc 1 72 scan",
            "alloc 2 10 noscan", "write 1 0 24",
            "alloc 3 10 noscan", "write 1 24 24",
            "alloc 4 10 noscan", "write 1 48 24",
            "compute 1000", "compute 2000",
        ])
    }

    @Test func aRangeLoopThatCanBreakIsNotCollapsed() throws {
        #expect(try records("""
        b := make([]byte, 1000)
        for i := range b {
            b[i] = 1
            if i == 1 { break }
        }
        """) == ["alloc 1 1000 noscan", "write 1 0 1", "write 1 1 1"])
    }

    @Test func aLoopThatNeverProducesAnEventIsReportedNotHung() throws {
        #expect(failure("""
        x := 0
        for x >= 0 {
            x = 1
        }
        """) == "x.gmr:2:1: the script ran 10000000 steps without a trace event (an endless loop?)")
    }
}
