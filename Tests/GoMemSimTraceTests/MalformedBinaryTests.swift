import GoMemSimTrace
import Testing

/// Bad binary traces: each names the exact byte offset and says what was expected.
@Suite struct MalformedBinaryTests {
    static let header = BinaryFormatBytes.header  // 9 bytes: magic, version 1

    /// (bytes after the header, the error they must raise)
    static let cases: [([UInt8], String)] = [
        ([0x7f], "t.gmtb: byte 9: expected an opcode, found unknown opcode 0x7f"),
        ([0x10, 0x01, 0x80], "t.gmtb: byte 12: expected the size of an alloc, found end of file"),
        ([0x10], "t.gmtb: byte 10: expected the id of an alloc, found end of file"),
        ([0x30], "t.gmtb: byte 10: expected a record or the end record (0x00), found end of file"),
        ([], "t.gmtb: byte 9: expected a record or the end record (0x00), found end of file"),
        ([0x3b, 0x05, 0x00], "t.gmtb: byte 10: expected the label of a checkpoint (a symbol index below 0), found index 5"),
        ([0x12] + Array(repeating: 0xff, count: 10) + [0x00],
         "t.gmtb: byte 10: expected the id of a free (a varint below 2^64), found a longer varint"),
        ([0x26, 0x01, 0x00, 0x01, 0x09, 0x00], "t.gmtb: byte 13: expected the advice of a madvise (1-5), found 9"),
        ([0x27, 0x01, 0x00, 0x01, 0x08, 0x00], "t.gmtb: byte 13: expected the protection of a mprotect (0-7), found 8"),
        ([0x24, 0x01, 0x01, 0x03, 0x10, 0x00], "t.gmtb: byte 13: expected the flags of a mmap (bits 0xd), found 0x10"),
        ([0x22, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00], "t.gmtb: byte 10: expected the fd of a close below 2^32, found 4294967296"),
        ([0x00, 0x30], "t.gmtb: byte 10: expected end of file after the end record, found byte 0x30"),
        ([0x01, 0x05, 0x61, 0x62], "t.gmtb: byte 13: expected 5 bytes of symbol text, found end of file after 2"),
        ([0x01, 0x01, 0xff, 0x00], "t.gmtb: byte 11: expected a symbol in UTF-8, found invalid UTF-8"),
        ([0x01, 0x80, 0x80, 0x80, 0x01, 0x00], "t.gmtb: byte 10: expected a symbol of at most 1048576 bytes, found 2097152 bytes"),
        ([0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00], "t.gmtb: byte 10: expected a goroutine number below 2^32, found 4294967296"),
        ([0x31, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00], "t.gmtb: byte 10: expected a 32-bit zigzag percent, found 4294967296"),
    ]

    @Test(arguments: 0..<cases.count)
    func corruptRecordIsReportedAtItsByte(index: Int) {
        let (body, message) = Self.cases[index]
        #expect(binaryError(Self.header + body) == message)
        #expect(binaryError(Self.header + body, chunkSize: 2) == message)
    }

    @Test func badMagic() {
        #expect(binaryError(Array("gomemsim-trace 1\n".utf8))
            == "t.gmtb: byte 0: expected the .gmtb magic 89 47 4d 54 42 0d 0a 1a, found 67 6f 6d 65 6d 73 69 6d")
        #expect(binaryError([]) == "t.gmtb: byte 0: expected the .gmtb magic 89 47 4d 54 42 0d 0a 1a, found end of file")
    }

    @Test func unsupportedVersion() {
        #expect(binaryError(Array(Self.header.dropLast()) + [0x03, 0x00])
            == "t.gmtb: byte 8: expected format version 1-2, found version 3")
        #expect(binaryError(Array(Self.header.dropLast()) + [0x00, 0x00])
            == "t.gmtb: byte 8: expected format version 1-2, found version 0")
    }

    @Test func truncatedAtEveryByteIsAnErrorNotACrash() throws {
        var source = TextTraceReader(bytes: textBytes(everyEventText), origin: "t.gmt")
        let binary = try binaryBytes(of: &source)
        for length in 0..<binary.count {
            #expect(binaryError(Array(binary[..<length])) != nil, "truncated to \(length) bytes")
        }
        #expect(binaryError(binary) == nil)
    }
}
