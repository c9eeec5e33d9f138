import Foundation
import GoMemSimTrace
import Testing
@testable import GoMemSimRecorder

@Suite struct SynthCatalogTests {
    static let smallRuns: [(String, [String: String])] = [
        ("access", ["pattern": "random", "size": "1MiB", "n": "5000", "writes": "0.3"]),
        ("access", ["pattern": "zipf", "size": "1MiB", "n": "5000"]),
        ("access", ["pattern": "chase", "size": "1MiB", "n": "5000"]),
        ("churn", ["live": "64KiB", "size": "16..2KiB", "total": "1MiB", "victim": "random", "scan": "0.3"]),
        ("leak", ["total": "1MiB"]),
        ("server", ["requests": "500"]),
    ]

    @Test func sameSeedGivesTheSameRecordsAndAnotherSeedOthers() throws {
        for (kind, parameters) in Self.smallRuns {
            let first = try synth(kind, parameters, seed: 11)
            let again = try synth(kind, parameters, seed: 11)
            let other = try synth(kind, parameters, seed: 12)
            #expect(first == again, "\(kind) \(parameters)")
            #expect(first != other, "\(kind) \(parameters)")
        }
    }

    @Test func everyKindBuildsWithItsDefaultsAndNamesItsOrigin() throws {
        for kind in Synth.kinds {
            var source = try Synth.make(kind: kind.name, parameters: [:], seed: 3)
            #expect(source.origin.hasPrefix("synth:\(kind.name) "))
            #expect(source.origin.hasSuffix(" seed=3"))
            #expect(source.next() != nil)
            // The help lists exactly the parameters the kind reads: each one is accepted.
            for parameter in kind.parameters where !parameter.default.isEmpty {
                #expect(throws: Never.self) {
                    _ = try Synth.make(kind: kind.name, parameters: [parameter.name: parameter.default], seed: 3)
                }
            }
        }
    }

    @Test func originSpellsSizesInBinaryUnits() throws {
        let source = try Synth.make(kind: "access", parameters: ["pattern": "random", "size": "1GiB", "n": "100000000"],
                                    seed: 1)
        #expect(source.origin == "synth:access pattern=random backing=heap size=1GiB n=100000000 element=8 writes=0.0 seed=1")
    }

    @Test func badParametersAreReportedPrecisely() {
        func message(_ kind: String, _ parameters: [String: String]) -> String? {
            do {
                _ = try Synth.make(kind: kind, parameters: parameters, seed: 1)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message("churn", ["live": "12Q"]) == #"synth: record 0: expected a size for "live", found "12Q""#)
        #expect(message("server", ["gap": "10 ms"]) == #"synth: record 0: expected a duration for "gap", found "10 ms""#)
        #expect(message("access", ["pattern": "spiral"])
            == #"synth: record 0: expected one of sequential, strided, random, zipf, chase for "pattern", found "spiral""#)
        #expect(message("churn", ["scan": "1.5"])?.contains("expected a fraction between 0 and 1") == true)
        #expect(message("churn", ["lvie": "1MiB"])?.contains(#"found "lvie""#) == true)
        #expect(message("fractal", [:])?.contains(#"expected a synth kind (access, churn, gc-grid, leak, server, gc-guide), found "fractal""#) == true)
        #expect(message("churn", ["live": "1KiB", "size": "4KiB"])?.contains("a live set of at least the largest object") == true)
        #expect(message("gc-grid", ["S": "0"]) != nil)
        #expect(message("gc-guide", ["phases": "1s:20MiB:2:0"])?.contains("expected a phase") == true)
        #expect(message("access", ["pattern": "random", "range": "true"]) != nil)
    }

    /// A chase over 1 GiB (16 M slots) starts at once: the cycle is computed, not stored.
    @Test func chaseOverOneGiBNeedsNoTable() throws {
        var source = try Synth.make(kind: "access", parameters: ["pattern": "chase", "size": "1GiB", "n": "100000",
                                                                "backing": "raw", "base": "0x10000"], seed: 1)
        var slots = Set<UInt64>()
        while let record = source.next() {
            if case let .load(address, 8, true) = record.event { slots.insert((address - 0x10000) / 64) }
        }
        #expect(slots.count == 100_000, "no slot repeats within a lap")
        #expect(slots.allSatisfy { $0 < 1 << 24 })
    }

    @Test func generatorsRejectInvalidParametersBuiltInCode() {
        var churn = ChurnParameters()
        churn.sizes = .weighted([])
        #expect(throws: TraceError.self) { try ChurnGenerator(churn, seed: 1) }
        var grid = GCGridParameters()
        grid.objectBytes = 0
        #expect(throws: TraceError.self) { try GCGridGenerator(grid, seed: 1) }
        var server = RequestServerParameters()
        server.workers = 0
        #expect(throws: TraceError.self) { try RequestServerGenerator(server, seed: 1) }
        var access = AccessPatternParameters()
        access.elementBytes = 0
        #expect(throws: TraceError.self) { try AccessPatternGenerator(access, seed: 1) }
        var leak = LeakParameters()
        leak.sizes = .uniform(min: 10, max: 5)
        #expect(throws: TraceError.self) { try LeakGenerator(leak, seed: 1) }
        var guide = GCGuideParameters()
        guide.phases = []
        #expect(throws: TraceError.self) { try GCGuideGenerator(guide, seed: 1) }
    }

    @Test func sizesAndDurationsParse() {
        #expect(SynthFormat.parseSize("4096") == 4096)
        #expect(SynthFormat.parseSize("64KiB") == 65_536)
        #expect(SynthFormat.parseSize("1.5GiB") == 3 << 29)
        #expect(SynthFormat.parseSize("2TiB") == 2 << 40)
        #expect(SynthFormat.parseSize("12Q") == nil)
        #expect(SynthFormat.parseSize("-1") == nil)
        #expect(SynthFormat.parseSize("99999999999GiB") == nil)
        #expect(SynthFormat.parseDuration("250ns") == 250)
        #expect(SynthFormat.parseDuration("10us") == 10_000)
        #expect(SynthFormat.parseDuration("5ms") == 5_000_000)
        #expect(SynthFormat.parseDuration("0.5s") == 500_000_000)
        #expect(SynthFormat.parseDuration("10") == nil)
        #expect(SynthFormat.size(1 << 30) == "1GiB" && SynthFormat.size(1536) == "1536" && SynthFormat.size(3 << 10) == "3KiB")
        #expect(SynthFormat.duration(10_000_000) == "10ms" && SynthFormat.duration(1_500) == "1500ns")
        #expect(SynthFormat.parseSizeDistribution("64..4KiB") == .uniform(min: 64, max: 4096))
        #expect(SynthFormat.parseSizeDistribution("64:3,1KiB:1") == .weighted([.init(bytes: 64, weight: 3), .init(bytes: 1024, weight: 1)]))
        #expect(SynthFormat.parseSizeDistribution("4KiB..64") == nil)
    }

    @Test func keyValueWordsBecomeParameters() throws {
        #expect(try Synth.parameters(["live=1MiB", "size=64..1KiB"]) == ["live": "1MiB", "size": "64..1KiB"])
        #expect(throws: TraceError.self) { try Synth.parameters(["live"]) }
        #expect(throws: TraceError.self) { try Synth.parameters(["a=1", "a=2"]) }
    }

    @Test func parametersRoundTripThroughCodable() throws {
        var parameters = ChurnParameters()
        parameters.sizes = .weighted([.init(bytes: 64, weight: 3)])
        let data = try JSONEncoder().encode(parameters)
        #expect(try JSONDecoder().decode(ChurnParameters.self, from: data) == parameters)
    }

    /// 10 M records consumed one at a time: nothing is kept per record (the generator
    /// holds a position, the consumer a count).
    @Test func tenMillionRecordStreamIsConsumedInConstantMemory() throws {
        var source = try Synth.make(kind: "access", parameters: ["pattern": "sequential", "size": "1GiB",
                                                                "n": "10000000", "backing": "raw"], seed: 1)
        var count: UInt64 = 0
        var checksum: UInt64 = 0
        while let record = source.next() {
            count += 1
            if case let .load(address, _, _) = record.event { checksum &+= address }
        }
        #expect(count == 10_000_001)
        #expect(source.recordCount == count)
        #expect(source.location == .record(origin: source.origin, index: count))
        #expect(checksum != 0)
    }
}
