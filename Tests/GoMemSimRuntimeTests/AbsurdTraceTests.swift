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
    /// runtime model's `now + cost` then trapped at the next allocation.
    @Test(arguments: [RuntimeModelKind.go, .idealized])
    func timesNearTwoToTheSixtyFourStopAtTheEndOfTime(runtimeModel: RuntimeModelKind) throws {
        let result = try replay("""
            sleep 18446744073709551615ns
            alloc 1 16 noscan
            compute 18446744073709551615ns
            alloc 2 64KiB scan
            gc
            free 1
            """, runtimeModel: runtimeModel)
        #expect(result.status == .complete, "\(result.failure ?? "")")
        #expect(result.virtualTimeNs >= Engine<TextTraceReader, UnmodelledKernel, UnmodelledRuntime, UnmodelledHardware>.endOfTimeNs)
    }

    /// `globals` of 2⁶⁴ − 1 bytes overflowed the pacer's scan-work sum at the next GC.
    @Test func globalsBeyondTheAddressSpaceAreRejectedAtTheRecord() throws {
        let result = try replay("alloc 1 16 noscan\nglobals 18446744073709551615\ngc\n")
        #expect(result.status == .failed)
        #expect(result.failure == "t.gmt:3:1: expected a globals size of at most 128 TiB (the user address space), found 18446744073709551615")
        #expect(try replay("globals 128TiB\ngc\n").status == .complete)
    }
}
