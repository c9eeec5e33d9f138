/// A pull-based stream of trace records: a text or binary reader, the DSL compiler,
/// a synthetic generator. Sources stream: their memory does not grow with the number
/// of records they produce.
///
/// The engine is generic over its source, so `next()` is a direct call in the replay
/// loop, not a dynamic dispatch per event.
public protocol TraceSource {
    /// The strings the records so far refer to. Symbols only ever get added.
    var symbols: SymbolTable { get }
    /// What the records came from (a path, `synth:churn`, …), for error messages and
    /// the results database.
    var origin: String { get }
    /// The next record, or `nil` at the end of the trace.
    mutating func next() throws(TraceError) -> TraceRecord?
    /// Where the record last returned by `next()` stands in the input (`file:line:col`
    /// for text, a byte offset for binary), so the engine can report an event that
    /// makes no sense (freeing an unknown id) at its place. Only called on error paths.
    var location: SourceLocation { get }
}

/// Where in an input something went wrong.
public enum SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line and column in a text input (a `.gmt` trace or a `.gmr` script).
    case text(file: String, line: Int, column: Int)
    /// Byte offset in a binary input.
    case byte(file: String, offset: UInt64)
    /// The n-th record (1-based) of a stream that has no text position.
    case record(origin: String, index: UInt64)

    public var description: String {
        switch self {
        case let .text(file, line, column): "\(file):\(line):\(column)"
        case let .byte(file, offset): "\(file): byte \(offset)"
        case let .record(origin, index): "\(origin): record \(index)"
        }
    }
}

/// A bad input: malformed syntax, a corrupt or truncated binary trace, or an event
/// that makes no sense where it stands (freeing an unknown id, reading past an
/// object's end). Printed as `file:line:col: expected X, found Y`; the CLI exits 2.
public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `expected X, found Y` at `location`.
    public static func expected(_ what: String, found: String, at location: SourceLocation) -> TraceError {
        TraceError(location, "expected \(what), found \(found)")
    }

    public var description: String { "\(location): \(message)" }
}
