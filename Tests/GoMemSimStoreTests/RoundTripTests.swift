import Foundation
import GoMemSimCore
import GoMemSimEngine
import Testing
@testable import GoMemSimStore

@Suite struct RoundTripTests {
    @Test func runReadsBackWithItsFiguresAndNullsKept() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        let run = sampleRun()
        let runID = try store.record(run, tracePath: "traces/churn.trace", traceSHA256: "ab12",
                                     wallTimeNs: 1_500, toolVersion: "0.1.0")

        let runs = try query("""
            SELECT trace_path, trace_sha256, gogc, gomemlimit, gomaxprocs, status, failure, events,
                   virtual_time_ns, wall_time_ns, kernel_model, runtime_model, tool_version, go_version
            FROM runs WHERE run_id = \(runID)
            """, path: path)
        #expect(runs.rows == [[
            .text("traces/churn.trace"), .text("ab12"), .int(100), .int(512 << 20), .int(2),
            .text("complete"), .null, .int(42), .int(30_000_000), .int(1_500),
            .text("linux-4k"), .null, .text("0.1.0"), .text("go1.19"),
        ]])

        let counts = try query("SELECT kind, count FROM event_counts WHERE run_id = \(runID) ORDER BY kind", path: path)
        #expect(counts.rows == [[.text("alloc"), .int(30)], [.text("free"), .int(12)]])

        let figureList = ResultsSchema.figureColumns.joined(separator: ", ")
        let checkpoints = try query("SELECT seq, label, t_ns, \(figureList) FROM checkpoints WHERE run_id = \(runID) ORDER BY seq", path: path)
        #expect(checkpoints.rows.count == 2)
        for (row, expected) in zip(checkpoints.rows, run.checkpoints) {
            #expect(row[0] == .int(Int64(expected.seq)))
            #expect(row[1] == .text(expected.label))
            #expect(row[2] == .int(Int64(expected.timeNs)))
            #expect(Array(row[3...]) == expected.figures.columns.map(\.value))
        }
        // The runtime figures of the first checkpoint were never computed: NULL, not 0.
        let heap = try query("SELECT heap_alloc IS NULL, rss_shmem FROM checkpoints WHERE run_id = \(runID) AND seq = 0", path: path)
        #expect(heap.rows == [[.int(1), .int(0)]])

        let samples = try query("SELECT t_ns, \(figureList) FROM samples WHERE run_id = \(runID) ORDER BY t_ns", path: path)
        #expect(samples.rows.map { Array($0.dropFirst()) } == run.samples.map { $0.figures.columns.map(\.value) })
        #expect(samples.rows.map { $0[0] } == [.int(10_000_000), .int(20_000_000), .int(30_000_000)])

        let cycles = try query("SELECT cycle, start_ns, forced, heap_goal, cons_mark, heap_marked FROM gc_cycles WHERE run_id = \(runID) ORDER BY cycle", path: path)
        #expect(cycles.rows == [
            [.int(1), .int(5_000_000), .int(0), .int(8_000_000), .real(0.5), .null],
            [.int(2), .int(15_000_000), .int(1), .null, .null, .null],
        ])
        let latency = try query("SELECT op, count, p50_ns, p99_ns, max_ns FROM latency WHERE run_id = \(runID)", path: path)
        #expect(latency.rows == [[.text("alloc"), .int(30), .int(25), .int(1_200), .null]])
    }

    @Test func configIsStoredWholeAndKeyedCanonically() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        var run = sampleRun(gogc: nil)
        run.config.godebug = ["madvdontneed": "0", "gctrace": "1"]
        try store.record(run, tracePath: "/data/a.trace", traceSHA256: "ff00", wallTimeNs: 0, toolVersion: "t")
        let row = try query("SELECT gogc, config_json, config_key FROM runs", path: path).rows[0]
        #expect(row[0] == .null)  // GOGC=off
        guard case let .text(json) = row[1], case let .text(key) = row[2] else {
            Issue.record("config_json/config_key not text: \(row)")
            return
        }
        let decoded = try JSONDecoder().decode(RunConfig.self, from: Data(json.utf8))
        #expect(decoded == run.config)
        // Keys sorted, so the same config is the same text whatever the dictionary order.
        #expect(json.range(of: "\"gctrace\"")!.lowerBound < json.range(of: "\"madvdontneed\"")!.lowerBound)
        // The key depends on the trace's content, not where the file is.
        #expect(key == (try ResultsDatabase.configKey(traceSHA256: "ff00", tracePath: "/elsewhere/a.trace", config: run.config)))
        #expect(key != (try ResultsDatabase.configKey(traceSHA256: "ff01", tracePath: "/data/a.trace", config: run.config)))
        var other = run.config
        other.gogc = 50
        #expect(key != (try ResultsDatabase.configKey(traceSHA256: "ff00", tracePath: "/data/a.trace", config: other)))
    }

    @Test func startedAtIsISO8601UTC() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        // 2026-11-27T11:07:22.125Z
        let date = Date(timeIntervalSince1970: 1_795_777_642.125)
        try store.record(sampleRun(), tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t", startedAt: date)
        #expect(try query("SELECT started_at FROM runs", path: path).rows == [[.text("2026-11-27T11:07:22.125Z")]])
    }

    @Test func failedRunHasMessageAndNoChildren() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        let runID = try store.recordFailure(origin: "bad.trace", config: RunConfig(),
                                            message: "bad.trace:3:7: expected size, found 'x'", toolVersion: "0.1.0")
        let row = try query("SELECT status, failure, events FROM runs WHERE run_id = \(runID)", path: path)
        #expect(row.rows == [[.text("failed"), .text("bad.trace:3:7: expected size, found 'x'"), .int(0)]])
        let children = try query("SELECT (SELECT count(*) FROM checkpoints) + (SELECT count(*) FROM samples) + (SELECT count(*) FROM event_counts)", path: path)
        #expect(children.rows == [[.int(0)]])
        #expect(try store.completedConfigKeys().isEmpty)  // a failed run is retried
    }

    @Test func completedKeysListFinishedOutcomesOnly() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        var oom = sampleRun(gogc: 400)
        oom.status = .oom
        try store.record(sampleRun(gogc: 100), tracePath: "a", traceSHA256: "aa", wallTimeNs: 0, toolVersion: "t")
        try store.record(oom, tracePath: "a", traceSHA256: "aa", wallTimeNs: 0, toolVersion: "t")
        try store.recordFailure(origin: "a", config: sampleRun(gogc: 50).config, message: "m", traceSHA256: "aa", toolVersion: "t")
        let expected: Set<String> = [
            try ResultsDatabase.configKey(traceSHA256: "aa", tracePath: "a", config: sampleRun(gogc: 100).config),
            try ResultsDatabase.configKey(traceSHA256: "aa", tracePath: "a", config: oom.config),
        ]
        #expect(try store.completedConfigKeys() == expected)
    }

    @Test func unknownModelTableRollsTheWholeRunBack() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        var run = sampleRun()
        run.modelRows.append(to: "no_such_table", columns: ["x"], [.int(1)])
        #expect(throws: StoreError.unknownTable("no_such_table")) {
            try store.record(run, tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        }
        // The runs row, checkpoints, samples and gc_cycles were written before the bad
        // table was reached; none of them remains.
        let left = try query("""
            SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM checkpoints),
                   (SELECT count(*) FROM samples), (SELECT count(*) FROM gc_cycles),
                   (SELECT count(*) FROM event_counts)
            """, path: path)
        #expect(left.rows == [[.int(0), .int(0), .int(0), .int(0), .int(0)]])
        // The connection is usable afterwards.
        let id = try store.record(sampleRun(), tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        #expect(try query("SELECT count(*) FROM checkpoints WHERE run_id = \(id)", path: path).rows == [[.int(2)]])
    }

    @Test func modelRowsCannotNameUnknownColumnsOrTheRunsTable() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        var badColumn = sampleRun()
        badColumn.modelRows.append(to: "faults", columns: ["kind", "count", "cost_ns); DROP TABLE runs; --"], [.text("minor"), .int(1), .int(2)])
        #expect(throws: StoreError.unknownColumn(table: "faults", column: "cost_ns); DROP TABLE runs; --")) {
            try store.record(badColumn, tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        }
        var setsRunID = sampleRun()
        setsRunID.modelRows.append(to: "faults", columns: ["run_id", "kind", "count"], [.int(99), .text("minor"), .int(1)])
        #expect(throws: StoreError.unknownColumn(table: "faults", column: "run_id")) {
            try store.record(setsRunID, tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        }
        var intoRuns = sampleRun()
        intoRuns.modelRows.append(to: "runs", columns: ["status"], [.text("complete")])
        #expect(throws: StoreError.unknownTable("runs")) {
            try store.record(intoRuns, tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        }
        var intoView = sampleRun()  // v_runs has a run_id column, but is a view
        intoView.modelRows.append(to: "v_runs", columns: ["status"], [.text("complete")])
        #expect(throws: StoreError.unknownTable("v_runs")) {
            try store.record(intoView, tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        }
        #expect(try query("SELECT count(*) FROM runs", path: path).rows == [[.int(0)]])
    }

    @Test func viewsSummariseRuns() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        let id = try store.record(sampleRun(), tracePath: "churn", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        // Last checkpoint (seq 1): heap 4 000 000, RSS 8 000 000.
        let runs = try query("SELECT run_id, trace, status, events, last_heap_alloc, last_vm_rss FROM v_runs", path: path)
        #expect(runs.rows == [[.int(id), .text("churn"), .text("complete"), .int(42), .int(4_000_000), .int(8_000_000)]])
        let mib = try query("SELECT vm_rss_mib, heap_alloc_mib FROM v_checkpoints WHERE seq = 1", path: path)
        #expect(mib.rows == [[.real(7.63), .real(3.81)]])  // 8e6 and 4e6 bytes in MiB, 2 decimals
        // Peaks over samples and checkpoints: heap 6e6 (sample 2), RSS 12e6; mean goal of
        // the samples (4e6+12e6+6e6)/3; GC CPU share of the last point (t = 30 ms sample).
        let compare = try query("SELECT gogc, num_gc, peak_heap_alloc, peak_vm_rss, mean_next_gc, gc_cpu_fraction FROM v_gogc_compare", path: path)
        #expect(compare.rows == [[.int(100), .int(6), .int(6_000_000), .int(12_000_000), .real(22_000_000.0 / 3), .real(0.015625)]])
    }
}

@Suite struct BulkInsertTests {
    @Test func fullBatchesAndTheRemainderAreAllWrittenInOrder() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        let runID = try store.recordFailure(origin: "parent", config: RunConfig(), message: "m", toolVersion: "t")
        let insert = try BulkInsert(into: "latency", columns: ["run_id", "op", "count", "p50_ns"], database: store.database)
        #expect(insert.batchRows == 64)
        let rows = 2 * 64 + 5  // two multi-row statements, then five single rows
        for i in 0..<rows {
            insert.append(.int(runID)); insert.append(.text("op\(i % 3)"))
            insert.append(.int(Int64(i))); insert.append(i % 10 == 0 ? .null : .int(Int64(i * 7)))
            try insert.endRow()
        }
        // Before finish, only whole batches are written.
        #expect(try store.database.scalar("SELECT count(*) FROM latency") == .int(128))
        try insert.finish()
        let back = try store.database.prepare("SELECT op, count, p50_ns FROM latency ORDER BY rowid")
        var i = 0
        while try back.step() {
            #expect(back.value(at: 0) == .text("op\(i % 3)"))
            #expect(back.value(at: 1) == .int(Int64(i)))
            #expect(back.value(at: 2) == (i % 10 == 0 ? .null : .int(Int64(i * 7))))
            i += 1
        }
        #expect(i == rows)
    }

    @Test func wideTablesBatchWithinTheParameterLimit() throws {
        #expect(BulkInsert.batchRows(columns: 1000) == 32)  // 32 × 1000 parameters ≤ 32 766
        #expect(BulkInsert.batchRows(columns: 33) == 64)
        #expect(BulkInsert.batchRows(columns: 40_000) == 1)
    }

    @Test func aShortRowIsRefused() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        let insert = try BulkInsert(into: "faults", columns: ["run_id", "kind", "count"], database: store.database)
        insert.append(.int(1)); insert.append(.text("minor"))
        #expect(throws: StoreError.rowWidth(sql: "INSERT INTO \"faults\" (\"run_id\", \"kind\", \"count\") VALUES (?, ?, ?)", columns: 3, values: 2)) {
            try insert.endRow()
        }
    }

    @Test func manySamplesRoundTrip() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        var run = sampleRun()
        run.samples = (0..<150).map { Sample(timeNs: UInt64($0) * 1000, figures: fullFigures(heap: UInt64($0 + 1) * 100_000)) }
        let id = try store.record(run, tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        let back = try query("SELECT t_ns, \(ResultsSchema.figureColumns.joined(separator: ", ")) FROM samples WHERE run_id = \(id) ORDER BY t_ns", path: path)
        #expect(back.rows.map { $0[0] } == run.samples.map { .int(Int64($0.timeNs)) })
        #expect(back.rows.map { Array($0.dropFirst()) } == run.samples.map { $0.figures.columns.map(\.value) })
    }
}
