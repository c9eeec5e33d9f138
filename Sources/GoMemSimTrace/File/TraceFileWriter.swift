#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a trace file as text (`.gmt`) or binary (`.gmtb`), chosen by `format` or
/// else by the path's extension. Output is buffered; ``close()`` flushes it (and, for
/// binary, writes the end record) — a writer dropped without `close()` leaves an
/// incomplete file that readers reject.
///
/// ```
/// var out = try TraceFileWriter(path: "run.gmtb")
/// try out.write(TraceRecord(.gc), symbols: table)
/// try out.close()
/// ```
public struct TraceFileWriter {
    private var textWriter: TextTraceWriter?
    private var binaryWriter: BinaryTraceWriter?
    private let file: OutputFile
    public let format: TraceFormat
    public let path: String

    /// Bytes gathered before a `write(2)`.
    private static let flushThreshold = 1 << 20

    public init(path: String, format: TraceFormat? = nil) throws {
        guard let format = format ?? TraceFormat(path: path) else {
            throw TraceWriteError("\(path): cannot tell the trace format from the extension (use .gmt or .gmtb)")
        }
        guard !path.hasSuffix(".gz") else {
            throw TraceWriteError("\(path): writing gzip-compressed traces is not supported (compress with gzip afterwards)")
        }
        self.path = path
        self.format = format
        file = try OutputFile(path: path)
        switch format {
        case .text: textWriter = TextTraceWriter()
        case .binary: binaryWriter = BinaryTraceWriter()
        }
    }

    public mutating func write(_ record: TraceRecord, symbols: SymbolTable) throws {
        switch format {
        case .text:
            try textWriter?.write(record, symbols: symbols)
            if let count = textWriter?.bytes.count, count >= Self.flushThreshold { try flush() }
        case .binary:
            try binaryWriter?.write(record, symbols: symbols)
            if let count = binaryWriter?.bytes.count, count >= Self.flushThreshold { try flush() }
        }
    }

    /// Writes what is buffered (and the end record of a binary trace) and closes the file.
    public mutating func close() throws {
        binaryWriter?.finish()
        try flush()
        try file.close()
    }

    private mutating func flush() throws {
        switch format {
        case .text:
            try textWriter?.bytes.withUnsafeBytes { bytes throws in try file.write(bytes) }
            textWriter?.removeAllBytes()
        case .binary:
            try binaryWriter?.bytes.withUnsafeBytes { bytes throws in try file.write(bytes) }
            binaryWriter?.removeAllBytes()
        }
    }
}

/// An output file descriptor, closed when dropped.
final class OutputFile {
    private var fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TraceWriteError("\(path): cannot create: \(String(cString: strerror(errno)))") }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw TraceWriteError("\(path): written after close") }
        var done = 0
        while done < bytes.count {
            let wrote = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if wrote < 0 {
                if errno == EINTR { continue }
                throw TraceWriteError("\(path): cannot write: \(String(cString: strerror(errno)))")
            }
            done += wrote
        }
    }

    func close() throws {
        guard fd >= 0 else { return }
        let result = Glibc.close(fd)
        fd = -1
        guard result == 0 else { throw TraceWriteError("\(path): cannot close: \(String(cString: strerror(errno)))") }
    }
}
