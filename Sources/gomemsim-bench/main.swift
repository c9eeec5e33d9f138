// `make bench`: release-build figures, printed. Each benchmark lives in a file named
// for what it measures and is listed here; `gomemsim-bench NAME…` runs a subset.
import Foundation

let benchmarks: [(name: String, run: () throws -> Void)] = [
    ("store", storeBenchmark),
    ("replay", runReplayBenchmarks),
    ("kernel", runKernelBenchmarks),
    ("trace-parse", runTraceBenchmarks),
    ("allocator", runAllocatorBenchmarks),
    ("synth", runSynthBenchmarks),
    ("hardware", runHardwareBenchmarks),
    ("gc-grid", runGCGridBenchmarks),
    ("gctrace", runGCGridTrace),
    ("replay-digest", runReplayDigest),
]

let selected = Set(CommandLine.arguments.dropFirst())
for benchmark in benchmarks where selected.isEmpty || selected.contains(benchmark.name) {
    print("== \(benchmark.name)")
    try benchmark.run()
}
