import Foundation
import GoMemSimCore
import GoMemSimEngine
@testable import GoMemSimStore

/// A database path in a fresh directory of its own (WAL adds -wal and -shm files beside
/// it), all under one `gomemsim-store-tests` directory of the system's temporary directory.
func temporaryDatabasePath() throws -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("gomemsim-store-tests")
        .appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("results.sqlite").path
}

/// Figures where the kernel fields are set and most runtime fields are not (as with the
/// runtime model detached): the NULLs must survive the round trip.
func kernelOnlyFigures(rss: UInt64) -> MemoryFigures {
    var f = MemoryFigures()
    f.vmSize = 1 << 40  // a 1 TiB reservation, far beyond Int32
    f.vmRSS = rss
    f.rssAnon = rss - 4096
    f.rssFile = 4096
    f.rssShmem = 0  // a real zero, distinct from NULL
    f.minorFaults = 123
    f.liveObjects = 7
    f.liveBytes = 896
    return f
}

func fullFigures(heap: UInt64) -> MemoryFigures {
    var f = kernelOnlyFigures(rss: heap * 2)
    f.heapAlloc = heap
    f.heapSys = heap * 2
    f.heapInuse = heap + 8192
    f.heapIdle = heap - 8192
    f.heapReleased = 0
    f.nextGC = heap * 2
    f.numGC = heap / 1_000_000
    f.gcCPUFraction = 0.015625
    return f
}

/// A run with event counts, two checkpoints, three samples and two model tables.
func sampleRun(gogc: Int32? = 100) -> RunResult {
    var config = RunConfig()
    config.gogc = gogc
    config.memoryLimit = 512 << 20
    var result = RunResult(origin: "traces/churn.trace", config: config)
    result.events = 42
    result.virtualTimeNs = 30_000_000
    result.eventCounts = [("alloc", 30), ("free", 12)]
    result.kernelModel = "linux-4k"
    result.checkpoints = [
        Checkpoint(seq: 0, label: "start", timeNs: 0, figures: kernelOnlyFigures(rss: 1 << 20)),
        Checkpoint(seq: 1, label: "after \"load\", phase 1", timeNs: 20_000_000, figures: fullFigures(heap: 4_000_000)),
    ]
    result.samples = [
        Sample(timeNs: 10_000_000, figures: fullFigures(heap: 2_000_000)),
        Sample(timeNs: 20_000_000, figures: fullFigures(heap: 6_000_000)),
        Sample(timeNs: 30_000_000, figures: fullFigures(heap: 3_000_000)),
    ]
    result.modelRows.append(to: "gc_cycles", columns: ["cycle", "start_ns", "forced", "heap_goal", "cons_mark"],
                            [.int(1), .int(5_000_000), .int(0), .int(8_000_000), .real(0.5)])
    result.modelRows.append(to: "gc_cycles", columns: ["cycle", "start_ns", "forced", "heap_goal", "cons_mark"],
                            [.int(2), .int(15_000_000), .int(1), .null, .null])
    result.modelRows.append(to: "latency", columns: ["op", "count", "p50_ns", "p99_ns"],
                            [.text("alloc"), .int(30), .int(25), .int(1_200)])
    return result
}
