@testable import GoMemSimTrace
import Testing

/// The text reader's one-pass path (``TextFastPath``) must accept only what the general
/// parser (``TextLineParser``) accepts, with the same record, and leave every error to
/// it: these tests read the same bytes with and without the fast path and compare the
/// records or the `file:line:col` error, and check the fast path's own answers.
@Suite struct TextFastPathTests {
    static let header = "gomemsim-trace 1\n"

    /// The records, or the error, of reading `text` (fast path on or off).
    static func outcome(_ text: String, fast: Bool, chunkSize: Int = 64) -> String {
        outcome(Array(text.utf8), fast: fast, chunkSize: chunkSize)
    }

    static func outcome(_ bytes: [UInt8], fast: Bool, chunkSize: Int = 64) -> String {
        var reader = TextTraceReader(bytes: bytes, origin: "t.gmt", chunkSize: chunkSize, usesFastPath: fast)
        do {
            return try readAll(&reader).map(\.description).joined(separator: "\n")
        } catch {
            return "error: \(error)"
        }
    }

    /// What the fast path alone makes of `line` (a whole buffer: `line`, the sentinel,
    /// the padding): the record and how many bytes it consumed, or nil if it declines.
    static func fastRecord(_ line: String) -> (TraceRecord, consumed: Int)? {
        let bytes = Array(line.utf8) + [0x0a] + [UInt8](repeating: 0, count: InputBuffer.padding)
        return bytes.withUnsafeBufferPointer { buffer in
            let start = buffer.baseAddress!
            guard let (record, next) = TextFastPath.record(at: start, end: start + line.utf8.count) else { return nil }
            return (record, next - start)
        }
    }

    // MARK: What the fast path takes, and what it gives

    /// (line, the record it must give): every kind the fast path takes, every number form.
    static let accepted: [(String, TraceRecord)] = [
        ("alloc 1 4KiB scan\n", TraceRecord(.alloc(id: 1, size: 4096, scan: true))),
        ("alloc 2 600MiB noscan\n", TraceRecord(.alloc(id: 2, size: 600 << 20, scan: false))),
        ("alloc 3 2GiB scan\n", TraceRecord(.alloc(id: 3, size: 2 << 30, scan: true))),
        ("alloc 4 5TiB scan\n", TraceRecord(.alloc(id: 4, size: 5 << 40, scan: true))),
        ("alloc 5 16777215TiB scan\n", TraceRecord(.alloc(id: 5, size: 16_777_215 << 40, scan: true))),
        ("free 12345678\n", TraceRecord(.free(id: 12_345_678))),
        ("free 123456789\n", TraceRecord(.free(id: 123_456_789))),
        ("free 9999999999999999999\n", TraceRecord(.free(id: 9_999_999_999_999_999_999))),  // 19 digits
        ("free 0000000000000000042\n", TraceRecord(.free(id: 42))),
        ("free 0\n", TraceRecord(.free(id: 0))),
        ("read 1 0 8 dep\n", TraceRecord(.read(id: 1, offset: 0, length: 8, dependent: true))),
        ("read 1 1536 3MiB\n", TraceRecord(.read(id: 1, offset: 1536, length: 3 << 20, dependent: false))),
        ("write 7 56 8\n", TraceRecord(.write(id: 7, offset: 56, length: 8))),
        ("load 0x7f3a1000 8 dep\n", TraceRecord(.load(address: 0x7f3a_1000, length: 8, dependent: true))),
        ("load 0XABCDEF 4\n", TraceRecord(.load(address: 0xab_cdef, length: 4, dependent: false))),
        ("store 0xffffffffffffffff 4KiB\n", TraceRecord(.store(address: .max, length: 4096))),
        ("store 4096 4294967295\n", TraceRecord(.store(address: 4096, length: .max))),
        ("compute 15us\n", TraceRecord(.compute(ns: 15_000))),
        ("compute 1001ns\n", TraceRecord(.compute(ns: 1001))),
        ("compute 3ms\n", TraceRecord(.compute(ns: 3_000_000))),
        ("compute 2s\n", TraceRecord(.compute(ns: 2_000_000_000))),
        ("g7 alloc 3 48 scan\n", TraceRecord(goroutine: 7, .alloc(id: 3, size: 48, scan: true))),
        ("g4294967295 free 3\n", TraceRecord(goroutine: .max, .free(id: 3))),
        ("g12\t\tread 9 8 8\n", TraceRecord(goroutine: 12, .read(id: 9, offset: 8, length: 8, dependent: false))),
        ("write  7\t56   8  \n", TraceRecord(.write(id: 7, offset: 56, length: 8))),
        ("free 3\r\n", TraceRecord(.free(id: 3))),
        ("free 3 \r\n", TraceRecord(.free(id: 3))),
        ("free 3# dropped\n", TraceRecord(.free(id: 3))),
        ("read 1 0 8 dep # chase\n", TraceRecord(.read(id: 1, offset: 0, length: 8, dependent: true))),
        ("read 1 0 8 # no dep\n", TraceRecord(.read(id: 1, offset: 0, length: 8, dependent: false))),
        ("read 1 0 8\r\n", TraceRecord(.read(id: 1, offset: 0, length: 8, dependent: false))),
    ]

    @Test(arguments: 0..<accepted.count)
    func fastPathGivesTheRecordAndConsumesTheLine(index: Int) {
        let (line, expected) = Self.accepted[index]
        let result = Self.fastRecord(line)
        #expect(result?.0 == expected, "\(line)")
        #expect(result?.consumed == line.utf8.count, "\(line)")
        // The general parser agrees, with the fast path on or off.
        let general = Self.outcome(Self.header + line, fast: false)
        #expect(general == Resolved(expected, SymbolTable()).description)
        #expect(Self.outcome(Self.header + line, fast: true) == general)
    }

    /// Lines the fast path must leave to the general parser: other kinds, forms the
    /// writer never produces, errors, and a line that runs into the sentinel.
    static let declined: [String] = [
        "gc\n", "checkpoint \"x\"\n", "sleep 1s\n", "go 3\n", "exit\n", "setgogc 100\n",
        "alloc 1 8B scan\n",                    // a B suffix
        "free 0x10\n",                          // a hex id
        "free 10000000000000000000\n",          // 20 digits (the general path checks overflow)
        "alloc 1 16777216TiB scan\n",           // overflows when shifted
        "load 0x00000000000000001 8\n",         // 17 hex digits
        "load 0x 8\n", "load 0x10 4GiB\n",
        "compute 5\n", "compute 5h\n", "compute 0x5us\n", "compute 18446744074s\n",
        "g0x1f free 1\n", "g4294967296 free 1\n", "g00000000001 free 1\n", "g3x free 1\n", "g3\n",
        " free 1\n", "free\t1\n", "free\r1\n", "free 1\r2\n", "free 1 2\n", "free 1x\n", "free\n",
        "read 1 0 8 deps\n", "read 1 0 8dep\n", "read 1 0\n", "alloc 1 8 Scan\n", "alloc 1 8\n",
        "alloc 1 8KiBx scan\n", "alloc 1 8Kib scan\n", "reads 1 0 8\n", "Free 1\n",
        "free 1",                               // reaches the sentinel: no newline in the buffer
        "free 1 # comment without newline",
        "read 1 0 8 dep",
        "free 1\0\n",
    ]

    @Test(arguments: 0..<declined.count)
    func fastPathDeclinesWhatItDoesNotTake(index: Int) {
        let line = Self.declined[index]
        #expect(Self.fastRecord(line) == nil, "\(line)")
        #expect(Self.outcome(Self.header + line, fast: true) == Self.outcome(Self.header + line, fast: false))
    }

    // MARK: The reader with and without the fast path

    /// Errors on lines the fast path starts on keep their wording and column.
    static let errors: [(String, String)] = [
        ("free 1x\n", #"t.gmt:2:6: expected an id, found "1x""#),
        ("free 1 2\n", #"t.gmt:2:8: expected end of line, found "2""#),
        ("read 1 0 8 deps\n", #"t.gmt:2:12: expected dep or end of line, found "deps""#),
        ("read 1 0 8dep\n", #"t.gmt:2:10: expected a length, found "8dep""#),
        ("g3 write 1 0\n", "t.gmt:2:13: expected a length, found end of line"),
        ("alloc 1 8Kib scan\n", #"t.gmt:2:9: expected a size, found "8Kib""#),
        ("alloc 1 8 Scan\n", #"t.gmt:2:11: expected scan or noscan, found "Scan""#),
        ("free 18446744073709551616\n", #"t.gmt:2:6: expected an id below 2^64, found "18446744073709551616""#),
        ("load 0x10000000000000000 8\n", #"t.gmt:2:6: expected an address below 2^64, found "0x10000000000000000""#),
        ("store 0x 8\n", #"t.gmt:2:7: expected an address, found "0x""#),
        ("compute 10h\n", #"t.gmt:2:9: expected a duration (like 10us; units ns, us, ms, s), found "10h""#),
        ("g3 free x\n", #"t.gmt:2:9: expected an id, found "x""#),
        ("free 1\r2\n", #"t.gmt:2:8: expected end of line, found "2""#),
    ]

    @Test(arguments: 0..<errors.count)
    func errorsOnFastPathLinesAreWordedAsBefore(index: Int) {
        let (body, message) = Self.errors[index]
        // After a good line, so the fast path is the one that meets the bad one.
        let text = Self.header + "free 1\n" + body
        let shifted = message.replacingOccurrences(of: "t.gmt:2:", with: "t.gmt:3:")
        for chunkSize in [1 << 20, 64, 5, 1] {
            #expect(Self.outcome(text, fast: true, chunkSize: chunkSize) == "error: \(shifted)")
            #expect(Self.outcome(text, fast: false, chunkSize: chunkSize) == "error: \(shifted)")
        }
    }

    @Test func everyEventKindReadsTheSameWithAndWithoutTheFastPath() {
        let general = Self.outcome(everyEventText, fast: false)
        #expect(!general.hasPrefix("error"))
        for chunkSize in [1 << 20, 64, 13, 7, 3, 1] {
            #expect(Self.outcome(everyEventText, fast: true, chunkSize: chunkSize) == general, "chunk \(chunkSize)")
        }
    }

    /// A long run of writer-spelled lines read in small chunks: many lines straddle a
    /// refill (and reach the sentinel), the last has no newline; records and line
    /// numbers match the general parser's.
    @Test func linesStraddlingRefillsAndAFinalLineWithoutNewline() throws {
        var generator = SplitMix64(seed: 11)
        var text = Self.header
        var lines = 1
        for index in 0..<2_000 {
            if index % 50 == 0 {
                text += Self.pick(["# a comment\n", "\n", "  \r\n"], &generator)
                lines += 1
            }
            text += Self.randomValidLine(&generator, id: UInt64(index)) + (index % 3 == 0 ? "\r\n" : "\n")
            lines += 1
        }
        text += "free 123456"  // no newline at the end
        let general = Self.outcome(text, fast: false, chunkSize: 1 << 20)
        #expect(general.split(separator: "\n").count == 2_001)
        for chunkSize in [1 << 20, 4096, 61, 16, 5] {
            #expect(Self.outcome(text, fast: true, chunkSize: chunkSize) == general, "chunk \(chunkSize)")
        }
        // An error after many fast lines names the right line.
        let broken = text.replacingOccurrences(of: "free 123456", with: "free 123456 x\n")
        #expect(Self.outcome(broken, fast: true, chunkSize: 61) == "error: t.gmt:\(lines + 1):13: expected end of line, found \"x\"")
    }

    /// Random lines built from the grammar's pieces and near misses (wrong suffixes,
    /// overlong numbers, stray `\r`, NUL, tabs, comments), then mutated byte by byte:
    /// each read alone (so each error is seen) gives the same outcome either way.
    @Test func randomLinesGiveTheSameOutcomeEitherWay() {
        var generator = SplitMix64(seed: 0x5eed)
        var disagreements: [String] = []
        var accepted = 0
        for index in 0..<6_000 {
            var line = Array(Self.randomLine(&generator).utf8)
            if index % 3 == 0 && !line.isEmpty {  // a random byte replaced, inserted or removed
                let at = Int(generator.next() % UInt64(line.count))
                let byte = Self.mutationBytes[Int(generator.next() % UInt64(Self.mutationBytes.count))]
                switch generator.next() % 3 {
                case 0: line[at] = byte
                case 1: line.insert(byte, at: at)
                default: line.remove(at: at)
                }
            }
            let bytes = Array((Self.header + "free 1\n").utf8) + line
            let chunkSize = [64, 7, 4096][index % 3]
            let fast = Self.outcome(bytes, fast: true, chunkSize: chunkSize)
            if fast != Self.outcome(bytes, fast: false, chunkSize: chunkSize) {
                disagreements.append(String(decoding: line, as: UTF8.self))
            }
            if !fast.hasPrefix("error") { accepted += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        // The generator reaches both sides: valid lines and errors.
        #expect(accepted > 1_000 && accepted < 5_000, "\(accepted)")
    }

    // MARK: Generators

    static let mutationBytes: [UInt8] = Array("0 9\t\r#xKiBg\"".utf8) + [0, 0x0a, 0xff]

    static func pick<T>(_ items: [T], _ generator: inout SplitMix64) -> T {
        items[Int(generator.next() % UInt64(items.count))]
    }

    /// A line the writer could have written (or a person, with other blanks).
    static func randomValidLine(_ generator: inout SplitMix64, id: UInt64) -> String {
        let prefix = pick(["", "", "g3 ", "g17 ", "g4294967295 "], &generator)
        let number = generator.next() % 1_000_000_000_000
        switch generator.next() % 8 {
        case 0: return prefix + "alloc \(id) \(number % 100_000)\(pick(["", "KiB", "MiB"], &generator)) \(pick(["scan", "noscan"], &generator))"
        case 1: return prefix + "free \(id)"
        case 2: return prefix + "read \(id) \(number % 4096) \(number % 64)\(pick(["", " dep", " dep # chase"], &generator))"
        case 3: return prefix + "write \(id) \(number) \(number % 4096)"
        case 4: return prefix + "compute \(number % 100_000)\(pick(["ns", "us", "ms", "s"], &generator))"
        case 5: return prefix + "load 0x\(String(generator.next(), radix: 16)) 8\(pick(["", " dep"], &generator))"
        case 6: return prefix + "store 0x\(String(number, radix: 16)) 4"
        default: return pick(["gc", "checkpoint \"c\"", "sleep 1ms", "go 4"], &generator)
        }
    }

    /// A line from the pieces of the grammar: half shaped like one event kind (each
    /// operand in a random form, sometimes a wrong one), half any keyword with any operands.
    static func randomLine(_ generator: inout SplitMix64) -> String {
        let prefixes = ["", "", "", "g3 ", "g0 ", "g4294967295 ", "g4294967296 ", "g0x1f ", "g12\t", "g03 ", "g ", "g3x ", " ", "\t"]
        let blanks = [" ", " ", " ", " ", " ", "  ", "\t", " \r ", "\r", ""]
        let ends = ["\n", "\n", "\n", "\n", "\r\n", " \n", " # comment\n", "#c\n", "\r\r\n", ""]
        var line = pick(prefixes, &generator)
        if generator.next() % 2 == 0 {
            let shapes: [(String, [Operand])] = [
                ("alloc", [.number, .size, .scan]), ("free", [.number]), ("read", [.number, .size, .size, .dep]),
                ("write", [.number, .size, .size]), ("load", [.address, .size, .dep]), ("store", [.address, .size]),
                ("compute", [.duration]),
            ]
            let (keyword, operands) = pick(shapes, &generator)
            line += keyword
            for operand in operands {
                let wrong = generator.next() % 12 == 0
                let text = wrong ? randomOperand(&generator) : operand.random(&generator)
                if !text.isEmpty { line += pick(blanks, &generator) + text }
            }
        } else {
            let keywords = ["alloc", "free", "read", "write", "load", "store", "compute",
                            "gc", "reads", "Alloc", "fre", "computer", "sleep", "exit"]
            line += pick(keywords, &generator)
            for _ in 0..<(generator.next() % 5) {
                line += pick(blanks, &generator) + randomOperand(&generator)
            }
        }
        return line + pick(ends, &generator)
    }

    enum Operand {
        case number, size, address, duration, scan, dep

        func random(_ generator: inout SplitMix64) -> String {
            let digits = String(generator.next() >> (generator.next() % 64))
            switch self {
            case .number: return digits
            case .size: return String(generator.next() % 100_000) + pick(["", "", "KiB", "MiB", "GiB", "TiB", "B"], &generator)
            case .address: return generator.next() % 4 == 0 ? digits : "0x" + String(generator.next() >> (generator.next() % 64), radix: 16)
            case .duration: return String(generator.next() % 1_000_000) + pick(["ns", "us", "ms", "s"], &generator)
            case .scan: return pick(["scan", "noscan"], &generator)
            case .dep: return pick(["", "dep"], &generator)
            }
        }
    }

    static func randomOperand(_ generator: inout SplitMix64) -> String {
        switch generator.next() % 10 {
        case 0, 1, 2, 3:  // decimal, 1 to 21 digits (the SWAR word, its edge, overflow)
            let digits = Int(generator.next() % 21) + 1
            var text = ""
            for _ in 0..<digits { text += String(generator.next() % 10) }
            return text + pick(["", "", "", "KiB", "MiB", "GiB", "TiB", "B", "Kib", "KB", "iB", "ns", "us", "ms", "s", "h", "x"], &generator)
        case 4: return pick(["0", "8", "18446744073709551615", "18446744073709551616", "9999999999999999999",
                             "10000000000000000000", "4294967295", "4294967296", "16777215TiB", "16777216TiB"], &generator)
        case 5:  // hex
            let digits = Int(generator.next() % 19)
            var text = pick(["0x", "0X"], &generator)
            for _ in 0..<digits { text += String(generator.next() % 16, radix: 16, uppercase: generator.next() % 2 == 0) }
            return text + pick(["", "", "KiB", "g"], &generator)
        case 6: return pick(["scan", "noscan", "Scan", "scanner", "dep", "deps", "de", "none"], &generator)
        case 7: return pick(["dep", "dep"], &generator)
        case 8: return pick(["#", "\"s\"", "-1", "x", "\0"], &generator)
        default: return String(generator.next() % 100)
        }
    }
}
