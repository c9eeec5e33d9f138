import GoMemSimCore
import GoMemSimEngine
import GoMemSimTrace
import Testing

/// Traces that are well-formed but absurd, through every real model (the engine's own
/// tests use unmodelled ones): each ends in a result or a located error, never a trap.
/// Found by fuzzing the replay with generated records.
@Suite struct AbsurdTraceTests {
    func replay(_ lines: String, runtimeModel: RuntimeModelKind = .go) throws -> RunResult {
        var config = RunConfig()
        config.profile = "tiny"
        config.runtimeModel = runtimeModel
        let source = TextTraceReader(bytes: Array(("gomemsim-trace 1\n" + lines).utf8), origin: "t.gmt")
        return try Simulation.run(source: source, config: config, profile: try SimulationProfile.load("tiny"))
    }

    /// A sleep or a compute of 2⁶⁴ − 1 ns took the clock to `UInt64.max`, and the Go
    /// runtime model's `now + cost` then trapped at the next allocation. Durations are
    /// now at most 2⁵⁰ ns, but enough of them still reach the end of time.
    @Test(arguments: [RuntimeModelKind.go, .idealized])
    func timesStopAtTheEndOfTime(runtimeModel: RuntimeModelKind) throws {
        let sleeps = String(repeating: "sleep 1125899906842624ns\n", count: 4_100)  // 2⁵⁰ ns each
        let result = try replay(sleeps + """
            alloc 1 16 noscan
            compute 1125899906842624ns
            alloc 2 64KiB scan
            gc
            free 1
            """, runtimeModel: runtimeModel)
        #expect(result.status == .complete, "\(result.failure ?? "")")
        #expect(result.virtualTimeNs >= Engine<TextTraceReader, UnmodelledKernel, UnmodelledRuntime, UnmodelledHardware>.endOfTimeNs)
    }

    /// A sleep of 2⁶⁴ − 1 ns after a GC had the model run the forced GC every 2 minutes
    /// ~10⁷ times over it (minutes of replay): a duration over 2⁵⁰ ns (13 days) is
    /// rejected at its record, in both of the engine's paths (at once, and read ahead
    /// with a second goroutine).
    @Test func durationsOverThirteenDaysAreRejectedAtTheRecord() throws {
        let atOnce = try replay("alloc 1 16 noscan\ngc\nsleep 1125899906842625ns\n")
        #expect(atOnce.status == .failed)
        #expect(atOnce.failure == "t.gmt:4:1: expected a duration of at most 2^50 ns (13 days), found 1125899906842625 ns")
        let readAhead = try replay("go 1\ng1 compute 1ms\ng0 compute 18446744073709551615ns\n")
        #expect(readAhead.status == .failed)
        #expect(readAhead.failure == "t.gmt:4:1: expected a duration of at most 2^50 ns (13 days), found 18446744073709551615 ns")
        let longest = try replay("alloc 1 16 noscan\ngc\nsleep 1125899906842624ns\n")
        #expect(longest.status == .complete, "\(longest.failure ?? "")")
    }

    /// A 1 TiB allocation on a machine of 16 GiB and no swap: Linux refuses the heap's
    /// read-write mmap (heuristic overcommit) and Go throws "out of memory". The model
    /// grew its per-page tables for the whole reservation first — 2.6 GB of the host's
    /// memory and 10–25 s — before it ended with another message; now it stops before.
    @Test func anAllocationBeyondRAMAndSwapIsOutOfMemoryAtOnce() throws {
        let huge = try replay("alloc 1 1TiB noscan\nfree 1\n")
        #expect(huge.status == .oom)
        #expect(huge.failure?.hasPrefix("t.gmt:2:1: runtime: out of memory: cannot allocate 1099511627776-byte block") == true,
                "\(huge.failure ?? "")")
        let large = try replay("alloc 1 12GiB noscan\nwrite 1 0 8\nfree 1\n")
        #expect(large.status == .complete, "\(large.failure ?? "")")
    }

    /// `globals` of 2⁶⁴ − 1 bytes overflowed the pacer's scan-work sum at the next GC.
    @Test func globalsBeyondTheAddressSpaceAreRejectedAtTheRecord() throws {
        let result = try replay("alloc 1 16 noscan\nglobals 18446744073709551615\ngc\n")
        #expect(result.status == .failed)
        #expect(result.failure == "t.gmt:3:1: expected a globals size of at most 128 TiB (the user address space), found 18446744073709551615")
        #expect(try replay("globals 128TiB\ngc\n").status == .complete)
    }
}
