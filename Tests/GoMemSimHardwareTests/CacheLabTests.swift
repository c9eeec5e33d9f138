import GoMemSimHardware
import GoMemSimTrace
import Testing

struct CacheLabCase: CustomStringConvertible, Sendable {
    var trace: String, s: Int, e: Int, b: Int, hits: UInt64, misses: UInt64, evictions: UInt64
    var description: String { "\(trace) s=\(s) E=\(e) b=\(b)" }

    /// The rows of standard-cases.tsv (trace, s, E, b, hits, misses, evictions).
    static func standard() throws -> [CacheLabCase] {
        let text = try Calibration.text(Calibration.root + "/cachelab/standard-cases.tsv")
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t").map(String.init)
            return CacheLabCase(trace: f[0], s: Int(f[1])!, e: Int(f[2])!, b: Int(f[3])!,
                                hits: UInt64(f[4])!, misses: UInt64(f[5])!, evictions: UInt64(f[6])!)
        }
    }
}

func runCacheLab(_ c: CacheLabCase) throws -> CacheLabSimulator {
    var sim = try CacheLabSimulator(setBits: c.s, linesPerSet: c.e, blockBits: c.b)
    var reader = try LackeyReader(path: Calibration.root + "/cachelab/traces/" + c.trace)
    while let access = try reader.nextAccess() { _ = sim.reference(access) }
    return sim
}

@Test func standardCacheLabCasesMatchTheReferenceSimulator() throws {
    let cases = try CacheLabCase.standard()
    #expect(cases.count == 8)
    for c in cases {
        let sim = try runCacheLab(c)
        #expect(sim.hits == c.hits, "\(c)")
        #expect(sim.misses == c.misses, "\(c)")
        #expect(sim.evictions == c.evictions, "\(c)")
    }
}

/// The handout's worked example (`csim-ref -v -s 4 -E 1 -b 4 -t traces/yi.trace`).
@Test func verboseOutcomesFollowTheHandoutExample() throws {
    var sim = try CacheLabSimulator(setBits: 4, linesPerSet: 1, blockBits: 4)
    var reader = try LackeyReader(path: Calibration.root + "/cachelab/traces/yi.trace")
    var words: [String] = []
    while let access = try reader.nextAccess() {
        let (first, second) = sim.reference(access)
        for outcome in [first, second].compactMap({ $0 }) {
            words.append(outcome.hit ? "hit" : (outcome.eviction ? "miss eviction" : "miss"))
        }
    }
    #expect(words == ["miss", "miss", "hit", "hit", "hit", "miss eviction", "miss eviction", "miss eviction", "hit"])
    #expect(sim.summary == "hits:4 misses:5 evictions:3")
}

@Test func impossibleGeometriesAreRejected() {
    #expect(throws: HardwareConfigError.self) { try CacheLabSimulator(setBits: 40, linesPerSet: 1, blockBits: 30) }
    #expect(throws: HardwareConfigError.self) { try CacheLabSimulator(setBits: 2, linesPerSet: 0, blockBits: 4) }
}
