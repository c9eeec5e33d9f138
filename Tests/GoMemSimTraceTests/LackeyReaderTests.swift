#if canImport(Glibc)
import Glibc
#endif
import GoMemSimTrace
import Testing

private func accesses(_ text: String, instructionFetches: Bool = false) throws(TraceError) -> [LackeyAccess] {
    var reader = LackeyReader(bytes: Array(text.utf8), origin: "t.lackey", instructionFetches: instructionFetches)
    var out: [LackeyAccess] = []
    while let a = try reader.nextAccess() { out.append(a) }
    return out
}

@Test func lackeyLinesBecomeAccesses() throws {
    let text = "==123== Lackey, an example Valgrind tool\nI  0400d7d4,8\n S 7ff000398,8\n L 10,1\n M 0421c7f0,4\n\n"
    #expect(try accesses(text) == [
        LackeyAccess(.instruction, address: 0x0400d7d4, size: 8),
        LackeyAccess(.store, address: 0x7ff000398, size: 8),
        LackeyAccess(.load, address: 0x10, size: 1),
        LackeyAccess(.modify, address: 0x0421c7f0, size: 4),
    ])
}

@Test func modifyIsALoadThenAStoreAndInstructionsAreSkipped() throws {
    var reader = LackeyReader(bytes: Array("I  400,4\n M 20,2\n L 30,8\r\n".utf8), origin: "t")
    var events: [TraceEvent] = []
    while let r = try reader.next() { events.append(r.event) }
    #expect(events == [.load(address: 0x20, length: 2, dependent: false), .store(address: 0x20, length: 2),
                       .load(address: 0x30, length: 8, dependent: false)])
    #expect(reader.location == .text(file: "t", line: 3, column: 1))

    var withFetches = LackeyReader(bytes: Array("I  400,4\n".utf8), origin: "t", instructionFetches: true)
    #expect(try withFetches.next()?.event == .load(address: 0x400, length: 4, dependent: false))
}

@Test func malformedLinesReportFileLineAndColumn() {
    func message(_ text: String) -> String? {
        do { _ = try accesses(text); return nil } catch { return error.description }
    }
    #expect(message(" L 10,1\n X 3,4\n") == "t.lackey:2:2: expected I, L, S or M, found \"X\"")
    #expect(message(" L zz,1\n") == "t.lackey:1:4: expected a hexadecimal address, found \"zz\"")
    #expect(message(" L 10;1\n") == "t.lackey:1:6: expected \",\" after the address, found \";1\"")
    #expect(message(" L 10,\n") == "t.lackey:1:7: expected a decimal size, found end of line")
    #expect(message(" L 10,0\n") == "t.lackey:1:7: expected a size of at least 1, found \"0\"")
    #expect(message(" L 10,4 x\n") == "t.lackey:1:9: expected end of line, found \"x\"")
    #expect(message(" L 11112222333344445,4\n") == "t.lackey:1:4: expected an address of at most 16 hex digits, found \"11112222333344445\"")
    #expect(message(" L 10,99999999999\n") == "t.lackey:1:7: expected a size below 2^32, found \"99999999999\"")
    // An access must end below 2^64 (found by fuzzing: `cachesim --cachegrind` walked such
    // a one to the wrap).
    #expect(message(" L ffffffffffffffc0,128\n") == "t.lackey:1:21: expected a size that ends the access below 2^64, found \"128\"")
    // A control byte is quoted escaped: the message stays one printable line.
    #expect(message(" L 7ff\u{1B}[31m,8\n") == #"t.lackey:1:7: expected "," after the address, found "\x1B[31m""#)
    #expect(message(" L ffffffffffffffc0,64\n") == nil)
}

@Test func readerStreamsFilesLongerThanItsBuffer() throws {
    // 20 000 lines (~ 300 KiB) through the 64 KiB buffer: lines cut at chunk boundaries survive.
    var text = ""
    for i in 0..<20_000 { text += " S \(String(i * 8, radix: 16)),8\n" }
    let path = "/tmp/gomemsim-lackey-\(text.utf8.count).trace"
    Array(text.utf8).withUnsafeBufferPointer { bytes in
        let file = fopen(path, "w")
        defer { fclose(file) }
        #expect(fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count)
    }
    var reader = try LackeyReader(path: path)
    var n: UInt64 = 0
    while let a = try reader.nextAccess() {
        #expect(a.address == n * 8 && a.kind == .store)
        n += 1
    }
    #expect(n == 20_000)
    #expect(throws: TraceError.self) { try LackeyReader(path: "/nonexistent/trace") }
}
