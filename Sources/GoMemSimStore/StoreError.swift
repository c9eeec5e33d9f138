/// Why the results database could not be opened, read or written. The description is
/// one line a user can act on; SQLite's own message is kept verbatim.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// SQLite refused: its result code, its message (`sqlite3_errmsg`) and the SQL, if any.
    case sqlite(code: Int32, message: String, sql: String?)
    /// A read-only open of a file that does not exist.
    case databaseMissing(path: String)
    /// The database was written by a newer gomemsim whose schema this one does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// No migration step leads from `version` to the next one.
    case noMigration(from: Int)
    /// A model handed rows for a table that is not in the schema, or is not a per-run table.
    case unknownTable(String)
    /// A model handed rows with a column the table does not have.
    case unknownColumn(table: String, column: String)
    /// A bulk-insert row ended with fewer or more values than the statement has columns.
    case rowWidth(sql: String, columns: Int, values: Int)
    /// `query` was given more than one statement, or none.
    case notOneStatement(String)
    /// A file to hash could not be read.
    case unreadableFile(path: String, reason: String)
    /// A database to merge is not at this gomemsim's schema version (0: not a results database).
    case schemaVersion(path: String, found: Int, expected: Int)
    /// A database cannot be merged into itself.
    case mergeIntoItself(path: String)

    public var description: String {
        switch self {
        case let .sqlite(_, message, sql?):
            return "SQLite: \(message) (in: \(sql.count > 200 ? sql.prefix(200) + "…" : sql))"
        case let .sqlite(_, message, nil):
            return "SQLite: \(message)"
        case let .databaseMissing(path):
            return "\(path): no such results database (write one with `gomemsim replay` or `sweep`, or pass --db)"
        case let .newerSchema(path, found, supported):
            return "\(path): results schema version \(found) is newer than this gomemsim understands (\(supported)); use a newer gomemsim"
        case let .noMigration(version):
            return "no migration from results schema version \(version)"
        case let .unknownTable(table):
            return "model rows for table '\(table)', which schemas/results.sql does not define as a per-run table"
        case let .unknownColumn(table, column):
            return "model rows for column '\(column)' of table '\(table)', which schemas/results.sql does not define"
        case let .rowWidth(sql, columns, values):
            return "a row of \(values) values for \(columns) columns (in: \(sql.prefix(120)))"
        case let .notOneStatement(sql):
            return "expected one SQL statement, found \(sql.isEmpty ? "none" : "more: '\(sql.prefix(60))'")"
        case let .unreadableFile(path, reason):
            return "\(path): \(reason)"
        case let .schemaVersion(path, 0, _):
            return "\(path): not a gomemsim results database (schema version 0)"
        case let .schemaVersion(path, found, expected):
            return "\(path): results schema version \(found), expected \(expected); open it once with this gomemsim's `replay` or `sweep` to migrate it"
        case let .mergeIntoItself(path):
            return "\(path): cannot merge a database into itself"
        }
    }
}
