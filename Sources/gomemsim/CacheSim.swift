import ArgumentParser
import Foundation
import GoMemSimHardware
import GoMemSimTrace

/// `gomemsim cachesim`: the Cache Lab reference simulator (`csim-ref`) and Cachegrind's
/// cache simulation over valgrind lackey traces, counter for counter.
struct CacheSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cachesim",
        abstract: "Simulate a cache over a valgrind lackey trace, as Cache Lab's csim-ref or as Cachegrind.",
        discussion: """
        Cache Lab mode (default): gomemsim cachesim -s S -E E -b B -t TRACE [-v]
          One cache of 2^S sets, E lines each, 2^B-byte blocks, LRU. I lines are ignored, \
        M is a load then a store, accesses are never split. Prints hits:N misses:N evictions:N.

        Cachegrind mode: gomemsim cachesim --cachegrind [--I1 S,A,L] [--D1 S,A,L] [--LL S,A,L] TRACE
          Separate I1 and D1, a unified LL reached on L1 misses, straddling accesses split, \
        M counted as one read. Prints the counters as Cachegrind and cg_annotate name them.
        """
    )

    @Option(name: .customShort("s"), help: "Cache Lab: number of set index bits (2^s sets).")
    var setBits: Int?

    @Option(name: .customShort("E"), help: "Cache Lab: lines per set.")
    var linesPerSet: Int?

    @Option(name: .customShort("b"), help: "Cache Lab: number of block bits (2^b-byte blocks).")
    var blockBits: Int?

    @Option(name: .customShort("t"), help: "The lackey trace.")
    var trace: String?

    @Flag(name: .customShort("v"), help: "Cache Lab: print each access's outcome.")
    var verbose = false

    @Flag(help: "Cachegrind mode.")
    var cachegrind = false

    @Option(name: .customLong("I1"), help: "Cachegrind: I1 size,assoc,line_size.")
    var i1 = "32768,8,64"

    @Option(name: .customLong("D1"), help: "Cachegrind: D1 size,assoc,line_size.")
    var d1 = "32768,8,64"

    @Option(name: .customLong("LL"), help: "Cachegrind: LL size,assoc,line_size.")
    var ll = "8388608,16,64"

    @Argument(help: "The lackey trace (instead of -t).")
    var tracePath: String?

    func validate() throws {
        guard trace != nil || tracePath != nil else { throw ValidationError("a trace is required (-t TRACE or a path)") }
        if !cachegrind {
            guard setBits != nil, linesPerSet != nil, blockBits != nil else {
                throw ValidationError("Cache Lab mode needs -s, -E and -b (or use --cachegrind)")
            }
        }
    }

    func run() throws {
        let path = trace ?? tracePath ?? ""
        do {
            var reader = try LackeyReader(path: path)
            if cachegrind {
                var sim = try CachegrindSimulator(
                    i1: .init(parsing: i1, option: "--I1"), d1: .init(parsing: d1, option: "--D1"),
                    ll: .init(parsing: ll, option: "--LL"))
                while let access = try reader.nextAccess() { sim.reference(access) }
                print("I1 cache:         \(sim.i1)")
                print("D1 cache:         \(sim.d1)")
                print("LL cache:         \(sim.ll)")
                print("")
                print(sim.summary)
                print("")
                print(sim.eventSummary)
            } else {
                var sim = try CacheLabSimulator(setBits: setBits ?? 0, linesPerSet: linesPerSet ?? 1,
                                                blockBits: blockBits ?? 0)
                while let access = try reader.nextAccess() {
                    let (first, second) = sim.reference(access)
                    guard verbose, let first else { continue }
                    var line = "\(Character(UnicodeScalar(access.kind.rawValue))) "
                        + String(access.address, radix: 16) + ",\(access.size)"
                    for outcome in [first, second].compactMap({ $0 }) {
                        line += outcome.hit ? " hit" : (outcome.eviction ? " miss eviction" : " miss")
                    }
                    print(line)
                }
                print(sim.summary)
            }
        } catch let error as TraceError {
            printError(error.description)
            throw ExitCode(2)
        } catch let error as HardwareConfigError {
            printError(error.description)
            throw ExitCode(2)
        }
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data("gomemsim: \(message)\n".utf8))
    }
}
