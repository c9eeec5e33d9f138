import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader's bytes come from: a plain file (`read(2)`), a gzip file (zlib's
/// `gzread`, streaming), or bytes already in memory (tests, small inputs).
enum ByteInput {
    case file(Int32)
    case gzip(gzFile)
    case memory([UInt8])

    /// The two bytes every gzip member starts with (RFC 1952, section 2.3.1).
    static let gzipMagic: (UInt8, UInt8) = (0x1f, 0x8b)

    /// Opens `path`, decompressing it transparently when it starts with the gzip magic.
    static func open(path: String) throws(TraceError) -> ByteInput {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw ioError(path, "cannot open: \(errnoText())") }
        var magic: (UInt8, UInt8) = (0, 0)
        let got = withUnsafeMutableBytes(of: &magic) { Glibc.read(fd, $0.baseAddress, 2) }
        guard got >= 0 else {
            let text = errnoText()
            Glibc.close(fd)
            throw ioError(path, "cannot read: \(text)")
        }
        if got == 2 && magic == gzipMagic {
            Glibc.close(fd)
            guard let gz = gzopen(path, "rb") else { throw ioError(path, "cannot open gzip file") }
            gzbuffer(gz, 1 << 18)
            return .gzip(gz)
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            Glibc.close(fd)
            throw ioError(path, "cannot seek: \(errnoText())")
        }
        return .file(fd)
    }

    static func ioError(_ path: String, _ message: String) -> TraceError {
        TraceError(.byte(file: path, offset: 0), message)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A reader's chunk buffer: a fixed block of memory refilled from a ``ByteInput``.
/// The reader keeps its cursor as plain integers and pointers of its own (no
/// exclusivity checks or reference counting per byte); it calls ``refill(keeping:end:)``
/// only when a record does not fit in what is left (once per chunk, about 1 MiB).
final class InputBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes asked of the input per refill; tests make it tiny to cross chunk boundaries.
    let chunkSize: Int
    private var input: ByteInput
    private var memoryPosition = 0
    /// Offset in the (decompressed) input of `base[0]`.
    private(set) var offsetOfBase: UInt64 = 0
    private(set) var atEnd = false
    let origin: String
    /// Readable bytes after the buffer's capacity, so a decoder may look up to this far
    /// past the end of the data without a bounds check per byte (it checks once after).
    static let padding = 16

    init(_ input: ByteInput, origin: String, chunkSize: Int = 1 << 20) {
        self.input = input
        self.origin = origin
        self.chunkSize = max(1, chunkSize)
        capacity = max(64, self.chunkSize * 2)
        base = .allocate(capacity: capacity + Self.padding)
        base.initialize(repeating: 0, count: capacity + Self.padding)
    }

    deinit {
        base.deallocate()
        switch input {
        case let .file(fd): Glibc.close(fd)
        case let .gzip(gz): gzclose_r(gz)
        case .memory: break
        }
    }

    /// Moves the unread bytes `base[keep..<end]` to the front and appends up to one chunk
    /// (growing the buffer when a single record is longer than it). Returns the new end;
    /// the unread bytes now start at 0. At the end of input the end does not move.
    func refill(keeping keep: Int, end: Int) throws(TraceError) -> Int {
        let unread = end - keep
        if keep > 0 && unread > 0 { base.update(from: base + keep, count: unread) }
        offsetOfBase += UInt64(keep)
        if capacity - unread < chunkSize {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + Self.padding)
            grown.initialize(repeating: 0, count: capacity * 2 + Self.padding)
            grown.update(from: base, count: unread)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        var filled = unread
        // One chunk per call, except when reads come back short (pipes, gzip).
        while !atEnd && filled - unread < chunkSize {
            let got = try readInput(into: base + filled, count: min(chunkSize - (filled - unread), capacity - filled),
                                    offset: offsetOfBase + UInt64(filled))
            if got == 0 { atEnd = true } else { filled += got }
        }
        return filled
    }

    /// Reads up to `count` bytes; `offset` is where they start in the input, for errors.
    private func readInput(into destination: UnsafeMutablePointer<UInt8>, count: Int, offset: UInt64) throws(TraceError) -> Int {
        switch input {
        case let .file(fd):
            while true {
                let got = Glibc.read(fd, destination, count)
                if got >= 0 { return got }
                if errno == EINTR { continue }
                throw TraceError(.byte(file: origin, offset: offset), "cannot read: \(ByteInput.errnoText())")
            }
        case let .gzip(gz):
            let got = gzread(gz, destination, UInt32(count))
            var code: Int32 = 0
            let message = gzerror(gz, &code).map { String(cString: $0) } ?? "unknown error"
            // Z_BUF_ERROR at the end: the file stops in the middle of a gzip stream (zlib.h, gzread).
            if got < 0 || (got == 0 && code != Z_OK) {
                throw TraceError(.byte(file: origin, offset: offset), "corrupt gzip data: \(message)")
            }
            return Int(got)
        case let .memory(bytes):
            let count = min(count, bytes.count - memoryPosition)
            bytes.withUnsafeBufferPointer { source in
                if let start = source.baseAddress { destination.update(from: start + memoryPosition, count: count) }
            }
            memoryPosition += count
            return count
        }
    }
}
