/// Reads a `.gmt` text trace, one event per line, streaming.
///
/// ```
/// gomemsim-trace 1
/// alloc 1 600MiB noscan      # b := make([]byte, 600<<20)
/// g3 read 1 0 4KiB dep       # goroutine 3 chases a pointer into b
/// ```
///
/// The reader refills one reused buffer (1 MiB chunks by default) and parses bytes in
/// place. The common lines (`alloc`, `free`, `read`, `write`, `load`, `store`,
/// `compute`) go through ``TextFastPath`` in one pass; every other line, and any line
/// the fast path declines, is found with `memchr` and parsed by ``TextLineParser``
/// (tokens are index ranges, keywords packed integers), which words every error. No
/// `String` is built per line; only file names and checkpoint labels become strings,
/// interned once in ``symbols``. Lines may span chunk boundaries.
///
/// Any malformed input raises a ``TraceError`` at the offending token's
/// `file:line:column` (1-based, columns count bytes), worded `expected X, found Y`.
/// The grammar is in `schemas/trace-format.md`.
public struct TextTraceReader: TraceSource {
    public private(set) var symbols = SymbolTable()
    public let origin: String
    /// The longest line the reader accepts (1 MiB).
    static let maxLineBytes = 1 << 20

    private let buffer: InputBuffer
    // The cursor over the buffer, kept here rather than in `buffer` so the hot loop
    // pays no exclusivity check or reference counting per byte.
    private var base: UnsafeMutablePointer<UInt8>
    private var position = 0
    private var end = 0
    private var lineNumber = 0
    private var headerSeen = false
    private var recordLine = 0
    private var recordColumn = 0
    // The line being parsed: base[lineStart..<lineEnd], next byte at `cursor`.
    private var lineStart = 0
    private var lineEnd = 0
    /// Whether lines go through ``TextFastPath`` first (tests turn it off to compare).
    private let usesFastPath: Bool

    /// Opens the text trace at `path` (plain or gzip-compressed).
    public init(path: String, chunkSize: Int = 1 << 20) throws(TraceError) {
        self.init(input: try ByteInput.open(path: path), origin: path, chunkSize: chunkSize)
    }

    /// Reads a text trace from memory; `chunkSize` lets tests cross chunk boundaries.
    public init(bytes: [UInt8], origin: String = "<memory>", chunkSize: Int = 1 << 20) {
        self.init(input: .memory(bytes), origin: origin, chunkSize: chunkSize)
    }

    init(input: ByteInput, origin: String, chunkSize: Int, usesFastPath: Bool = true) {
        self.origin = origin
        self.usesFastPath = usesFastPath
        buffer = InputBuffer(input, origin: origin, chunkSize: chunkSize)
        base = buffer.base
        assert(InputBuffer.padding >= 8, "TextFastPath loads 8 bytes from the sentinel on")
        base[end] = 0x0a  // the fast path's sentinel (see nextLine)
    }

    /// A reader of `bytes` that parses every line with the general parser, as the
    /// reference the fast path is tested against.
    init(bytes: [UInt8], origin: String = "<memory>", chunkSize: Int = 1 << 20, usesFastPath: Bool) {
        self.init(input: .memory(bytes), origin: origin, chunkSize: chunkSize, usesFastPath: usesFastPath)
    }

    /// The `file:line:column` of the first token of the record last returned.
    public var location: SourceLocation { .text(file: origin, line: recordLine, column: recordColumn) }

    public mutating func next() throws(TraceError) -> TraceRecord? {
        if headerSeen && usesFastPath,
           let (record, next) = TextFastPath.record(at: base + position, end: base + end) {
            lineNumber += 1
            recordLine = lineNumber
            recordColumn = 1  // the fast path takes only lines that start with their first token
            position = base.distance(to: UnsafeMutablePointer(mutating: next))
            return record
        }
        return try nextByLine()
    }

    /// The general path: finds the next line that holds a record and parses it with
    /// ``TextLineParser``, reporting any error at its token.
    private mutating func nextByLine() throws(TraceError) -> TraceRecord? {
        while try nextLine() {
            // The parser is a trivial value over the buffer: no copy of `self` per call.
            var line = TextLineParser(base: base, lineStart: lineStart, lineEnd: lineEnd)
            guard let first = line.token() else { continue }  // blank or comment-only line
            do {
                guard headerSeen else {
                    try line.parseHeader(first)
                    headerSeen = true
                    continue
                }
                recordLine = lineNumber
                recordColumn = first.start - lineStart + 1
                return try line.parseRecord(first, symbols: &symbols)
            } catch {
                throw .expected(error.expected, found: error.found,
                                at: .text(file: origin, line: lineNumber, column: error.column))
            }
        }
        guard headerSeen else {
            throw TraceError.expected("the header \"\(TextSyntax.magic) \(TextSyntax.version)\"", found: "end of file",
                                      at: .text(file: origin, line: max(lineNumber, 1), column: 1))
        }
        return nil
    }

    // MARK: Lines

    /// Advances to the next line, refilling the buffer as needed; false at end of input.
    private mutating func nextLine() throws(TraceError) -> Bool {
        var searchFrom = position
        while true {
            if let newline = memchr(base + searchFrom, 0x0a, end - searchFrom) {
                let newlineIndex = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                setLine(position, newlineIndex)
                position = newlineIndex + 1
                return true
            }
            if buffer.atEnd {
                guard position < end else { return false }
                setLine(position, end)  // the last line has no newline
                position = end
                return true
            }
            let scanned = end - position
            // A line longer than this is not a trace line (binary garbage, a missing
            // newline); stop rather than buffer the whole input.
            guard scanned <= Self.maxLineBytes else {
                throw .expected("a line of at most \(Self.maxLineBytes) bytes", found: "a longer one",
                                at: .text(file: origin, line: lineNumber + 1, column: 1))
            }
            end = try buffer.refill(keeping: position, end: end)
            base = buffer.base
            // A newline just past the data (in the buffer's padding) stops every scan of
            // ``TextFastPath``; a line that reaches it is incomplete and comes back here.
            base[end] = 0x0a
            position = 0
            searchFrom = scanned
        }
    }

    private mutating func setLine(_ start: Int, _ newline: Int) {
        lineNumber += 1
        lineStart = start
        lineEnd = newline
        if lineEnd > lineStart && base[lineEnd - 1] == 0x0d { lineEnd -= 1 }  // CRLF
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
