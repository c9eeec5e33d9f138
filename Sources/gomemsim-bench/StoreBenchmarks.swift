// Results store: how fast runs are written (rows/s) and traces hashed (MB/s).
import Foundation
import GoMemSimCore
import GoMemSimEngine
import GoMemSimStore

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}


/// Runs `body`, printing rows/s by wall time and by CPU time.
private func measure(_ what: String, rows: Int, _ body: () throws -> Void) rethrows {
    let clock = ContinuousClock()
    let cpu0 = processCPUSeconds()
    let wall = try seconds(clock.measure(body))
    let cpu = processCPUSeconds() - cpu0
    print("\(what): \(rows) rows; wall \(String(format: "%.3f", wall)) s = \(String(format: "%.0f", Double(rows) / wall)) rows/s; "
        + "CPU \(String(format: "%.3f", cpu)) s = \(String(format: "%.0f", Double(rows) / cpu)) rows/s")
}

func storeBenchmark() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gomemsim-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try ResultsDatabase(path: directory.appendingPathComponent("bench.sqlite").path)

    // 0. SQLite's own ceiling here: the same rows generated inside SQLite, no binding.
    let runID = try store.recordFailure(origin: "bench", config: RunConfig(), message: "parent row", toolVersion: "bench")
    let rawRows = 1_000_000
    try measure("SQLite alone (INSERT ... SELECT), 4 columns", rows: rawRows) {
        try store.database.exec("""
            BEGIN IMMEDIATE;
            WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < \(rawRows - 1))
            INSERT INTO latency_buckets (run_id, op, upper_ns, count) SELECT \(runID), 'alloc', i, i * 7 FROM c;
            COMMIT;
            """)
    }

    // 1. The raw wrapper: one prepared INSERT of a 4-column row, 1 M times, one transaction.
    try measure("Statement insert, 4 columns", rows: rawRows) {
        try store.database.transaction {
            let insert = try store.database.prepare("INSERT INTO latency_buckets (run_id, op, upper_ns, count) VALUES (?, ?, ?, ?)")
            for i in 0..<rawRows {
                try insert.bind(runID, at: 1)
                try insert.bind("alloc", at: 2)
                try insert.bind(Int64(i), at: 3)
                try insert.bind(Int64(i &* 7), at: 4)
                try insert.execute()
            }
        }
    }

    // 1b. BulkInsert: the same rows in 64-row statements.
    try measure("BulkInsert, 4 columns", rows: rawRows) {
        try store.database.transaction {
            let insert = try BulkInsert(into: "latency_buckets", columns: ["run_id", "op", "upper_ns", "count"], database: store.database)
            for i in 0..<rawRows {
                insert.append(.int(runID))
                insert.append(.text("alloc"))
                insert.append(.int(Int64(i)))
                insert.append(.int(Int64(i &* 7)))
                try insert.endRow()
            }
            try insert.finish()
        }
    }

    // 2. record(): model rows (FigureValue rows through ModelRows), 1 M rows.
    var modelRun = RunResult(origin: "bench", config: RunConfig())
    for i in 0..<rawRows {
        modelRun.modelRows.append(to: "latency_buckets", columns: ["op", "upper_ns", "count"],
                                  [.text("alloc"), .int(Int64(i)), .int(Int64(i &* 7))])
    }
    try measure("record() model rows, 4 columns", rows: rawRows) {
        try store.record(modelRun, tracePath: "bench", traceSHA256: nil, wallTimeNs: 0, toolVersion: "bench")
    }

    // 3. record(): samples, the widest rows (33 columns, all figures set).
    var figures = MemoryFigures()
    figures.vmRSS = 1 << 30; figures.vmSize = 1 << 40; figures.rssAnon = 1 << 29; figures.rssFile = 1 << 20
    figures.rssShmem = 0; figures.vmHWM = 1 << 30; figures.vmSwap = 0; figures.pageCache = 1 << 25
    figures.minorFaults = 1000; figures.majorFaults = 3; figures.heapAlloc = 1 << 28; figures.heapSys = 1 << 29
    figures.heapInuse = 1 << 28; figures.heapIdle = 1 << 27; figures.heapReleased = 1 << 26
    figures.heapObjects = 1 << 20; figures.stackInuse = 1 << 16; figures.sys = 1 << 30
    figures.totalAlloc = 1 << 34; figures.mallocs = 1 << 24; figures.frees = 1 << 23; figures.nextGC = 1 << 29
    figures.numGC = 12; figures.numForcedGC = 0; figures.pauseTotalNs = 123_456; figures.gcCPUFraction = 0.05
    figures.mappedReady = 1 << 29; figures.liveObjects = 1 << 20; figures.liveBytes = 1 << 28
    figures.allocatedBytes = 1 << 34; figures.freedBytes = 1 << 33
    let sampleRows = 200_000
    var sampleRun = RunResult(origin: "bench", config: RunConfig())
    sampleRun.samples = (0..<sampleRows).map { Sample(timeNs: UInt64($0) * 10_000_000, figures: figures) }
    try measure("record() samples, 33 columns", rows: sampleRows) {
        try store.record(sampleRun, tracePath: "bench", traceSHA256: nil, wallTimeNs: 0, toolVersion: "bench")
    }

    // 4. SHA-256 of 64 MiB in 1 MiB updates (compare: `sha256sum` on the same machine).
    let chunk = [UInt8]((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
    var hash = SHA256()
    let cpu0 = processCPUSeconds()
    for _ in 0..<64 { hash.update(chunk) }
    _ = hash.finalize()
    let cpu = processCPUSeconds() - cpu0
    print("SHA-256: 64 MiB in \(String(format: "%.3f", cpu)) s CPU = \(String(format: "%.0f", 64 * 1.048576 / cpu)) MB/s")
}
