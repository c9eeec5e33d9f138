import Foundation
import GoMemSimTrace

/// A record with its strings resolved, so records from readers with different symbol
/// tables compare equal when they say the same thing.
struct Resolved: Equatable, CustomStringConvertible {
    var goroutine: UInt32
    var event: TraceEvent
    var string: String?

    init(_ record: TraceRecord, _ symbols: SymbolTable) {
        goroutine = record.goroutine
        switch record.event {
        case let .declareFile(name, size, cached):
            string = symbols[name]
            event = .declareFile(name: Symbol(0), size: size, cachedBytes: cached)
        case let .open(fd, name):
            string = symbols[name]
            event = .open(fd: fd, name: Symbol(0))
        case let .checkpoint(label):
            string = symbols[label]
            event = .checkpoint(label: Symbol(0))
        default:
            event = record.event
        }
    }

    var description: String { "g\(goroutine) \(event)\(string.map { " \"\($0)\"" } ?? "")" }
}

/// Every record of `source`, resolved.
func readAll<S: TraceSource>(_ source: inout S) throws(TraceError) -> [Resolved] {
    var raw: [TraceRecord] = []
    while let record = try source.next() { raw.append(record) }
    let symbols = source.symbols
    return raw.map { Resolved($0, symbols) }
}

func readText(_ bytes: [UInt8], chunkSize: Int = 1 << 20) throws(TraceError) -> [Resolved] {
    var reader = TextTraceReader(bytes: bytes, origin: "t.gmt", chunkSize: chunkSize)
    return try readAll(&reader)
}

func readBinary(_ bytes: [UInt8], chunkSize: Int = 1 << 20) throws(TraceError) -> [Resolved] {
    var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
    return try readAll(&reader)
}

/// Writes `source` as text.
func textBytes<S: TraceSource>(of source: inout S) throws -> [UInt8] {
    var writer = TextTraceWriter()
    while let record = try source.next() { try writer.write(record, symbols: source.symbols) }
    return writer.bytes
}

/// Writes `source` as binary, with its end record.
func binaryBytes<S: TraceSource>(of source: inout S) throws -> [UInt8] {
    var writer = BinaryTraceWriter()
    while let record = try source.next() { try writer.write(record, symbols: source.symbols) }
    writer.finish()
    return writer.bytes
}

func textBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The error reading `bytes` as text raises, as `file:line:col: message`.
func textError(_ text: String, chunkSize: Int = 1 << 20) -> String? {
    do {
        _ = try readText(Array(text.utf8), chunkSize: chunkSize)
        return nil
    } catch {
        return error.description
    }
}

func binaryError(_ bytes: [UInt8], chunkSize: Int = 1 << 20) -> String? {
    do {
        _ = try readBinary(bytes, chunkSize: chunkSize)
        return nil
    } catch {
        return error.description
    }
}

/// The repository root, found from this file's path.
func repositoryRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gomemsim-trace-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// SplitMix64: a small seeded generator, so randomized tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Records held in memory, as a trace source.
struct ArraySource: TraceSource {
    var records: [TraceRecord]
    var symbols: SymbolTable
    var origin: String { "array" }
    var index = 0

    init(_ records: [TraceRecord], symbols: SymbolTable) {
        self.records = records
        self.symbols = symbols
    }

    mutating func next() throws(TraceError) -> TraceRecord? {
        guard index < records.count else { return nil }
        index += 1
        return records[index - 1]
    }

    var location: SourceLocation { .record(origin: origin, index: UInt64(index)) }
}

/// Every record of the binary trace `bytes` (origin `t.gmtb`) as `next()` decodes it, and
/// `location` after each.
func readBinaryByNext(_ bytes: [UInt8], chunkSize: Int) throws -> (events: [TraceEvent],
                                                                  locations: [GoMemSimTrace.SourceLocation]) {
    var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
    var events: [TraceEvent] = []
    var locations: [GoMemSimTrace.SourceLocation] = []
    while let record = try reader.next() {
        events.append(record.event)
        locations.append(reader.location)
    }
    return (events, locations)
}
