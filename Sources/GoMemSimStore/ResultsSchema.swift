import Foundation
import GoMemSimCore

/// The results schema (`schemas/results.sql`) and how an older database reaches it.
///
/// The version lives in `PRAGMA user_version`: 0 is a new, empty file. Opening a database
/// runs the migration steps from its version up to `version`, all in one `IMMEDIATE`
/// transaction (so two processes opening a new file at once create the tables once).
/// A database at a newer version than this code knows is refused, never written.
///
/// To change the schema: edit `schemas/results.sql`, copy it into `ddl`, raise `version`,
/// freeze the previous DDL as the 0 → 1 step's text if it differs, and add a step from the
/// old version (`ALTER TABLE …`).
public enum ResultsSchema {
    /// The schema version this code reads and writes.
    public static let version = 1

    /// One step from `from` to `from + 1`.
    public struct Migration: Sendable {
        public var from: Int
        public var apply: @Sendable (Database) throws -> Void

        public init(from: Int, apply: @escaping @Sendable (Database) throws -> Void) {
            self.from = from
            self.apply = apply
        }
    }

    /// The steps, in order: 0 → 1 creates the version-1 schema.
    public static let migrations: [Migration] = [
        Migration(from: 0) { try $0.exec(ddl) },
    ]

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
                guard let step = steps.first(where: { $0.from == current }) else {
                    throw StoreError.noMigration(from: current)
                }
                try step.apply(database)
                current += 1
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
