import GoMemSimCore

/// Writes many rows into one table fast: rows are collected into batches of up to 64 and
/// each batch goes in with one multi-row `INSERT … VALUES (…), (…), …`, which halves the
/// CPU cost per row against one statement step per row (SQLite's per-step overhead is
/// paid once per batch; measured in `gomemsim-bench store`). The last, partial batch goes
/// row by row. Call `finish()` to write it; rows not finished are not written.
///
///     let insert = try BulkInsert(into: "faults", columns: ["run_id", "kind", "count"], database: db)
///     insert.append(.int(runID)); insert.append(.text("minor")); insert.append(.int(12))
///     try insert.endRow()
///     try insert.finish()
///
/// Not `Sendable`, like the `Database` it writes.
public final class BulkInsert {
    /// Columns per row.
    public let width: Int
    /// Rows per multi-row statement: at most 64, and within SQLite's default limit of
    /// 32 766 bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER, since 3.32).
    public let batchRows: Int
    private let single: Statement
    private let batchSQL: String
    private var batch: Statement?
    private let prepare: (String) throws -> Statement
    /// Values of the rows not yet written, row after row.
    private var pending: [FigureValue] = []

    /// - Parameter prepare: how statements are compiled (a caller may cache them).
    public init(into table: String, columns: [String], prepare: @escaping (String) throws -> Statement) throws {
        width = columns.count
        batchRows = Self.batchRows(columns: columns.count)
        let names = columns.map(ResultsSchema.quoted).joined(separator: ", ")
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let head = "INSERT INTO \(ResultsSchema.quoted(table)) (\(names)) VALUES "
        single = try prepare(head + row)
        batchSQL = head + Array(repeating: row, count: batchRows).joined(separator: ", ")
        self.prepare = prepare
        pending.reserveCapacity(width * batchRows)
    }

    public convenience init(into table: String, columns: [String], database: Database) throws {
        try self.init(into: table, columns: columns, prepare: database.prepare)
    }

    /// Rows per batch for a table of `columns` columns.
    public static func batchRows(columns: Int) -> Int {
        max(1, min(64, 32_766 / max(1, columns)))
    }

    /// Adds the next value of the current row.
    @inline(__always)
    public func append(_ value: FigureValue) {
        pending.append(value)
    }

    /// Ends the current row; writes a batch when one is full.
    public func endRow() throws {
        guard pending.count % width == 0 else {
            throw StoreError.rowWidth(sql: single.sql, columns: width, values: pending.count % width)
        }
        if pending.count == width * batchRows { try writeBatch() }
    }

    /// Writes the rows still pending.
    public func finish() throws {
        var i = 0
        while i + width <= pending.count {
            for c in 0..<width { try single.bind(pending[i + c], at: Int32(c + 1)) }
            try single.execute()
            i += width
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func writeBatch() throws {
        let statement: Statement
        if let batch { statement = batch } else {
            statement = try prepare(batchSQL)
            batch = statement
        }
        for (i, value) in pending.enumerated() { try statement.bind(value, at: Int32(i + 1)) }
        try statement.execute()
        pending.removeAll(keepingCapacity: true)
    }
}
