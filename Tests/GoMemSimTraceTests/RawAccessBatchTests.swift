import GoMemSimTrace
import Testing

/// `BinaryTraceReader.readAccesses(into:)`: the batch path of raw-address traces must
/// decode exactly what `next()` decodes, stop at every other record, and fail the same way.
@Suite struct RawAccessBatchTests {
    /// A mixed trace: runs of loads and stores (1- to 10-byte varints) broken by other
    /// records, goroutine switches and symbols.
    static func mixedTrace() throws -> [UInt8] {
        var writer = BinaryTraceWriter()
        var symbols = SymbolTable()
        var state: UInt64 = 7
        func random() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
        for i in 0..<3000 {
            let r = random()
            let address = r >> (r & 63)  // every varint length
            let record: TraceRecord
            switch i % 97 {
            case 13: record = TraceRecord(goroutine: UInt32(i % 5), .compute(ns: r >> 40))
            case 41: record = TraceRecord(.checkpoint(label: symbols.intern("c\(i)")))
            case 42, 43: record = TraceRecord(.gc)
            default:
                switch r % 3 {
                case 0: record = TraceRecord(goroutine: UInt32(i / 500), .load(address: address, length: UInt32(r >> 50), dependent: false))
                case 1: record = TraceRecord(goroutine: UInt32(i / 500), .load(address: address, length: 8, dependent: true))
                default: record = TraceRecord(goroutine: UInt32(i / 500), .store(address: address, length: UInt32(1 + r % 64)))
                }
            }
            try writer.write(record, symbols: symbols)
        }
        writer.finish()
        return writer.bytes
    }

    /// Reads with batches of `batch` (falling back to `next()` between runs), as the records
    /// `next()` alone would give: loads and stores rebuilt from the raw accesses.
    static func readBatched(_ bytes: [UInt8], batch: Int, chunkSize: Int) throws(TraceError) -> [TraceEvent] {
        var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
        var buffer = [RawAccess](repeating: RawAccess(), count: batch)
        var events: [TraceEvent] = []
        while true {
            let n = try buffer.withUnsafeMutableBufferPointer { (b) throws(TraceError) -> Int in try reader.readAccesses(into: b) }
            if n == 0 {
                guard let record = try reader.next() else { break }
                events.append(record.event)
                continue
            }
            for a in buffer[..<n] {
                events.append(a.isWrite ? .store(address: a.address, length: a.length)
                                        : .load(address: a.address, length: a.length, dependent: a.dependent))
            }
        }
        return events
    }

    @Test(arguments: [(1, 1 << 20), (7, 3), (4096, 64), (4096, 1 << 20)])
    func batchesDecodeWhatNextDecodes(batch: Int, chunkSize: Int) throws {
        let bytes = try Self.mixedTrace()
        var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
        var expected: [TraceEvent] = []
        while let record = try reader.next() { expected.append(record.event) }
        #expect(expected.count == 3000)
        #expect(try Self.readBatched(bytes, batch: batch, chunkSize: chunkSize) == expected)
    }

    @Test func aTruncatedAccessFailsAtTheSameByteAsNext() {
        // header (9 bytes), a load of 0xc000 length 8, then a store whose address is cut off.
        let bytes = BinaryFormatBytes.header + [0x16, 0x80, 0x80, 0x03, 0x08, 0x18, 0x80]
        for chunkSize in [2, 1 << 20] {
            #expect(throws: TraceError.self) { _ = try Self.readBatched(bytes, batch: 16, chunkSize: chunkSize) }
            do {
                _ = try Self.readBatched(bytes, batch: 16, chunkSize: chunkSize)
            } catch {
                #expect(error.description == "t.gmtb: byte 16: expected the address of a store, found end of file")
                #expect(error.description == binaryError(bytes, chunkSize: chunkSize))
            }
        }
    }

    /// A long run of the short form (a sequential pass: 7-byte address varints, one-byte
    /// lengths) then a corrupt record: the run's window loop must give what `next()` gives,
    /// leave `location` at the last access it decoded, and hand the corrupt record to the
    /// checked path, which fails at the byte `next()` fails at.
    @Test(arguments: [1 << 20, 100, 64])
    func aLongRunOfShortRecordsDecodesAsNextDoes(chunkSize: Int) throws {
        var writer = BinaryTraceWriter()
        let symbols = SymbolTable()
        for i in 0..<20_000 {
            let address = 0x7f00_0000_0000 &+ UInt64(i) &* 8
            let event: TraceEvent = i % 5 == 0 ? .store(address: address, length: 8)
                : .load(address: address, length: UInt32(1 + i % 100), dependent: i % 3 == 0)
            try writer.write(TraceRecord(event), symbols: symbols)
        }
        writer.finish()
        let good = writer.bytes
        #expect(try Self.readBatched(good, batch: 4096, chunkSize: chunkSize).count == 20_000)
        let (expected, locations) = try readBinaryByNext(good, chunkSize: chunkSize)
        #expect(try Self.readBatched(good, batch: 4096, chunkSize: chunkSize) == expected)
        var batched = BinaryTraceReader(bytes: good, origin: "t.gmtb", chunkSize: chunkSize)
        var buffer = [RawAccess](repeating: RawAccess(), count: 4096)
        let n = try buffer.withUnsafeMutableBufferPointer { (b) throws(TraceError) -> Int in try batched.readAccesses(into: b) }
        #expect(n == 4096)
        #expect(batched.location == locations[4095])
        // The end record replaced by a load whose address varint never ends.
        let bad = Array(good.dropLast()) + [0x16] + Array(repeating: 0x80, count: 11)
        do {
            _ = try Self.readBatched(bad, batch: 4096, chunkSize: chunkSize)
            Issue.record("a corrupt varint was accepted")
        } catch {
            #expect(error.description == binaryError(bad, chunkSize: chunkSize))
            #expect(error.description.contains("the address of a load"))
        }
    }

    /// Runs of 3-byte near records (a sequential pass) whose step changes mid-run (8, 16,
    /// -8, 63, -64, 0), whose opcode or length changes, broken by far records and other
    /// records: the run loop (a constant step, then any one-byte step) must give what
    /// `next()` gives, in batches that end mid-run and across refills, with `location` at
    /// the last access decoded.
    @Test(arguments: [(1, 1 << 20), (7, 64), (4096, 100), (4096, 1 << 20), (300, 5)])
    func runsOfNearRecordsWithChangingStepsDecodeAsNextDoes(batch: Int, chunkSize: Int) throws {
        var writer = BinaryTraceWriter()
        var symbols = SymbolTable()
        var address: UInt64 = 0x7f00_0000_0000
        let steps: [UInt64] = [8, 16, 0 &- 8, 63, 0 &- 64, 0]
        var count = 0
        for i in 0..<12_000 {
            let phase = i / 700
            address &+= i % 1000 == 999 ? 1 << 30 : steps[phase % steps.count]  // now and then a far record
            let length: UInt32 = i % 2500 < 1200 ? 8 : 4
            let event: TraceEvent = switch phase % 4 {
            case 0, 1: .load(address: address, length: length, dependent: false)
            case 2: .store(address: address, length: length)
            default: i % 50 < 25 ? .load(address: address, length: 8, dependent: true) : .load(address: address, length: 8, dependent: false)
            }
            try writer.write(TraceRecord(event), symbols: symbols)
            count += 1
            if i % 3001 == 3000 {
                try writer.write(TraceRecord(.checkpoint(label: symbols.intern("c\(i)"))), symbols: symbols)
                count += 1
            }
        }
        writer.finish()
        let bytes = writer.bytes
        let (expected, locations) = try readBinaryByNext(bytes, chunkSize: chunkSize)
        #expect(expected.count == count)
        #expect(try Self.readBatched(bytes, batch: batch, chunkSize: chunkSize) == expected)
        // Where a first batch stops: its last access's location, as next() gave it.
        var batched = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
        var buffer = [RawAccess](repeating: RawAccess(), count: batch)
        let n = try buffer.withUnsafeMutableBufferPointer { (b) throws(TraceError) -> Int in try batched.readAccesses(into: b) }
        #expect(n == min(batch, 3001))  // the first checkpoint follows access 3001
        #expect(batched.location == locations[n - 1])
    }
}
