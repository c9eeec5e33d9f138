import CSQLite
import GoMemSimCore

/// One connection to an SQLite database: a thin layer over the system library that turns
/// result codes into `StoreError`s carrying SQLite's message.
///
///     let db = try Database(path: "scratch.sqlite")
///     try db.exec("CREATE TABLE counts (kind TEXT, count INTEGER)")
///     try db.transaction {
///         let insert = try db.prepare("INSERT INTO counts VALUES (?, ?)")
///         for (kind, count) in [("alloc", 30), ("free", 12)] {
///             try insert.bind(kind, at: 1)
///             try insert.bind(Int64(count), at: 2)
///             try insert.execute()  // steps, then resets for the next row
///         }
///     }
///     try db.scalar("SELECT sum(count) FROM counts")  // .int(42)
///
/// A read-write connection is set up for several writers (processes or threads, each with
/// its own connection): `journal_mode=WAL` lets readers run beside the one writer,
/// `busy_timeout` makes a writer wait for the lock instead of failing with SQLITE_BUSY,
/// and `transaction` begins `IMMEDIATE`, taking the write lock up front so two writers
/// never both read and then deadlock on upgrading (sqlite.org/lang_transaction.html).
/// `synchronous=NORMAL` is durable in WAL mode except for the last commits at a power
/// loss, which never corrupts the file (sqlite.org/pragma.html#pragma_synchronous).
///
/// Not `Sendable`: a connection and its statements belong to one thread at a time
/// (statement state is shared mutable state); open one connection per thread.
public final class Database {
    public enum Mode: Sendable {
        /// Read and write; the file is created if missing.
        case readWriteCreate
        /// Read only (`SQLITE_OPEN_READONLY`): every write statement fails.
        case readOnly
    }

    /// The `sqlite3*` handle.
    let handle: OpaquePointer
    public let path: String

    /// How long a statement waits for another connection's lock before failing.
    public static let busyTimeoutMs: Int32 = 10_000

    public init(path: String, mode: Mode = .readWriteCreate) throws {
        let flags: Int32 = switch mode {
        case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        // NOMUTEX: a connection is confined to one thread, so SQLite need not lock it.
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw StoreError.sqlite(code: rc, message: "\(path): \(message)", sql: nil)
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Self.busyTimeoutMs)
        if mode == .readWriteCreate {
            try exec("PRAGMA journal_mode = WAL")
            try exec("PRAGMA synchronous = NORMAL")
        }
        try exec("PRAGMA foreign_keys = ON")
    }

    deinit {
        // close_v2 defers the close until every statement is finalized.
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows of interest.
    public func exec(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw StoreError.sqlite(code: rc, message: text, sql: sql)
        }
    }

    /// Compiles the first statement of `sql`.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    public enum TransactionKind: String, Sendable {
        /// Takes the write lock at BEGIN: the kind for writers.
        case immediate = "IMMEDIATE"
        /// Takes locks as statements need them: the kind for readers.
        case deferred = "DEFERRED"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws
    /// (then rethrows), so a failure leaves nothing of what `body` wrote.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try exec("BEGIN \(kind.rawValue)")
        do {
            let value = try body()
            try exec("COMMIT")
            return value
        } catch {
            // After some errors (SQLITE_FULL, IOERR) SQLite has already rolled back.
            if sqlite3_get_autocommit(handle) == 0 { try? exec("ROLLBACK") }
            throw error
        }
    }

    /// The rowid of the last row this connection inserted.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The first column of the first row of `sql`, or `nil` when there is no row.
    public func scalar(_ sql: String) throws -> FigureValue? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.value(at: 0) : nil
    }

    /// `PRAGMA user_version`: the schema version this database is at (0 for a new file).
    public func userVersion() throws -> Int {
        if case let .int(v)? = try scalar("PRAGMA user_version") { return Int(v) }
        return 0
    }

    /// SQLite's message for the last failure on this connection.
    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}
