import Foundation
import GoMemSimCore

/// The results schema (`schemas/results.sql`) and how an older database reaches it.
///
/// The version lives in `PRAGMA user_version`: 0 is a new, empty file. Opening a database
/// runs the migration steps from its version up to `version`, all in one `IMMEDIATE`
/// transaction (so two processes opening a new file at once create the tables once).
/// A database at a newer version than this code knows is refused, never written.
///
/// A new database gets the whole current `ddl` in one step; an older one runs the steps
/// from its version. To change the schema: edit `schemas/results.sql`, copy it into `ddl`,
/// raise `version`, and add a step from the old version (new objects can be taken from
/// `ddl` by name with ``statements(creating:)``; changed ones need `ALTER TABLE …`).
public enum ResultsSchema {
    /// The schema version this code reads and writes.
    public static let version = 2

    /// One step from version `from` to `to` (by default the next one).
    public struct Migration: Sendable {
        public var from: Int
        public var to: Int
        public var apply: @Sendable (Database) throws -> Void

        public init(from: Int, to: Int? = nil, apply: @escaping @Sendable (Database) throws -> Void) {
            self.from = from
            self.to = to ?? from + 1
            self.apply = apply
        }
    }

    /// The objects schema version 2 added: cache and TLB counters per checkpoint.
    static let addedInVersion2: Set<String> = [
        "checkpoint_cache_stats", "checkpoint_cache_stats_run", "checkpoint_tlb_stats", "checkpoint_tlb_stats_run",
        "v_cache_intervals", "v_tlb_intervals",
    ]

    /// The steps: a new database (version 0) gets the current schema at once.
    public static let migrations: [Migration] = [
        Migration(from: 0, to: version) { try $0.exec(ddl) },
        Migration(from: 1) { database in
            try database.exec(statements(creating: addedInVersion2))
            // Version 1 stored tlb_stats.page_size (an INTEGER column) as a name.
            try database.exec("""
                UPDATE tlb_stats SET page_size = CASE page_size WHEN '4KiB' THEN 4096 WHEN '2MiB' THEN 2097152
                    WHEN '1GiB' THEN 1073741824 ELSE page_size END
                """)
        },
    ]

    /// The statements of `ddl` that create the objects named `names` (tables, indexes,
    /// views), each with the comment above it, in `ddl`'s order.
    static func statements(creating names: Set<String>) -> String {
        ddl.components(separatedBy: ";\n").filter { statement in
            guard let create = statement.range(of: "CREATE ") else { return false }
            let words = statement[create.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" })
            // CREATE TABLE name (, CREATE INDEX name ON, CREATE VIEW name AS
            return words.count > 1 && names.contains(String(words[1]))
        }.map { $0 + ";\n" }.joined()
    }

    /// Brings `database` to `target` by `steps`; refuses a database newer than `target`.
    public static func migrate(_ database: Database, steps: [Migration] = migrations, to target: Int = version) throws {
        func refuseNewer(_ found: Int) throws {
            if found > target {
                throw StoreError.newerSchema(path: database.path, found: found, supported: target)
            }
        }
        let found = try database.userVersion()
        try refuseNewer(found)
        guard found < target else { return }
        try database.transaction(.immediate) {
            // Read again under the write lock: another connection may have migrated meanwhile.
            var current = try database.userVersion()
            try refuseNewer(current)
            while current < target {
                guard let step = steps.first(where: { $0.from == current && $0.to <= target }) else {
                    throw StoreError.noMigration(from: current)
                }
                try step.apply(database)
                current = step.to
            }
            try database.exec("PRAGMA user_version = \(target)")
        }
    }

    /// The columns of `checkpoints` and `samples` after their keys: MemoryFigures' columns.
    public static let figureColumns: [String] = MemoryFigures().columns.map(\.name)

    /// `name` as an SQL identifier, quoted so that no name can be read as SQL.
    public static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
