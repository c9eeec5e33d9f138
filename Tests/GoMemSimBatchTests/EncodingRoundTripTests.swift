import Foundation
@testable import GoMemSimBatch
import GoMemSimTrace
import Testing

/// Text → binary → text of a whole input gives the canonical text back, byte for byte.
private func roundTrip(_ input: TraceInput) throws {
    var source = try input.open()
    var text = TextTraceWriter()
    var binary = BinaryTraceWriter()
    while let record = try source.next() {
        try text.write(record, symbols: source.symbols)
        try binary.write(record, symbols: source.symbols)
    }
    binary.finish()
    let canonical = text.takeBytes()
    // Parse the canonical text, re-encode it in binary, decode that, print it again.
    var fromText = TextTraceReader(bytes: canonical, origin: "canonical.gmt")
    var reencoded = BinaryTraceWriter()
    while let record = try fromText.next() { try reencoded.write(record, symbols: fromText.symbols) }
    reencoded.finish()
    let reencodedBytes = reencoded.takeBytes()
    // The binary encoding is canonical too: straight from the source or via text, the same bytes.
    #expect(reencodedBytes == binary.takeBytes(), "\(input.name)")
    var fromBinary = BinaryTraceReader(bytes: reencodedBytes, origin: "reencoded.gmtb")
    var again = TextTraceWriter()
    while let record = try fromBinary.next() { try again.write(record, symbols: fromBinary.symbols) }
    #expect(again.takeBytes() == canonical, "\(input.name)")
}

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// Every trace and script under traces/.
private let bundled: [String] = {
    let traces = root.appendingPathComponent("traces")
    let files = FileManager.default.enumerator(at: traces, includingPropertiesForKeys: nil)?
        .compactMap { ($0 as? URL)?.path } ?? []
    return files.filter { $0.hasSuffix(".gmt") || $0.hasSuffix(".gmtb") || $0.hasSuffix(".gmr") }.sorted()
}()

@Test func everyBundledInputIsFound() {
    #expect(bundled.contains { $0.hasSuffix("traces/seed/ex5-6-wait.gmr") })
    #expect(bundled.contains { $0.hasSuffix(".gmt") })
}

@Test(arguments: bundled)
func bundledInputRoundTripsTextBinaryText(path: String) throws {
    try roundTrip(try TraceInput(path))
}

/// Every generator, small enough for a unit test.
@Test(arguments: [
    "synth:access,pattern=sequential,size=64KiB,n=2000",
    "synth:access,pattern=strided,size=64KiB,n=2000,stride=256",
    "synth:access,pattern=random,size=1MiB,n=2000,writes=0.3",
    "synth:access,pattern=zipf,size=1MiB,n=2000",
    "synth:access,pattern=chase,size=1MiB,n=2000",
    "synth:access,pattern=random,backing=raw,size=1MiB,n=2000,writes=0.5",
    "synth:access,pattern=sequential,backing=mmap,size=64KiB,n=100,range=true",
    "synth:churn,live=256KiB,total=2MiB,size=16..4KiB,scan=0.5,rate=100MiB",
    "synth:gc-grid,L=64KiB,S=1024,steady=256KiB",
    "synth:leak,total=1MiB",
    "synth:server,requests=200",
    "synth:gc-guide,preset=graph2,object=1MiB",
    "synth:gc-guide,preset=graph4,object=1MiB",
])
func generatorRoundTripsTextBinaryText(spec: String) throws {
    try roundTrip(try TraceInput(spec))
}
