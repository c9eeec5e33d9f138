import Foundation
import GoMemSimCore

extension ResultsDatabase {
    /// What one `merge(from:)` did.
    public struct MergeSummary: Hashable, Sendable {
        /// Runs copied, with all their rows.
        public var merged = 0
        /// Runs left out because this database already had their configuration complete
        /// (or OOM-killed, or crashed: outcomes the same input reaches again).
        public var skipped = 0

        public init() {}
    }

    /// Folds the runs of the results database at `path` (a shard of a sweep) into this
    /// one, in one transaction: every run whose `config_key` this database does not
    /// already hold complete is copied with the rows of every per-run table (each table
    /// of the schema with a `run_id` column, so tables added later are carried too), its
    /// `run_id` renumbered to follow this database's. Runs keep their source order;
    /// child rows keep theirs. The source is only read.
    ///
    /// Merging shards 1/N … N/N of a sweep gives the database the unsharded sweep would
    /// have written, row for row, but for `run_id` numbering, `started_at` and
    /// `wall_time_ns`. Merging the same shard twice copies nothing the second time
    /// (failed runs excepted: they are copied again, as a sweep would retry them).
    @discardableResult
    public func merge(from path: String) throws -> MergeSummary {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.databaseMissing(path: path) }
        let here = URL(fileURLWithPath: database.path).standardizedFileURL.resolvingSymlinksInPath()
        if URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath() == here {
            throw StoreError.mergeIntoItself(path: path)
        }
        let version = try Database(path: path, mode: .readOnly).userVersion()
        if version > ResultsSchema.version {
            throw StoreError.newerSchema(path: path, found: version, supported: ResultsSchema.version)
        }
        guard version == ResultsSchema.version else {
            throw StoreError.schemaVersion(path: path, found: version, expected: ResultsSchema.version)
        }

        let attach = try database.prepare("ATTACH DATABASE ? AS shard")
        try attach.bind(path, at: 1)
        try attach.execute()
        defer { try? database.exec("DETACH DATABASE shard") }

        return try database.transaction(.immediate) {
            var summary = MergeSummary()
            var done = try completedConfigKeys()
            try database.exec("""
                CREATE TEMP TABLE IF NOT EXISTS merge_run_map (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
                DELETE FROM temp.merge_run_map;
                """)

            // The runs, renumbered: runs columns but run_id, in this database's order.
            let runColumns = try sharedColumns(of: "runs").filter { $0 != "run_id" }
            let list = runColumns.map(ResultsSchema.quoted).joined(separator: ", ")
            let copyRun = try database.prepare("INSERT INTO main.runs (\(list)) SELECT \(list) FROM shard.runs WHERE run_id = ?")
            let mapRun = try database.prepare("INSERT INTO temp.merge_run_map (old, new) VALUES (?, ?)")
            let sources = try database.prepare("SELECT run_id, config_key, status FROM shard.runs ORDER BY run_id")
            var runs: [(id: Int64, key: String, status: String)] = []
            while try sources.step() {
                runs.append((sources.int64(at: 0), sources.text(at: 1) ?? "", sources.text(at: 2) ?? ""))
            }
            for run in runs {
                if done.contains(run.key) {
                    summary.skipped += 1
                    continue
                }
                try copyRun.bind(run.id, at: 1)
                try copyRun.execute()
                try mapRun.bind(run.id, at: 1)
                try mapRun.bind(database.lastInsertRowID, at: 2)
                try mapRun.execute()
                if Self.reproducibleStatuses.contains(run.status) { done.insert(run.key) }
                summary.merged += 1
            }

            // Every per-run table's rows of the copied runs, run_id mapped.
            for table in try perRunTables() {
                let columns = try sharedColumns(of: table).filter { $0 != "run_id" }
                let quoted = ResultsSchema.quoted(table)
                let targets = (["run_id"] + columns).map(ResultsSchema.quoted).joined(separator: ", ")
                let values = (["m.new"] + columns.map { "t." + ResultsSchema.quoted($0) }).joined(separator: ", ")
                try database.exec("""
                    INSERT INTO main.\(quoted) (\(targets))
                    SELECT \(values) FROM shard.\(quoted) AS t JOIN temp.merge_run_map AS m ON m.old = t.run_id
                    ORDER BY m.new, t.rowid
                    """)
            }
            try database.exec("DELETE FROM temp.merge_run_map")
            return summary
        }
    }

    /// The statuses `completedConfigKeys()` counts as done.
    static let reproducibleStatuses: Set<String> = ["complete", "oom", "segfault"]

    /// Tables (not views) of this database other than `runs` that have a `run_id`
    /// column and exist in the attached shard too, by name.
    private func perRunTables() throws -> [String] {
        let select = try database.prepare("""
            SELECT s.name FROM main.sqlite_schema AS s
            WHERE s.type = 'table' AND s.name <> 'runs'
              AND EXISTS (SELECT 1 FROM pragma_table_info(s.name, 'main') WHERE name = 'run_id')
              AND EXISTS (SELECT 1 FROM shard.sqlite_schema AS o WHERE o.type = 'table' AND o.name = s.name)
            ORDER BY s.name
            """)
        var names: [String] = []
        while try select.step() { if let name = select.text(at: 0) { names.append(name) } }
        return names
    }

    /// The columns `table` has both here and in the shard, in this database's order.
    private func sharedColumns(of table: String) throws -> [String] {
        let select = try database.prepare("""
            SELECT m.name FROM pragma_table_info(?1, 'main') AS m
            WHERE EXISTS (SELECT 1 FROM pragma_table_info(?1, 'shard') AS s WHERE s.name = m.name)
            ORDER BY m.cid
            """)
        try select.bind(table, at: 1)
        var names: [String] = []
        while try select.step() { if let name = select.text(at: 0) { names.append(name) } }
        return names
    }
}
