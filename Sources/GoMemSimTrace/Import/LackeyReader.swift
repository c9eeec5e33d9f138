#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One memory reference of a valgrind lackey trace (`valgrind --tool=lackey --trace-mem=yes`).
///
/// ```
/// I  0400d7d4,8        instruction fetch of 8 bytes
///  L 7ff0005b8,8       data load
///  S 7ff0005b8,8       data store
///  M 0421c7f0,4        data modify: a load and a store of the same bytes (`inc (mem)`)
/// ```
/// Addresses are hexadecimal without `0x`, sizes decimal. Lines that start with `==`
/// are valgrind's own messages and carry no reference.
public struct LackeyAccess: Hashable, Sendable {
    public enum Kind: UInt8, Hashable, Sendable {
        case instruction = 73  // "I"
        case load = 76         // "L"
        case store = 83        // "S"
        case modify = 77       // "M"
    }
    public var kind: Kind
    public var address: UInt64
    public var size: UInt32

    @inlinable public init(_ kind: Kind, address: UInt64, size: UInt32) {
        self.kind = kind
        self.address = address
        self.size = size
    }
}

/// Reads a valgrind lackey trace as a stream, either as raw ``LackeyAccess``es
/// (``nextAccess()``, what the Cache Lab and Cachegrind modes need) or as a
/// ``TraceSource`` of raw-address events: `L` is a load, `S` a store, `M` a load then a
/// store of the same bytes, `I` skipped (or a load when `instructionFetches` is true).
///
/// The reader keeps one reused byte buffer (64 KiB) and parses lines in place, so memory
/// stays flat whatever the trace length. A malformed line is a ``TraceError`` at its
/// `file:line:col`.
public struct LackeyReader: TraceSource {
    public private(set) var symbols = SymbolTable()
    public let origin: String
    /// Surface `I` lines as loads of the instruction bytes (off: Cache Lab ignores them).
    public var instructionFetches: Bool

    private var descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0        // first unread byte in buffer
    private var end = 0          // one past the last valid byte
    private var atEOF: Bool
    private var line = 0         // 1-based number of the line last parsed
    private var recordLine = 0   // line of the record last returned
    private var pendingStore: TraceRecord?

    private static let chunkBytes = 1 << 16

    /// Opens the trace at `path`.
    public init(path: String, instructionFetches: Bool = false) throws(TraceError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw TraceError(.text(file: path, line: 0, column: 0),
                             "cannot open: \(String(cString: strerror(errno)))")
        }
        origin = path
        self.instructionFetches = instructionFetches
        descriptor = fd
        buffer = [UInt8](repeating: 0, count: Self.chunkBytes)
        atEOF = false
    }

    /// Reads a trace held in memory (tests, stdin already read).
    public init(bytes: [UInt8], origin: String = "<memory>", instructionFetches: Bool = false) {
        self.origin = origin
        self.instructionFetches = instructionFetches
        descriptor = -1
        buffer = bytes
        end = bytes.count
        atEOF = true
    }

    /// Releases the file descriptor early; the reader then reports end of trace.
    public mutating func close() {
        if descriptor >= 0 { closeFile(descriptor); descriptor = -1 }
        atEOF = true
        start = end
    }

    public var location: SourceLocation { .text(file: origin, line: recordLine, column: 1) }

    public mutating func next() throws(TraceError) -> TraceRecord? {
        if let store = pendingStore {
            pendingStore = nil
            return store
        }
        while let access = try nextAccess() {
            switch access.kind {
            case .load:
                return TraceRecord(.load(address: access.address, length: access.size, dependent: false))
            case .store:
                return TraceRecord(.store(address: access.address, length: access.size))
            case .modify:
                pendingStore = TraceRecord(.store(address: access.address, length: access.size))
                return TraceRecord(.load(address: access.address, length: access.size, dependent: false))
            case .instruction:
                if instructionFetches {
                    return TraceRecord(.load(address: access.address, length: access.size, dependent: false))
                }
            }
        }
        return nil
    }

    /// The next reference, including instruction fetches, or `nil` at the end.
    public mutating func nextAccess() throws(TraceError) -> LackeyAccess? {
        while true {
            guard let (lineStart, lineEnd) = try nextLine() else { return nil }
            if let access = try parse(from: lineStart, to: lineEnd) {
                recordLine = line
                return access
            }
        }
    }

    // MARK: Lines

    /// The next line's bytes `[lineStart, lineEnd)` in `buffer` (without `\n`, `\r`).
    private mutating func nextLine() throws(TraceError) -> (Int, Int)? {
        while true {
            if let newline = firstNewline(from: start) {
                let lineStart = start
                start = newline + 1
                line += 1
                var lineEnd = newline
                if lineEnd > lineStart && buffer[lineEnd - 1] == 13 { lineEnd -= 1 }
                return (lineStart, lineEnd)
            }
            if atEOF {
                guard start < end else { return nil }
                // A last line without a newline.
                let lineStart = start
                start = end
                line += 1
                var lineEnd = end
                if buffer[lineEnd - 1] == 13 { lineEnd -= 1 }
                return (lineStart, lineEnd)
            }
            try refill()
        }
    }

    private func firstNewline(from index: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes in
            var i = index
            while i < end {
                if bytes[i] == 10 { return i }
                i += 1
            }
            return nil
        }
    }

    /// Moves the unread tail to the front and reads more; grows the buffer only for a
    /// line longer than it (a malformed trace), so memory stays bounded by the longest line.
    private mutating func refill() throws(TraceError) {
        let unread = end - start
        if start > 0 {
            if unread > 0 {
                buffer.withUnsafeMutableBufferPointer { bytes in
                    let base = bytes.baseAddress!
                    base.update(from: base + start, count: unread)
                }
            }
            start = 0
            end = unread
        }
        if end == buffer.count {
            guard buffer.count < 1 << 24 else {
                throw TraceError(.text(file: origin, line: line + 1, column: 1),
                                 "expected a lackey line, found a line longer than 16 MiB")
            }
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let capacity = buffer.count - end
        let got = buffer.withUnsafeMutableBufferPointer { bytes in
            read(descriptor, bytes.baseAddress! + end, capacity)
        }
        if got < 0 {
            throw TraceError(.text(file: origin, line: line + 1, column: 1),
                             "read failed: \(String(cString: strerror(errno)))")
        }
        if got == 0 {
            atEOF = true
            if descriptor >= 0 { closeFile(descriptor); descriptor = -1 }
        }
        end += got
    }

    // MARK: Parsing

    private func error(_ expected: String, at index: Int, lineStart: Int, lineEnd: Int) -> TraceError {
        let found: String
        if index >= lineEnd {
            found = "end of line"
        } else {
            var token = index
            while token < lineEnd, buffer[token] != 32, buffer[token] != 9, buffer[token] != 44 { token += 1 }
            found = quotedBytes(buffer[index..<max(token, index + 1)].prefix(24))
        }
        return TraceError.expected(expected, found: found,
                                   at: .text(file: origin, line: line, column: index - lineStart + 1))
    }

    /// Parses `[op] addr,size`; `nil` for blank lines and valgrind `==pid==` messages.
    private func parse(from lineStart: Int, to lineEnd: Int) throws(TraceError) -> LackeyAccess? {
        var i = lineStart
        while i < lineEnd, buffer[i] == 32 || buffer[i] == 9 { i += 1 }
        if i == lineEnd { return nil }
        if buffer[i] == 61 /* = */, i + 1 < lineEnd, buffer[i + 1] == 61 { return nil }
        guard let kind = LackeyAccess.Kind(rawValue: buffer[i]) else {
            throw error("I, L, S or M", at: i, lineStart: lineStart, lineEnd: lineEnd)
        }
        i += 1
        let afterOp = i
        while i < lineEnd, buffer[i] == 32 || buffer[i] == 9 { i += 1 }
        guard i > afterOp else { throw error("a space after the operation", at: i, lineStart: lineStart, lineEnd: lineEnd) }

        // Address: 1-16 hex digits.
        let addressStart = i
        var address: UInt64 = 0
        while i < lineEnd, let digit = Self.hexValue(buffer[i]) {
            guard i - addressStart < 16 else {
                throw error("an address of at most 16 hex digits", at: addressStart, lineStart: lineStart, lineEnd: lineEnd)
            }
            address = address << 4 | UInt64(digit)
            i += 1
        }
        guard i > addressStart else { throw error("a hexadecimal address", at: i, lineStart: lineStart, lineEnd: lineEnd) }
        guard i < lineEnd, buffer[i] == 44 else { throw error("\",\" after the address", at: i, lineStart: lineStart, lineEnd: lineEnd) }
        i += 1

        // Size: decimal, fits in 32 bits, at least 1.
        let sizeStart = i
        var size: UInt64 = 0
        while i < lineEnd, buffer[i] >= 48, buffer[i] <= 57 {
            size = size * 10 + UInt64(buffer[i] - 48)
            guard size <= UInt64(UInt32.max) else {
                throw error("a size below 2^32", at: sizeStart, lineStart: lineStart, lineEnd: lineEnd)
            }
            i += 1
        }
        guard i > sizeStart else { throw error("a decimal size", at: i, lineStart: lineStart, lineEnd: lineEnd) }
        guard size > 0 else { throw error("a size of at least 1", at: sizeStart, lineStart: lineStart, lineEnd: lineEnd) }
        while i < lineEnd, buffer[i] == 32 || buffer[i] == 9 { i += 1 }
        guard i == lineEnd else { throw error("end of line", at: i, lineStart: lineStart, lineEnd: lineEnd) }
        // No access wraps the address space (a simulator would walk it to the wrap).
        guard size - 1 <= UInt64.max - address else {
            throw error("a size that ends the access below 2^64", at: sizeStart, lineStart: lineStart, lineEnd: lineEnd)
        }
        return LackeyAccess(kind, address: address, size: UInt32(size))
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 97...102: byte - 87
        case 65...70: byte - 55
        default: nil
        }
    }
}

/// `close(2)`, named apart from ``LackeyReader/close()``.
private func closeFile(_ descriptor: Int32) { _ = close(descriptor) }
