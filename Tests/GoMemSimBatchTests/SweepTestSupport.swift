import Foundation
@testable import GoMemSimBatch
import GoMemSimCore
import GoMemSimStore

/// A database path in a fresh directory of its own under the system temporary directory.
func scratchDatabase(_ name: String = "results.sqlite") throws -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("gomemsim-batch-tests").appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

/// The gc-grid workload, small enough for a debug build (1 MiB live, 8 MiB steady): the
/// 6 GOGC × 2 GOMEMLIMIT grid of the calibration, without the cache model.
let smallGridInput = try! TraceInput("synth:gc-grid,L=1MiB,S=1KiB,steady=8MiB")

func smallGrid() -> SweepGrid {
    var grid = SweepGrid(inputs: [smallGridInput])
    grid.gogc = [25, 50, 100, 200, 400, nil]
    grid.memoryLimits = [nil, 96 << 20]
    grid.base.hardware = false
    grid.base.sampleIntervalNs = 100_000  // the small trace runs ~1 ms of virtual time
    return grid
}

func runSweep(_ jobs: [ReplayJob], into path: String, parallelism: Int = 2) throws -> Sweep.Summary {
    try Sweep(jobs: jobs, databasePath: path, parallelism: parallelism, toolVersion: "test").run()
}

/// Every row of every table with a `run_id` (and `runs` itself), keyed by the run's
/// `config_key` instead of its `run_id`, without the columns that differ between two
/// replays of the same configuration (`started_at`, `wall_time_ns`): two databases with
/// equal contents hold the same runs, row for row.
func contents(of path: String) throws -> [String: [[FigureValue]]] {
    let tables = try query("""
        SELECT s.name FROM sqlite_schema s
        WHERE s.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(s.name) WHERE name = 'run_id')
        ORDER BY s.name
        """, path: path).rows.compactMap { row -> String? in
        if case let .text(name) = row[0] { return name } else { return nil }
    }
    var result: [String: [[FigureValue]]] = [:]
    for table in tables {
        let columns = try query("SELECT name FROM pragma_table_info(?) ORDER BY cid", path: path, arguments: [.text(table)])
            .rows.compactMap { row -> String? in
                if case let .text(name) = row[0], !["run_id", "started_at", "wall_time_ns"].contains(name) { return name }
                return nil
            }
        let list = columns.map { "t.\"\($0)\"" }.joined(separator: ", ")
        let sql = table == "runs"
            ? "SELECT \(list) FROM runs t ORDER BY t.config_key, t.rowid"
            : "SELECT r.config_key, \(list) FROM \"\(table)\" t JOIN runs r ON r.run_id = t.run_id ORDER BY r.config_key, t.rowid"
        result[table] = try query(sql, path: path).rows
    }
    return result
}

/// The value of `column` in every row of `result`.
func column(_ name: String, of result: QueryResult) -> [FigureValue] {
    guard let index = result.columns.firstIndex(of: name) else { return [] }
    return result.rows.map { $0[index] }
}

func scalar(_ sql: String, in path: String, _ arguments: [FigureValue] = []) throws -> FigureValue {
    try query(sql, path: path, arguments: arguments).rows.first?.first ?? .null
}
