import Foundation
import GoMemSimCore
import GoMemSimEngine

/// The results database: writes each run whole, in one transaction, and tells a
/// resumable sweep which configurations are already done.
///
///     let store = try ResultsDatabase(path: "results.sqlite")
///     let runID = try store.record(result, tracePath: path,
///                                  traceSHA256: try SHA256.hexDigest(ofFile: path),
///                                  wallTimeNs: elapsed, toolVersion: "0.1.0")
///
/// Opening creates or migrates the schema (`ResultsSchema`). Any number of processes
/// or threads may write one file at once, each through its own `ResultsDatabase`.
/// Not `Sendable`: it owns one connection (see `Database`).
public final class ResultsDatabase {
    public let database: Database
    /// Prepared inserts, by SQL, reused across runs.
    private var statements: [String: Statement] = [:]

    public init(path: String) throws {
        database = try Database(path: path, mode: .readWriteCreate)
        try ResultsSchema.migrate(database)
    }

    // MARK: Writing runs

    /// Writes `result` as one run — the `runs` row, its event counts, checkpoints,
    /// samples and model rows — in one transaction, and returns its `run_id`. If any
    /// write fails, nothing of the run remains and the error is rethrown.
    ///
    /// - Parameters:
    ///   - tracePath: the trace file, or the generator that made the trace.
    ///   - traceSHA256: the trace file's content hash (`SHA256.hexDigest(ofFile:)`), or nil.
    ///   - wallTimeNs: how long the replay took on the host.
    ///   - startedAt: when the replay started; defaults to now minus `wallTimeNs`.
    @discardableResult
    public func record(
        _ result: RunResult, tracePath: String, traceSHA256: String?, wallTimeNs: UInt64,
        toolVersion: String, startedAt: Date? = nil
    ) throws -> Int64 {
        let configJSON = try Self.canonicalJSON(result.config)
        let key = Self.configKey(traceSHA256: traceSHA256, tracePath: tracePath, configJSON: configJSON)
        let start = startedAt ?? Date(timeIntervalSinceNow: -Double(wallTimeNs) / 1e9)
        return try database.transaction(.immediate) {
            let run = try statement("""
                INSERT INTO runs (trace_path, trace_sha256, config_json, gogc, gomemlimit, gomaxprocs,
                    profile, go_version, tool_version, kernel_model, runtime_model, hardware_model,
                    status, failure, events, virtual_time_ns, wall_time_ns, started_at, config_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let config = result.config
            try run.bind(tracePath, at: 1)
            try run.bind(traceSHA256, at: 2)
            try run.bind(configJSON, at: 3)
            try run.bind(config.gogc.map(Int64.init), at: 4)
            try run.bind(config.memoryLimit.map { Int64(clamping: $0) }, at: 5)
            try run.bind(Int64(config.gomaxprocs), at: 6)
            try run.bind(config.profile, at: 7)
            try run.bind(config.goVersion, at: 8)
            try run.bind(toolVersion, at: 9)
            try run.bind(result.kernelModel, at: 10)
            try run.bind(result.runtimeModel, at: 11)
            try run.bind(result.hardwareModel, at: 12)
            try run.bind(result.status.rawValue, at: 13)
            try run.bind(result.failure, at: 14)
            try run.bind(Int64(clamping: result.events), at: 15)
            try run.bind(Int64(clamping: result.virtualTimeNs), at: 16)
            try run.bind(Int64(clamping: wallTimeNs), at: 17)
            try run.bind(Self.iso8601UTC(start), at: 18)
            try run.bind(key, at: 19)
            try run.execute()
            let runID = database.lastInsertRowID

            let count = try bulkInsert(into: "event_counts", columns: ["run_id", "kind", "count"])
            for (kind, n) in result.eventCounts {
                count.append(.int(runID))
                count.append(.text(kind))
                count.append(.int(Int64(clamping: n)))
                try count.endRow()
            }
            try count.finish()

            let checkpoint = try bulkInsert(into: "checkpoints", columns: ["run_id", "seq", "label", "t_ns"] + ResultsSchema.figureColumns)
            for c in result.checkpoints {
                checkpoint.append(.int(runID))
                checkpoint.append(.int(Int64(c.seq)))
                checkpoint.append(.text(c.label))
                checkpoint.append(.int(Int64(clamping: c.timeNs)))
                for column in c.figures.columns { checkpoint.append(column.value) }
                try checkpoint.endRow()
            }
            try checkpoint.finish()

            let sample = try bulkInsert(into: "samples", columns: ["run_id", "t_ns"] + ResultsSchema.figureColumns)
            for s in result.samples {
                sample.append(.int(runID))
                sample.append(.int(Int64(clamping: s.timeNs)))
                for column in s.figures.columns { sample.append(column.value) }
                try sample.endRow()
            }
            try sample.finish()

            for (name, table) in result.modelRows.tables {
                try validate(table: name, columns: table.columns)
                let insert = try bulkInsert(into: name, columns: ["run_id"] + table.columns)
                for row in table.rows {
                    insert.append(.int(runID))
                    for value in row { insert.append(value) }
                    try insert.endRow()
                }
                try insert.finish()
            }
            return runID
        }
    }

    /// Writes a run that failed before producing results (bad input): status `failed`,
    /// the message, no children.
    @discardableResult
    public func recordFailure(
        origin: String, config: RunConfig, message: String, traceSHA256: String? = nil,
        wallTimeNs: UInt64 = 0, toolVersion: String
    ) throws -> Int64 {
        var result = RunResult(origin: origin, config: config)
        result.status = .failed
        result.failure = message
        return try record(result, tracePath: origin, traceSHA256: traceSHA256, wallTimeNs: wallTimeNs, toolVersion: toolVersion)
    }

    // MARK: Resumable sweeps

    /// The `config_key`s of runs that reached an outcome the same input would reach again
    /// (`complete`, `oom`, `segfault`); a sweep skips these. `failed` runs are retried.
    public func completedConfigKeys() throws -> Set<String> {
        let select = try database.prepare("SELECT DISTINCT config_key FROM runs WHERE status IN ('complete', 'oom', 'segfault')")
        var keys = Set<String>()
        while try select.step() {
            if let key = select.text(at: 0) { keys.insert(key) }
        }
        return keys
    }

    /// The key a run of `config` over this trace is stored under: the SHA-256 of the
    /// trace's identity (its content hash, else its path or generator) and the config's
    /// canonical JSON. Same trace content + same config ⇒ same key, wherever the file is.
    public static func configKey(traceSHA256: String?, tracePath: String, config: RunConfig) throws -> String {
        configKey(traceSHA256: traceSHA256, tracePath: tracePath, configJSON: try canonicalJSON(config))
    }

    static func configKey(traceSHA256: String?, tracePath: String, configJSON: String) -> String {
        let trace = traceSHA256.map { "sha256:" + $0 } ?? "path:" + tracePath
        return SHA256.hexDigest(of: "gomemsim-config-key-1\n\(trace)\n\(configJSON)")
    }

    /// `config` as JSON with sorted keys: the same config always gives the same text.
    public static func canonicalJSON(_ config: RunConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(config), as: UTF8.self)
    }

    // MARK: Helpers

    private func statement(_ sql: String) throws -> Statement {
        if let cached = statements[sql] { return cached }
        let prepared = try database.prepare(sql)
        statements[sql] = prepared
        return prepared
    }

    private func bulkInsert(into table: String, columns: [String]) throws -> BulkInsert {
        try BulkInsert(into: table, columns: columns, prepare: statement)
    }

    /// Model rows may go only to existing per-run tables (tables, not views, with a `run_id`), to
    /// their existing columns, and never set `run_id` themselves.
    private func validate(table: String, columns: [String]) throws {
        let info = try statement("""
            SELECT p.name FROM sqlite_schema AS s, pragma_table_info(s.name) AS p
            WHERE s.type = 'table' AND s.name = ?
            """)
        try info.bind(table, at: 1)
        var known = Set<String>()
        while try info.step() { if let name = info.text(at: 0) { known.insert(name) } }
        info.reset()
        guard table != "runs", known.contains("run_id") else { throw StoreError.unknownTable(table) }
        for column in columns where column == "run_id" || !known.contains(column) {
            throw StoreError.unknownColumn(table: table, column: column)
        }
    }

    /// `date` as ISO-8601 UTC with milliseconds, e.g. `2026-11-27T11:07:22.125Z`.
    static func iso8601UTC(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var (whole, millis) = ms.quotientAndRemainder(dividingBy: 1000)
        if millis < 0 { whole -= 1; millis += 1000 }  // before 1970: floor, not truncate
        var seconds = time_t(whole)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}
