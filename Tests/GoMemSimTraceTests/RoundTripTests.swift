import Foundation
import GoMemSimTrace
import Testing

/// One record of every event kind, in the canonical text spelling the writer must produce.
let everyEventText = """
gomemsim-trace 1
alloc 1 4KiB scan
alloc 2 600MiB noscan
free 2
read 1 0 8 dep
read 1 1536 3MiB
write 1 0 4KiB
load 0x7f3a1000 8 dep
store 0xffffffffffffffff 4KiB
file "data/in put.bin" 16MiB cached 4MiB
open 3 "data/in put.bin"
close 3
readfile 3 1GiB 1 4095 1MiB
mmap 10 16MiB r private 3 8KiB
mmap 11 2MiB rw private populate
mmap 12 64KiB rwx shared
mmap 13 4KiB none shared populate 4 0
munmap 11 0 2MiB
madvise 11 0 1MiB dontneed
madvise 11 0 1MiB free
madvise 11 0 2MiB hugepage
madvise 11 0 2MiB nohugepage
madvise 11 0 2MiB willneed
mprotect 12 0 4KiB rx
mprotect 12 4KiB 4KiB none
gc
setgogc 100
setgogc -1
setgogc off
setmemlimit 1GiB
setmemlimit 1000
setmemlimit none
freeosmemory
globals 64KiB
compute 15us
compute 1001ns
sleep 2s
sleep 0ns
sleep 3ms
go 7
g7 alloc 3 48 scan
g4294967295 exit
exit
checkpoint "after \\"free\\" \\\\ gc\\n\\t\\x01"

"""

@Suite struct RoundTripTests {
    @Test func canonicalTextIsAFixedPoint() throws {
        var reader = TextTraceReader(bytes: textBytes(everyEventText), origin: "t.gmt")
        let written = try textBytes(of: &reader)
        #expect(String(decoding: written, as: UTF8.self) == everyEventText)
    }

    @Test func everyEventKindRoundTripsTextToBinaryToText() throws {
        var text = TextTraceReader(bytes: textBytes(everyEventText), origin: "t.gmt")
        let binary = try binaryBytes(of: &text)
        var binaryReader = BinaryTraceReader(bytes: binary, origin: "t.gmtb")
        let backToText = try textBytes(of: &binaryReader)
        #expect(String(decoding: backToText, as: UTF8.self) == everyEventText)
        #expect(try readBinary(binary) == readText(textBytes(everyEventText)))
    }

    @Test func readerDecodesEveryEventToTheRightValues() throws {
        let records = try readText(textBytes(everyEventText))
        #expect(records.count == 43)
        #expect(records[0] == Resolved(TraceRecord(.alloc(id: 1, size: 4096, scan: true)), SymbolTable()))
        #expect(records[4].event == .read(id: 1, offset: 1536, length: 3 << 20, dependent: false))
        #expect(records[6].event == .load(address: 0x7f3a_1000, length: 8, dependent: true))
        #expect(records[7].event == .store(address: .max, length: 4096))
        #expect(records[8].string == "data/in put.bin")
        #expect(records[8].event == .declareFile(name: Symbol(0), size: 16 << 20, cachedBytes: 4 << 20))
        #expect(records[11].event == .readFile(fd: 3, fileOffset: 1 << 30, id: 1, offset: 4095, length: 1 << 20))
        #expect(records[12].event == .mmap(id: 10, length: 16 << 20, protection: .read, flags: [], fd: 3, fileOffset: 8192))
        #expect(records[13].event == .mmap(id: 11, length: 2 << 20, protection: [.read, .write],
                                           flags: [.populate, .anonymous], fd: nil, fileOffset: 0))
        #expect(records[14].event == .mmap(id: 12, length: 64 << 10, protection: [.read, .write, .exec],
                                           flags: [.shared, .anonymous], fd: nil, fileOffset: 0))
        #expect(records[17].event == .madvise(id: 11, offset: 0, length: 1 << 20, advice: .dontNeed))
        #expect(records[23].event == .mprotect(id: 12, offset: 4096, length: 4096, protection: .none))
        #expect(records[26].event == .setGCPercent(-1))
        #expect(records[27].event == .setGCPercent(nil))
        #expect(records[29].event == .setMemoryLimit(1000))
        #expect(records[30].event == .setMemoryLimit(nil))
        #expect(records[33].event == .compute(ns: 15_000))
        #expect(records[35].event == .sleep(ns: 2_000_000_000))
        #expect(records[39] == Resolved(TraceRecord(goroutine: 7, .alloc(id: 3, size: 48, scan: true)), SymbolTable()))
        #expect(records[40].goroutine == UInt32.max)
        #expect(records[42].string == "after \"free\" \\ gc\n\t\u{01}")
    }

    @Test func looseSpellingsNormaliseToCanonical() throws {
        let loose = """
        # leading comment before the header
        gomemsim-trace 1   # trailing comment

        \talloc   1   0x1000   scan\r
        read 1 0 4096B  # B suffix
        g0 write 1 0X10 1KiB
        mmap 2 4KiB wr private
        load 4096 8
        compute 2000000ns
        checkpoint "raw\ttab"
        file "f" 1MiB
        """
        let canonical = """
        gomemsim-trace 1
        alloc 1 4KiB scan
        read 1 0 4KiB
        write 1 16 1KiB
        mmap 2 4KiB rw private
        load 0x1000 8
        compute 2ms
        checkpoint "raw\\ttab"
        file "f" 1MiB cached 0

        """
        var reader = TextTraceReader(bytes: textBytes(loose), origin: "t.gmt")
        #expect(String(decoding: try textBytes(of: &reader), as: UTF8.self) == canonical)
    }

    @Test func locationIsTheFirstTokenOfTheLastRecord() throws {
        var text = TextTraceReader(bytes: textBytes("gomemsim-trace 1\n\n  g2 gc\n  # c\n\tfree 1\n"), origin: "t.gmt")
        _ = try text.next()
        #expect(text.location == .text(file: "t.gmt", line: 3, column: 3))
        _ = try text.next()
        #expect(text.location == .text(file: "t.gmt", line: 5, column: 2))
        #expect(try text.next() == nil)

        var source = TextTraceReader(bytes: textBytes("gomemsim-trace 1\ngc\ng5 free 300\n"), origin: "t.gmt")
        var binary = BinaryTraceReader(bytes: try binaryBytes(of: &source), origin: "t.gmtb")
        _ = try binary.next()
        #expect(binary.location == .byte(file: "t.gmtb", offset: 9))  // magic 8 + version 1
        _ = try binary.next()
        #expect(binary.location == .byte(file: "t.gmtb", offset: 12))  // after the goroutine record 02 05
    }

    @Test func binaryEmitsGoroutineAndSymbolRecordsOnlyWhenNeeded() throws {
        var symbols = SymbolTable()
        let label = symbols.intern("x")
        let records = [
            TraceRecord(goroutine: 1, .gc), TraceRecord(goroutine: 1, .checkpoint(label: label)),
            TraceRecord(goroutine: 1, .checkpoint(label: label)), TraceRecord(.exit),
        ]
        var writer = BinaryTraceWriter()
        for record in records { try writer.write(record, symbols: symbols) }
        writer.finish()
        #expect(writer.bytes == BinaryFormatBytes.written + [
            0x02, 0x01, 0x30,           // goroutine 1, gc
            0x01, 0x01, 0x78, 0x3b, 0x00, // symbol "x", checkpoint 0
            0x3b, 0x00,                 // checkpoint 0 again: no new definition
            0x02, 0x00, 0x3a, 0x00,     // goroutine 0, exit, end
        ])
    }

    @Test func chunkBoundariesDoNotChangeWhatIsRead() throws {
        let text = textBytes(everyEventText)
        var source = TextTraceReader(bytes: text, origin: "t.gmt")
        let binary = try binaryBytes(of: &source)
        let expected = try readText(text)
        for chunkSize in [1, 2, 3, 5, 7, 13, 64, 100] {
            #expect(try readText(text, chunkSize: chunkSize) == expected, "text, chunk \(chunkSize)")
            #expect(try readBinary(binary, chunkSize: chunkSize) == expected, "binary, chunk \(chunkSize)")
        }
    }

    @Test func randomizedRecordsRoundTripThroughBothFormats() throws {
        var random = SplitMix64(seed: 0x6d65_6d73_696d)
        var symbols = SymbolTable()
        let alphabet = Array("ab \"\\\n\t\u{7f}\u{01}é世/#".unicodeScalars)
        for _ in 0..<40 {
            let length = Int.random(in: 0...12, using: &random)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet.randomElement(using: &random)!) }
            _ = symbols.intern(text)
        }
        var records: [TraceRecord] = []
        for _ in 0..<20_000 { records.append(randomRecord(&random, symbols: symbols)) }

        let expected = records.map { Resolved($0, symbols) }
        var array = ArraySource(records, symbols: symbols)
        let text = try textBytes(of: &array)
        #expect(try readText(text, chunkSize: 4093) == expected)
        array = ArraySource(records, symbols: symbols)
        let binary = try binaryBytes(of: &array)
        #expect(try readBinary(binary, chunkSize: 4093) == expected)
        // And binary → text gives the same text.
        var binaryReader = BinaryTraceReader(bytes: binary, origin: "t.gmtb")
        #expect(try textBytes(of: &binaryReader) == text)
    }

    @Test(arguments: ["every-event.gmt", "big-slice.gmt", "goroutines.gmt", "file-mmap.gmt"])
    func exampleTraceRoundTrips(name: String) throws {
        let path = repositoryRoot().appendingPathComponent("traces/examples/\(name)").path
        var reader = try TraceFileReader(path: path)
        let original = try readAll(&reader)
        #expect(!original.isEmpty)
        reader = try TraceFileReader(path: path)
        let canonical = try textBytes(of: &reader)
        #expect(try readText(canonical) == original)
        var again = TextTraceReader(bytes: canonical, origin: "t.gmt")
        #expect(try textBytes(of: &again) == canonical)
        var fromCanonical = TextTraceReader(bytes: canonical, origin: "t.gmt")
        #expect(try readBinary(try binaryBytes(of: &fromCanonical)) == original)
    }
}

enum BinaryFormatBytes {
    /// A version 1 header (crafted inputs; version 1 is still read).
    static let header: [UInt8] = [0x89, 0x47, 0x4d, 0x54, 0x42, 0x0d, 0x0a, 0x1a, 0x01]
    /// The header the writer writes (version 2).
    static let written: [UInt8] = [0x89, 0x47, 0x4d, 0x54, 0x42, 0x0d, 0x0a, 0x1a, 0x02]
}

/// A random record whose fields cover their whole ranges (and small values often).
func randomRecord(_ random: inout SplitMix64, symbols: SymbolTable) -> TraceRecord {
    func number(_ random: inout SplitMix64) -> UInt64 {
        switch random.next() % 4 {
        case 0: random.next()
        case 1: random.next() % 4096
        case 2: (random.next() % 1024) << (10 * (random.next() % 5))
        default: random.next() >> (random.next() % 64)
        }
    }
    func u32(_ random: inout SplitMix64) -> UInt32 { UInt32(truncatingIfNeeded: number(&random)) }
    let symbol = Symbol(UInt32(random.next() % UInt64(symbols.count)))
    let protection = Protection(rawValue: UInt8(random.next() % 8))
    let goroutine = random.next() % 3 == 0 ? u32(&random) : 0
    let event: TraceEvent
    switch random.next() % 26 {
    case 0: event = .alloc(id: number(&random), size: number(&random), scan: random.next() % 2 == 0)
    case 1: event = .free(id: number(&random))
    case 2: event = .read(id: number(&random), offset: number(&random), length: number(&random), dependent: random.next() % 2 == 0)
    case 3: event = .write(id: number(&random), offset: number(&random), length: number(&random))
    case 4: event = .load(address: number(&random), length: u32(&random), dependent: random.next() % 2 == 0)
    case 5: event = .store(address: number(&random), length: u32(&random))
    case 6: event = .declareFile(name: symbol, size: number(&random), cachedBytes: number(&random))
    case 7: event = .open(fd: u32(&random), name: symbol)
    case 8: event = .close(fd: u32(&random))
    case 9: event = .readFile(fd: u32(&random), fileOffset: number(&random), id: number(&random),
                              offset: number(&random), length: number(&random))
    case 10:
        var flags = MapFlags(rawValue: UInt8(random.next() % 8) & 5)
        let fd: UInt32? = random.next() % 2 == 0 ? u32(&random) : nil
        if fd == nil { flags.insert(.anonymous) }
        event = .mmap(id: number(&random), length: number(&random), protection: protection, flags: flags, fd: fd,
                      fileOffset: fd == nil ? 0 : number(&random))
    case 11: event = .munmap(id: number(&random), offset: number(&random), length: number(&random))
    case 12: event = .madvise(id: number(&random), offset: number(&random), length: number(&random),
                              advice: Advice.allCases[Int(random.next() % 5)])
    case 13: event = .mprotect(id: number(&random), offset: number(&random), length: number(&random), protection: protection)
    case 14: event = .gc
    case 15: event = .setGCPercent(random.next() % 4 == 0 ? nil : Int32(truncatingIfNeeded: number(&random)))
    case 16: event = .setMemoryLimit(random.next() % 4 == 0 ? nil : number(&random))
    case 17: event = .freeOSMemory
    case 18: event = .globals(bytes: number(&random))
    case 19: event = .compute(ns: number(&random))
    case 20: event = .sleep(ns: number(&random))
    case 21: event = .spawn(goroutine: u32(&random))
    case 22: event = .exit
    case 23: event = .checkpoint(label: symbol)
    case 24: event = .compute(ns: (random.next() % 100_000) * 1_000_000)
    default: event = .read(id: number(&random), offset: 0, length: number(&random), dependent: false)
    }
    return TraceRecord(goroutine: goroutine, event)
}
