import GoMemSimTrace
import Testing

/// Bad text traces: each names the exact line:column and says what was expected.
@Suite struct MalformedTextTests {
    static let header = "gomemsim-trace 1\n"

    /// (input after the header line, the error it must raise)
    static let cases: [(String, String)] = [
        ("# c\nalloc 7 12Q scan\n", #"t.gmt:3:9: expected a size, found "12Q""#),
        ("allocate 1 8 scan\n", #"t.gmt:2:1: expected an event keyword, found "allocate""#),
        ("free\n", "t.gmt:2:5: expected an id, found end of line"),
        ("free   # gone\n", "t.gmt:2:8: expected an id, found end of line"),
        ("gc 1\n", #"t.gmt:2:4: expected end of line, found "1""#),
        ("alloc 1 18446744073709551616 scan\n", #"t.gmt:2:9: expected a size below 2^64, found "18446744073709551616""#),
        ("alloc 1 16777216TiB scan\n", #"t.gmt:2:9: expected a size below 2^64, found "16777216TiB""#),
        ("alloc 1 0x10KiB scan\n", #"t.gmt:2:9: expected a size, found "0x10KiB""#),
        ("alloc 1 8 maybe\n", #"t.gmt:2:11: expected scan or noscan, found "maybe""#),
        ("checkpoint \"abc\n", #"t.gmt:2:16: expected a closing '"' (the string opened at column 12), found end of line"#),
        ("checkpoint abc\n", #"t.gmt:2:12: expected a quoted label, found "abc""#),
        // Control bytes in a token are quoted escaped: the message is one printable line.
        ("alloc 1 1\u{1B}[31mKiB noscan\n", #"t.gmt:2:9: expected a size, found "1\x1B[31mKiB""#),
        ("alloc 1 8\u{0}\u{7F} scan\n", #"t.gmt:2:9: expected a size, found "8\x00\x7F""#),
        ("checkpoint \"a\\qb\"\n", #"t.gmt:2:14: expected an escape (\", \\, \n, \t, \xHH), found "\q""#),
        ("checkpoint \"a\"b\n", #"t.gmt:2:15: expected a blank after the string, found "b""#),
        ("g3x alloc 1 8 scan\n", #"t.gmt:2:1: expected a goroutine prefix like g3, found "g3x""#),
        ("g4294967296 gc\n", #"t.gmt:2:1: expected a goroutine prefix like g3, found "g4294967296""#),
        ("  g3\n", "t.gmt:2:5: expected an event keyword, found end of line"),
        ("compute 500\n", #"t.gmt:2:9: expected a duration (like 10us; units ns, us, ms, s), found "500""#),
        ("sleep 1h\n", #"t.gmt:2:7: expected a duration (like 10us; units ns, us, ms, s), found "1h""#),
        ("sleep 18446744074s\n", #"t.gmt:2:7: expected a duration below 2^64 ns, found "18446744074s""#),
        ("mmap 1 4KiB rq private\n", #"t.gmt:2:13: expected a protection (r, rw, rx, rwx, none, …), found "rq""#),
        ("mmap 1 4KiB rr private\n", #"t.gmt:2:13: expected a protection (r, rw, rx, rwx, none, …), found "rr""#),
        ("mmap 1 4KiB rw public\n", #"t.gmt:2:16: expected private or shared, found "public""#),
        ("mmap 1 4KiB rw private populate 3\n", "t.gmt:2:34: expected a file offset, found end of line"),
        ("mmap 1 4KiB rw private nopopulate\n", #"t.gmt:2:24: expected populate, a file descriptor or end of line, found "nopopulate""#),
        ("madvise 1 0 4KiB DONTNEED\n", #"t.gmt:2:18: expected an advice (dontneed, free, hugepage, nohugepage, willneed), found "DONTNEED""#),
        ("close 4294967296\n", #"t.gmt:2:7: expected a file descriptor below 2^32, found "4294967296""#),
        ("close -1\n", #"t.gmt:2:7: expected a file descriptor, found "-1""#),
        ("setgogc 2147483648\n", #"t.gmt:2:9: expected a GOGC percentage or off, found "2147483648""#),
        ("setmemlimit unlimited\n", #"t.gmt:2:13: expected a size or none, found "unlimited""#),
        ("read 1 0 8 dependent\n", #"t.gmt:2:12: expected dep or end of line, found "dependent""#),
        ("file \"f\" 1MiB warm 0\n", #"t.gmt:2:15: expected cached or end of line, found "warm""#),
        ("load 0x10 4GiB\n", #"t.gmt:2:11: expected a length below 2^32, found "4GiB""#),
        ("write 1 0 1 2\n", #"t.gmt:2:13: expected end of line, found "2""#),
        ("\n\n\nfree 1x\n", #"t.gmt:5:6: expected an id, found "1x""#),
    ]

    @Test(arguments: 0..<cases.count)
    func malformedLineIsReportedAtItsToken(index: Int) {
        let (body, message) = Self.cases[index]
        #expect(textError(Self.header + body) == message)
        // The same error wherever the chunk boundaries fall.
        #expect(textError(Self.header + body, chunkSize: 3) == message)
    }

    @Test func missingHeader() {
        #expect(textError("alloc 1 8 scan\n") == #"t.gmt:1:1: expected the header "gomemsim-trace 1", found "alloc""#)
        #expect(textError("# only a comment\n\n") == #"t.gmt:2:1: expected the header "gomemsim-trace 1", found end of file"#)
        #expect(textError("") == #"t.gmt:1:1: expected the header "gomemsim-trace 1", found end of file"#)
    }

    @Test func unsupportedVersion() {
        #expect(textError("gomemsim-trace 2\n") == #"t.gmt:1:16: expected format version 1, found "2""#)
        #expect(textError("gomemsim-trace\n") == "t.gmt:1:15: expected a format version, found end of line")
        #expect(textError("gomemsim-trace 1 extra\n") == #"t.gmt:1:18: expected end of line, found "extra""#)
    }

    @Test func keywordWithANulByteIsNotAKeyword() {
        #expect(textError(Self.header + "gc\u{0}\n") == #"t.gmt:2:1: expected an event keyword, found "gc\x00""#)
        #expect(textError(Self.header + "checkpoin\u{0}\n") == #"t.gmt:2:1: expected an event keyword, found "checkpoin\x00""#)
        #expect(textError(Self.header + "freeosmemoryy\n") == "t.gmt:2:1: expected an event keyword, found \"freeosmemoryy\"")
        #expect(textError(Self.header + "freeosmemory\n") == nil)
    }

    @Test func overlongLineIsRejectedNotBuffered() {
        let text = Self.header + String(repeating: "a", count: (1 << 20) + (1 << 18)) + "\n"
        #expect(textError(text, chunkSize: 1 << 16)
            == "t.gmt:2:1: expected a line of at most 1048576 bytes, found a longer one")
    }

    @Test func invalidUTF8InAString() {
        let bytes = Array("gomemsim-trace 1\ncheckpoint \"".utf8) + [0xff, 0x22, 0x0a]
        do {
            _ = try readText(bytes)
            Issue.record("no error")
        } catch {
            // The byte itself, escaped (it once showed as U+FFFD, which hid which byte it was).
            #expect(error.description == #"t.gmt:2:12: expected a string in UTF-8, found ""\xFF"""#)
        }
    }

    @Test func recordsBeforeTheErrorAreDelivered() throws {
        var reader = TextTraceReader(bytes: textBytes(Self.header + "gc\nfree 1\nbogus\n"), origin: "t.gmt")
        #expect(try reader.next()?.event == .gc)
        #expect(try reader.next()?.event == .free(id: 1))
        #expect(throws: TraceError.expected("an event keyword", found: "\"bogus\"",
                                            at: .text(file: "t.gmt", line: 4, column: 1))) { try reader.next() }
    }
}
