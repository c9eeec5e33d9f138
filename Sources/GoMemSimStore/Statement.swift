import CSQLite
import GoMemSimCore

/// A compiled SQL statement, reused for every row of a bulk insert: bind the values
/// (parameters are numbered from 1, as SQLite numbers them), `execute()` or `step()`,
/// then bind the next row. Columns are numbered from 0.
///
/// Not `Sendable`, like its `Database`.
public final class Statement {
    let handle: OpaquePointer
    /// Keeps the connection open while the statement lives.
    public let database: Database
    public let sql: String

    /// Compiles `sql`, which must hold exactly one statement: anything after it other
    /// than blanks, `;` and comments is refused rather than silently ignored.
    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        var more = false
        let rc = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(database.handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            if rc == SQLITE_OK, let tail { more = Self.hasMoreSQL(tail, in: database.handle) }
            return rc
        }
        guard rc == SQLITE_OK else {
            throw StoreError.sqlite(code: rc, message: database.lastErrorMessage, sql: sql)
        }
        guard let statement, !more else {
            sqlite3_finalize(statement)
            throw StoreError.notOneStatement(more ? sql : "")
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Whether `tail` holds another statement (blanks, `;` and comments do not count).
    private static func hasMoreSQL(_ tail: UnsafePointer<CChar>, in db: OpaquePointer) -> Bool {
        var next: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, tail, -1, &next, nil)
        sqlite3_finalize(next)
        return rc != SQLITE_OK || next != nil
    }

    // MARK: Binding

    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK {
            throw StoreError.sqlite(code: rc, message: database.lastErrorMessage, sql: sql)
        }
    }

    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ value: Double, at index: Int32) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    public func bind(_ value: String, at index: Int32) throws {
        // SQLITE_TRANSIENT (-1): SQLite copies the bytes, which live only for this call.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let rc = value.withCString { sqlite3_bind_text(handle, index, $0, Int32(value.utf8.count), transient) }
        try check(rc)
    }

    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    public func bind(_ value: FigureValue, at index: Int32) throws {
        switch value {
        case let .int(v): try bind(v, at: index)
        case let .real(v): try bind(v, at: index)
        case let .text(v): try bind(v, at: index)
        case .null: try bindNull(at: index)
        }
    }

    /// Binds an optional text, `nil` as NULL.
    public func bind(_ value: String?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    /// Binds an optional integer, `nil` as NULL.
    public func bind(_ value: Int64?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    // MARK: Stepping

    /// Advances to the next row: `true` when a row is ready to read, `false` when done.
    @discardableResult
    public func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc:
            let message = database.lastErrorMessage
            sqlite3_reset(handle)
            throw StoreError.sqlite(code: rc, message: message, sql: sql)
        }
    }

    /// Runs a statement that returns no rows, then resets it for the next bindings.
    public func execute() throws {
        defer { sqlite3_reset(handle) }
        try step()
    }

    /// Rewinds the statement so it can run again; the bindings stay.
    public func reset() {
        sqlite3_reset(handle)
    }

    // MARK: Columns

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public var columnNames: [String] {
        (0..<columnCount).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    public func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    public func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func double(at column: Int32) -> Double { sqlite3_column_double(handle, column) }

    /// The column as text; `nil` for NULL.
    public func text(at column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The column with the type SQLite stored it as. A BLOB reads as its bytes in hex text.
    public func value(at column: Int32) -> FigureValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .int(int64(at: column))
        case SQLITE_FLOAT: return .real(double(at: column))
        case SQLITE_TEXT: return text(at: column).map(FigureValue.text) ?? .null
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes = sqlite3_column_blob(handle, column) else { return .text("") }
            let buffer = UnsafeRawBufferPointer(start: bytes, count: count)
            return .text(hexString(buffer))
        default: return .null
        }
    }
}
