import Foundation
import GoMemSimCore
import Testing
@testable import GoMemSimStore

@Suite struct SchemaTests {
    /// The repository root, found from this file's path (Tests/GoMemSimStoreTests/…).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func schemaFileEqualsEmbeddedDDL() throws {
        let file = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("schemas/results.sql"), encoding: .utf8)
        #expect(file == ResultsSchema.ddl)
    }

    private func columns(of table: String, in database: Database) throws -> [String] {
        let info = try database.prepare("SELECT name FROM pragma_table_info(?)")
        try info.bind(table, at: 1)
        var names: [String] = []
        while try info.step() { names.append(info.text(at: 0) ?? "") }
        return names
    }

    @Test func figureTablesHaveMemoryFiguresColumnsInOrder() throws {
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        let figures = MemoryFigures().columns.map(\.name)
        #expect(figures.count == 31)
        #expect(try columns(of: "checkpoints", in: store.database) == ["run_id", "seq", "label", "t_ns"] + figures)
        #expect(try columns(of: "samples", in: store.database) == ["run_id", "t_ns"] + figures)
    }

    @Test func newDatabaseIsMigratedFromVersionZero() throws {
        let path = try temporaryDatabasePath()
        // An empty file at version 0, as sqlite3 would leave it.
        do {
            let empty = try Database(path: path)
            #expect(try empty.userVersion() == 0)
        }
        let store = try ResultsDatabase(path: path)
        #expect(try store.database.userVersion() == ResultsSchema.version)
        #expect(try store.database.scalar("PRAGMA journal_mode") == .text("wal"))
        let tables = try query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name", path: path)
        #expect(tables.rows.map { $0[0] } == [
            "cache_stats", "checkpoint_cache_stats", "checkpoint_mappings", "checkpoint_tlb_stats", "checkpoints",
            "event_counts", "faults", "gc_cycles", "gc_summary",
            "latency", "latency_buckets", "runs", "samples", "size_classes", "tlb_stats",
            "v_cache_intervals", "v_checkpoints", "v_gc_pauses", "v_gogc_compare", "v_runs", "v_tlb_intervals",
        ].map(FigureValue.text))
        // Opening again is a no-op, not a second CREATE.
        _ = try ResultsDatabase(path: path)
    }

    @Test func migrationStepsRunInOrderInOneTransaction() throws {
        let path = try temporaryDatabasePath()
        let database = try Database(path: path)
        let steps: [ResultsSchema.Migration] = [
            .init(from: 0) { try $0.exec("CREATE TABLE created_in_1 (x)") },
            .init(from: 1) { try $0.exec("CREATE TABLE added_in_2 (x)") },
            .init(from: 2) { try $0.exec("INSERT INTO added_in_2 VALUES (3)") },
        ]
        try ResultsSchema.migrate(database, steps: steps, to: 1)
        #expect(try database.userVersion() == 1)
        try ResultsSchema.migrate(database, steps: steps, to: 3)
        #expect(try database.userVersion() == 3)
        #expect(try database.scalar("SELECT x FROM added_in_2") == .int(3))

        // A failing step leaves the database at its old version with nothing of the new.
        let failing = steps + [
            .init(from: 3) { try $0.exec("CREATE TABLE added_in_4 (y)") },
            .init(from: 4) { try $0.exec("INSERT INTO no_such_table VALUES (1)") },
        ]
        #expect(throws: StoreError.self) { try ResultsSchema.migrate(database, steps: failing, to: 5) }
        #expect(try database.userVersion() == 3)
        #expect(try database.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'added_in_4'") == .int(0))

        #expect(throws: StoreError.noMigration(from: 3)) { try ResultsSchema.migrate(database, steps: steps, to: 4) }
    }

    /// A version-1 database (the schema before the per-checkpoint cache and TLB tables)
    /// is brought to the current schema: the same objects, with the same SQL, as a new one;
    /// its TLB page sizes, stored as names then, become bytes.
    @Test func versionOneDatabaseIsMigrated() throws {
        func schema(_ path: String) throws -> [[FigureValue]] {
            try query("SELECT type, name, sql FROM sqlite_schema ORDER BY name", path: path).rows
        }
        let fresh = try temporaryDatabasePath()
        _ = try ResultsDatabase(path: fresh)

        let old = try temporaryDatabasePath()
        do {
            let database = try Database(path: old)
            try database.exec(ResultsSchema.ddl)
            for name in ResultsSchema.addedInVersion2.sorted() {
                let type = name.hasPrefix("v_") ? "VIEW" : name.hasSuffix("_run") ? "INDEX" : "TABLE"
                try database.exec("DROP \(type) IF EXISTS \(name)")
            }
            try database.exec("""
                INSERT INTO runs (run_id, trace_path, config_json, gomaxprocs, profile, go_version, tool_version, status,
                                  started_at, config_key)
                VALUES (1, 't', '{}', 2, 'p', 'go1.19', 'v', 'complete', '2026-01-01T00:00:00Z', 'k')
                """)
            try database.exec("INSERT INTO tlb_stats (run_id, level, page_size) VALUES (1, 'dTLB', '4KiB'), (1, 'dTLB', '2MiB')")
            try database.exec("PRAGMA user_version = 1")
            #expect(try schema(old) != schema(fresh))
        }
        let store = try ResultsDatabase(path: old)
        #expect(try store.database.userVersion() == ResultsSchema.version)
        #expect(try schema(old) == schema(fresh))
        #expect(try query("SELECT page_size FROM tlb_stats ORDER BY page_size", path: old).rows == [[.int(4096)], [.int(2097152)]])
    }

    @Test func newerSchemaIsRefused() throws {
        let path = try temporaryDatabasePath()
        do {
            let store = try ResultsDatabase(path: path)
            try store.database.exec("PRAGMA user_version = \(ResultsSchema.version + 1)")
        }
        let newer = StoreError.newerSchema(path: path, found: ResultsSchema.version + 1, supported: ResultsSchema.version)
        #expect(throws: newer) { try ResultsDatabase(path: path) }
        #expect(throws: newer) { try query("SELECT 1", path: path) }
        #expect(newer.description.contains("newer than this gomemsim understands"))
    }

    @Test func databaseDocExampleWorks() throws {
        let db = try Database(path: try temporaryDatabasePath())
        try db.exec("CREATE TABLE counts (kind TEXT, count INTEGER)")
        try db.transaction {
            let insert = try db.prepare("INSERT INTO counts VALUES (?, ?)")
            for (kind, count) in [("alloc", 30), ("free", 12)] {
                try insert.bind(kind, at: 1)
                try insert.bind(Int64(count), at: 2)
                try insert.execute()
            }
        }
        #expect(try db.scalar("SELECT sum(count) FROM counts") == .int(42))
        // A throwing body leaves nothing behind.
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try db.transaction {
                try db.exec("INSERT INTO counts VALUES ('x', 1)")
                throw Abort()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM counts") == .int(2))
    }

    @Test func databaseOpensInTheStockSQLiteShell() throws {
        let shell = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: shell) else { return }  // not installed: nothing to check
        let path = try temporaryDatabasePath()
        let store = try ResultsDatabase(path: path)
        try store.record(sampleRun(), tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        try store.record(sampleRun(), tracePath: "t", traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = [path, "select count(*) from runs; select count(*) from v_gogc_compare; pragma integrity_check"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self) == "2\n2\nok\n")
    }
}
