// Synthetic generators: records per second each one produces (consumed and counted,
// as a replay loop would pull them). Rates are per second of this thread's CPU time,
// so a busy shared machine does not distort them; wall time is printed alongside.
import Foundation
import GoMemSimRecorder


func runSynthBenchmarks() throws {
    let cases: [(kind: String, parameters: [String: String])] = [
        ("access", ["pattern": "sequential", "n": "20000000"]),
        ("access", ["pattern": "sequential", "n": "20000000", "backing": "raw"]),
        ("access", ["pattern": "strided", "n": "20000000", "writes": "0.3"]),
        ("access", ["pattern": "random", "n": "20000000"]),
        ("access", ["pattern": "zipf", "n": "10000000", "exponent": "0.99"]),
        ("access", ["pattern": "chase", "n": "10000000"]),
        ("churn", ["total": "4GiB"]),
        ("churn", ["total": "4GiB", "size": "16..4KiB", "victim": "random", "rate": "1GiB", "scan": "0.5"]),
        ("gc-grid", [:]),
        ("leak", ["total": "4GiB"]),
        ("server", ["requests": "1000000"]),
        ("gc-guide", ["preset": "graph2", "object": "4KiB"]),
    ]
    for (kind, parameters) in cases {
        var source = try Synth.make(kind: kind, parameters: parameters, seed: 1)
        let start = ContinuousClock.now
        let startCPU = threadCPUSeconds()
        var records: UInt64 = 0
        var goroutines: UInt64 = 0
        while let record = source.next() {
            records += 1
            goroutines &+= UInt64(record.goroutine)
        }
        let cpuSeconds = threadCPUSeconds() - startCPU
        let elapsed = ContinuousClock.now - start
        let wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let name = source.origin.replacingOccurrences(of: " seed=1", with: "")
        print(String(format: "%7.1f M records/CPU-s  %10llu records  %6.2f CPU-s  %6.2f s wall  ",
                     Double(records) / cpuSeconds / 1e6, records, cpuSeconds, wallSeconds) + name)
        _ = goroutines
    }
}
