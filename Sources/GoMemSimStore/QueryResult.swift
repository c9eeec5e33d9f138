import Foundation
import GoMemSimCore

/// The rows of a query, with the value types SQLite stored (integer, real, text, NULL).
public struct QueryResult: Hashable, Sendable {
    public var columns: [String]
    public var rows: [[FigureValue]]

    public init(columns: [String], rows: [[FigureValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// Runs one SQL statement on a read-only connection to the results database at `path`
/// and returns its rows. A write statement fails (`SQLITE_READONLY`), so a query can
/// never change results; a missing file is `StoreError.databaseMissing`, not a new file.
///
/// `arguments` bind the statement's `?` parameters in order, so values such as trace
/// paths never need quoting into the SQL:
///
///     try query("SELECT * FROM v_gogc_compare WHERE trace = ?", path: db, arguments: [.text(trace)])
public func query(_ sql: String, path: String, arguments: [FigureValue] = []) throws -> QueryResult {
    guard FileManager.default.fileExists(atPath: path) else {
        throw StoreError.databaseMissing(path: path)
    }
    let database = try Database(path: path, mode: .readOnly)
    let version = try database.userVersion()
    if version > ResultsSchema.version {
        throw StoreError.newerSchema(path: path, found: version, supported: ResultsSchema.version)
    }
    let statement = try database.prepare(sql)
    for (i, argument) in arguments.enumerated() {
        try statement.bind(argument, at: Int32(i + 1))
    }
    let width = statement.columnCount
    var rows: [[FigureValue]] = []
    while try statement.step() {
        rows.append((0..<width).map { statement.value(at: $0) })
    }
    return QueryResult(columns: statement.columnNames, rows: rows)
}
