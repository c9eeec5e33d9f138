/// Reads a trace file in whichever format it holds, decided by its content, not its
/// name: gzip-compressed or not (magic `1f 8b`), then binary (the `.gmtb` magic
/// `89 47 4d 54 42 0d 0a 1a`) or text (anything else, which the text reader then
/// checks for its `gomemsim-trace 1` header).
///
/// ```
/// var trace = try TraceFileReader(path: "run.gmt.gz")
/// while let record = try trace.next() { … }
/// ```
public struct TraceFileReader: TraceSource {
    // Two optionals rather than an enum with payloads: `next()` mutates the reader in
    // place instead of copying it out and back (which would retain its buffer per record).
    private var textReader: TextTraceReader?
    private var binaryReader: BinaryTraceReader?
    public let format: TraceFormat
    public let origin: String

    public init(path: String) throws(TraceError) {
        try self.init(path: path, chunkSize: 1 << 20)
    }

    /// `chunkSize` is the bytes read per refill (tests make it small).
    public init(path: String, chunkSize: Int) throws(TraceError) {
        origin = path
        if try Self.startsWithBinaryMagic(path: path) {
            binaryReader = BinaryTraceReader(input: try ByteInput.open(path: path), origin: path, chunkSize: chunkSize)
            format = .binary
        } else {
            textReader = TextTraceReader(input: try ByteInput.open(path: path), origin: path, chunkSize: chunkSize)
            format = .text
        }
    }

    /// Peeks at the first (decompressed) bytes of `path`.
    private static func startsWithBinaryMagic(path: String) throws(TraceError) -> Bool {
        let magic = BinaryFormat.magic
        let buffer = InputBuffer(try ByteInput.open(path: path), origin: path, chunkSize: magic.count)
        var end = 0
        while end < magic.count && !buffer.atEnd { end = try buffer.refill(keeping: 0, end: end) }
        return end >= magic.count && (0..<magic.count).allSatisfy { buffer.base[$0] == magic[$0] }
    }

    public var symbols: SymbolTable { binaryReader?.symbols ?? textReader?.symbols ?? SymbolTable() }

    public var location: SourceLocation {
        binaryReader?.location ?? textReader?.location ?? .record(origin: origin, index: 0)
    }

    public mutating func next() throws(TraceError) -> TraceRecord? {
        switch format {
        case .binary: try binaryReader?.next()
        case .text: try textReader?.next()
        }
    }
}
