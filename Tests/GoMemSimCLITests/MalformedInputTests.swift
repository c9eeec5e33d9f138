import Foundation
import GoMemSimTrace
import Testing

/// A bad input, the name it is written under, and where and what the error must say.
struct MalformedInput: CustomStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var expected: String

    init(_ name: String, _ text: String, _ expected: String) {
        self.name = name
        self.bytes = Array(text.utf8)
        self.expected = expected
    }

    init(_ name: String, bytes: [UInt8], _ expected: String) {
        self.name = name
        self.bytes = bytes
        self.expected = expected
    }

    var description: String { "\(name): \(expected)" }
}

private let header = "gomemsim-trace 1\n"

/// A valid binary trace of two records, to corrupt.
private func binaryTrace() -> [UInt8] {
    var symbols = SymbolTable()
    let label = symbols.intern("x")
    var writer = BinaryTraceWriter()
    try! writer.write(TraceRecord(.alloc(id: 1, size: 64, scan: false)), symbols: symbols)
    try! writer.write(TraceRecord(.checkpoint(label: label)), symbols: symbols)
    writer.finish()
    return writer.bytes
}

private let inputs: [MalformedInput] = [
    // Text syntax.
    MalformedInput("no-header.gmt", "alloc 1 64 noscan\n", "no-header.gmt:1:1: expected the header"),
    MalformedInput("version.gmt", "gomemsim-trace 7\n", "version.gmt:1:16: expected format version 1, found \"7\""),
    MalformedInput("keyword.gmt", header + "alloc 1 64 noscan\nallok 2 64 noscan\n", "keyword.gmt:3:1: expected an event keyword"),
    MalformedInput("size.gmt", header + "alloc 1 12Q noscan\n", "size.gmt:2:9: expected a size, found \"12Q\""),
    MalformedInput("scan.gmt", header + "alloc 1 64 maybe\n", "scan.gmt:2:12: expected scan or noscan"),
    MalformedInput("missing.gmt", header + "free\n", "missing.gmt:2:5: expected an id, found end of line"),
    MalformedInput("extra.gmt", header + "gc now\n", "extra.gmt:2:4: expected end of line, found \"now\""),
    MalformedInput("string.gmt", header + "checkpoint \"open\n", "string.gmt:2:17: expected a closing '\"' (the string opened at column 12)"),
    MalformedInput("duration.gmt", header + "sleep 5\n", "duration.gmt:2:7: expected a duration"),
    MalformedInput("goroutine.gmt", header + "gx alloc 1 64 noscan\n", "goroutine.gmt:2:1: expected an event keyword, found \"gx\""),
    MalformedInput("prot.gmt", header + "mmap 1 4KiB rq private\n", "prot.gmt:2:13: expected a protection (r, rw, rx, rwx, none, …), found \"rq\""),
    MalformedInput("advice.gmt", header + "mmap 1 4KiB rw private\nmadvise 1 0 4KiB later\n", "advice.gmt:3:18:"),
    MalformedInput("overflow.gmt", header + "alloc 1 99999999999999999999 noscan\n", "overflow.gmt:2:9: expected a size below 2^64, found \"99999999999999999999\""),
    // Meaning: valid syntax, impossible program.
    MalformedInput("unknown-free.gmt", header + "alloc 1 64 noscan\nfree 2\n", "unknown-free.gmt:3:1: expected a live object id, found 2"),
    MalformedInput("duplicate.gmt", header + "alloc 1 64 noscan\nalloc 1 64 noscan\n", "duplicate.gmt:3:1: expected an id that is not live, found 1"),
    MalformedInput("past-end.gmt", header + "alloc 1 64 noscan\nread 1 60 8\n", "past-end.gmt:3:1: expected a range within the 64-byte object 1, found offset 60 length 8"),
    MalformedInput("after-free.gmt", header + "alloc 1 64 noscan\nfree 1\nwrite 1 0 1\n", "after-free.gmt:4:"),
    MalformedInput("munmap.gmt", header + "munmap 9 0 4KiB\n", "munmap.gmt:2:1: expected a live mapping id, found 9"),
    MalformedInput("undeclared.gmt", header + "open 3 \"nope\"\n", "undeclared.gmt:2:1: expected a declared file, found \"nope\""),
    MalformedInput("fd.gmt", header + "alloc 1 4KiB noscan\nreadfile 5 0 1 0 4KiB\n", "fd.gmt:3:1: expected an open file descriptor, found 5"),
    // Binary.
    MalformedInput("magic.gmtb", bytes: Array("GMTB-not-really".utf8) + [0, 0, 0], "magic.gmtb:1:1: expected the header"),
    MalformedInput("truncated.gmtb", bytes: Array(binaryTrace().dropLast(3)), "truncated.gmtb: byte 15: expected a record or the end record (0x00), found end of file"),
    MalformedInput("opcode.gmtb", bytes: { var b = binaryTrace(); b[9] = 0xEE; return b }(), "opcode.gmtb: byte 9: expected"),
    // Recorder scripts.
    MalformedInput("expr.gmr", "b := make([]byte, )\n", "expr.gmr:1:6: invalid operation: make([]byte) expects 2 or 3 arguments"),
    MalformedInput("undefined.gmr", "b := make([]byte, 10)\nc[1] = 2\n", "undefined.gmr:2:1: undefined: c"),
    MalformedInput("index.gmr", "b := make([]byte, 10)\nb[10] = 1\n", "index.gmr:2:3: invalid argument: index 10 out of bounds [0:10]"),
    MalformedInput("call.gmr", "runtime.GC(1)\n", "call.gmr:1:12: too many arguments in call to runtime.GC"),
]

@Test(arguments: inputs)
func malformedInputExitsWithStatus2AndLeavesOnlyAFailedRun(input: MalformedInput) throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data(input.bytes).write(to: directory.appendingPathComponent(input.name))
    let output = try CLI.run(["replay", input.name, "--db", "r.sqlite", "--no-hardware"], in: directory)
    #expect(output.status == 2)
    #expect(output.stderr.contains(input.expected), "stderr: \(output.stderr)")
    let runs = try CLI.runs(in: directory.appendingPathComponent("r.sqlite"))
    #expect(runs.count == 1)
    #expect(runs.first?.status == "failed")
    #expect(runs.first?.checkpoints == 0)
}

@Test func distinctMalformedInputsNumberAtLeastTwentyFive() {
    #expect(Set(inputs.map(\.name)).count >= 25)
}

/// A synth spec whose parameters are malformed is bad input, not a crash (found by
/// fuzzing: `synth:access,=` trapped on an index out of range). No run is stored: the
/// spec names no input to store it under.
@Test func malformedSynthSpecExitsWithStatus2() throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let replay = try CLI.run(["replay", "synth:access,=", "--db", "r.sqlite", "--no-hardware"], in: directory)
    #expect(replay.status == 2)
    #expect(replay.stderr.contains("synth: record 0: expected a parameter key=value, found \"=\""), "stderr: \(replay.stderr)")
    #expect(try CLI.runs(in: directory.appendingPathComponent("r.sqlite")).isEmpty)
    let sweep = try CLI.run(["sweep", "synth:access,n=5,n=7", "--db", "s.sqlite"], in: directory)
    #expect(sweep.status == 2)
    #expect(sweep.stderr.contains("expected each parameter once, found \"n\" twice"), "stderr: \(sweep.stderr)")
}
