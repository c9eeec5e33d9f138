// `gomemsim-bench replay-digest`: one line per workload with a digest of everything a
// replay through the full model produces (status, event counts, virtual time, every
// sample and checkpoint, the model rows). Speed work must change no modelled figure:
// run it before and after, and the lines must be identical.
import Foundation
import GoMemSimCore
import GoMemSimEngine
import GoMemSimKernel
import GoMemSimRecorder
import GoMemSimRuntime
import GoMemSimTrace

/// FNV-1a over a run's printed result: `Hasher` is seeded per process, this is not.
private func digest(_ result: RunResult) -> String {
    var text = "\(result.status) \(result.failure ?? "") \(result.events) \(result.virtualTimeNs)\n"
    text += "\(result.eventCounts)\n\(result.checkpoints)\n\(result.samples)\n"
    for (name, table) in result.modelRows.tables { text += "\(name) \(table.columns) \(table.rows)\n" }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return String(hash, radix: 16) + " (\(text.utf8.count) bytes)"
}

private func replayDigest<S: TraceSource>(_ name: String, _ source: S, configure: (inout RunConfig) -> Void) {
    var config = RunConfig()
    configure(&config)
    var engine = Engine(source: source, kernel: LinuxKernel(config: KernelConfig()),
                        runtime: GoRuntime(config: RuntimeConfig(config)), hardware: UnmodelledHardware(), config: config)
    let cpu = processCPUSeconds()
    let result = engine.run()
    print(name.padding(toLength: 40, withPad: " ", startingAt: 0), digest(result),
          "events \(result.events)", String(format: "(%.2f s CPU)", processCPUSeconds() - cpu))
    fflush(nil)
}

func runReplayDigest() throws {
    for (gogc, limit) in [(Int32(100), UInt64?.none), (50, 100_663_296), (nil, 100_663_296)] {
        let source = try Synth.make(kind: "gc-grid", parameters: ["L": "64MiB", "S": "1024"], seed: 1)
        replayDigest("gc-grid S=1024 GOGC=\(gogc.map { "\($0)" } ?? "off") limit=\(limit ?? 0)", source) {
            $0.gogc = gogc
            $0.memoryLimit = limit
            $0.gomaxprocs = 2
            $0.sampleIntervalNs = 5_000_000
        }
    }
    let synths: [(kind: String, parameters: [String: String])] = [
        ("gc-grid", ["L": "16MiB", "S": "64", "ptr": "true", "steady": "16MiB"]),
        ("churn", ["total": "32MiB"]), ("leak", ["total": "16MiB"]), ("server", ["requests": "5000"]),
        ("gc-guide", ["preset": "graph4"]), ("access", ["n": "200000"]),
    ]
    for (kind, parameters) in synths {
        let source = try Synth.make(kind: kind, parameters: parameters, seed: 7)
        let label = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        replayDigest("\(kind) \(label)", source) { $0.gomaxprocs = 4; $0.sampleIntervalNs = 1_000_000 }
    }
    for liveSet: UInt64 in [10_000, 200_000] {
        replayDigest("bench churn live \(liveSet)", ChurnSource(events: 2_000_000, liveSet: liveSet, reads: true)) { _ in }
    }
}
