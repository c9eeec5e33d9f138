import GoMemSimTrace
import Testing

/// Version 2's near records: a load or store whose address is written as the zigzag
/// difference from the previous access's address when that is the shorter varint.
@Suite struct NearAccessRecordTests {
    static let header2 = BinaryFormatBytes.written

    static func bytes(_ events: [TraceEvent]) throws -> [UInt8] {
        var writer = BinaryTraceWriter()
        for e in events { try writer.write(TraceRecord(e), symbols: SymbolTable()) }
        writer.finish()
        return writer.bytes
    }

    /// The exact bytes: the first access is far (the difference from 0 is the address,
    /// doubled by zigzag), a step of +8 is `19 10`, -16 is `1b 1f`, a jump of +2^40 from
    /// 0x7f00_0000_0000 still saves a byte (6 against 7), and a jump to 0x40 is far again.
    @Test func theWriterPicksTheShorterForm() throws {
        let a: UInt64 = 0x7f00_0000_0000
        let got = try Self.bytes([
            .load(address: a, length: 8, dependent: false),
            .load(address: a + 8, length: 8, dependent: false),
            .store(address: a - 8, length: 4),
            .load(address: a - 8 + (1 << 40), length: 8, dependent: true),
            .load(address: 0x40, length: 1, dependent: false),
        ])
        #expect(got == Self.header2 + [0x16, 0x80, 0x80, 0x80, 0x80, 0x80, 0xe0, 0x1f, 0x08,
                                       0x19, 0x10, 0x08,
                                       0x1b, 0x1f, 0x04,
                                       0x1a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x08,
                                       0x16, 0x40, 0x01,
                                       0x00])
    }

    /// A random walk with small and huge steps (wrapping past 0 and 2^64) round-trips
    /// through `next()` and through the batch path, across chunk boundaries, and a
    /// sequential pass costs three bytes an access.
    @Test(arguments: [1 << 20, 64, 5])
    func nearRecordsRoundTrip(chunkSize: Int) throws {
        var state: UInt64 = 99
        func random() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11 ^ state
        }
        var address: UInt64 = 10
        var events: [TraceEvent] = []
        for i in 0..<5000 {
            let r = random()
            switch r % 8 {
            case 0: address = r  // anywhere
            case 1: address &-= r >> (r & 63)  // any step back, wrapping below 0
            default: address &+= (r >> 32) % 256  // near ahead
            }
            switch i % 3 {
            case 0: events.append(.load(address: address, length: UInt32(r >> 56), dependent: false))
            case 1: events.append(.load(address: address, length: 8, dependent: true))
            default: events.append(.store(address: address, length: UInt32(truncatingIfNeeded: r >> 20)))
            }
            if i % 611 == 0 { events.append(.gc) }  // other records keep the running address
        }
        let bytes = try Self.bytes(events)
        var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
        var decoded: [TraceEvent] = []
        while let record = try reader.next() { decoded.append(record.event) }
        #expect(decoded == events)
        #expect(try RawAccessBatchTests.readBatched(bytes, batch: 100, chunkSize: chunkSize) == events)
        // Mixing the two paths record by record keeps one running address.
        var mixed = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
        var alternating: [TraceEvent] = []
        var one = [RawAccess](repeating: RawAccess(), count: 1)
        while true {
            if alternating.count % 2 == 0 {
                guard let record = try mixed.next() else { break }
                alternating.append(record.event)
                continue
            }
            let n = try one.withUnsafeMutableBufferPointer { (b) throws(TraceError) -> Int in try mixed.readAccesses(into: b) }
            if n == 0 {
                guard let record = try mixed.next() else { break }
                alternating.append(record.event)
            } else {
                let a = one[0]
                alternating.append(a.isWrite ? .store(address: a.address, length: a.length)
                                   : .load(address: a.address, length: a.length, dependent: a.dependent))
            }
        }
        #expect(alternating == events)

        let pass = try Self.bytes((0..<1000).map { .load(address: 0x7f00_0000_0000 + UInt64($0) * 8, length: 8, dependent: false) })
        #expect(pass.count == Self.header2.count + 9 + 999 * 3 + 1)
    }

    /// Version 1 had no near records: 0x19 there is an unknown opcode. Version 1 files
    /// with far records still read.
    @Test func version1RejectsNearRecordsAndStillReads() throws {
        let v1 = BinaryFormatBytes.header
        #expect(binaryError(v1 + [0x19, 0x10, 0x08, 0x00]) == "t.gmtb: byte 9: expected an opcode, found unknown opcode 0x19")
        var reader = BinaryTraceReader(bytes: v1 + [0x16, 0x80, 0x01, 0x08, 0x18, 0x40, 0x02, 0x00], origin: "t.gmtb")
        #expect(try reader.next()?.event == .load(address: 128, length: 8, dependent: false))
        #expect(try reader.next()?.event == .store(address: 64, length: 2))
        #expect(try reader.next() == nil)
        var batch = BinaryTraceReader(bytes: v1 + [0x19, 0x10, 0x08, 0x00], origin: "t.gmtb")
        var buffer = [RawAccess](repeating: RawAccess(), count: 4)
        let n = try buffer.withUnsafeMutableBufferPointer { (b) throws(TraceError) -> Int in try batch.readAccesses(into: b) }
        #expect(n == 0)
    }

    /// A near record cut short names its operand.
    @Test func aTruncatedNearRecordSaysWhatWasCut() {
        for chunkSize in [2, 1 << 20] {
            #expect(binaryError(Self.header2 + [0x19, 0x90], chunkSize: chunkSize)
                == "t.gmtb: byte 11: expected the address difference of a load, found end of file")
            #expect(binaryError(Self.header2 + [0x1b, 0x10], chunkSize: chunkSize)
                == "t.gmtb: byte 11: expected the length of a store, found end of file")
            do {
                _ = try RawAccessBatchTests.readBatched(Self.header2 + [0x1b, 0x90], batch: 8, chunkSize: chunkSize)
                Issue.record("a truncated near store was accepted")
            } catch {
                #expect(error.description == "t.gmtb: byte 11: expected the address difference of a store, found end of file")
            }
        }
    }

    /// Corrupt bytes anywhere in a trace of near and far records: both read paths either
    /// decode the same records or fail with the same message; neither crashes.
    @Test func corruptNearRecordsFailAlikeOnBothPaths() throws {
        var events: [TraceEvent] = []
        var address: UInt64 = 0x7f00_0000_0000
        for i in 0..<400 {
            address &+= i % 50 == 0 ? 1 << 33 : 8
            events.append(i % 7 == 0 ? .store(address: address, length: 8) : .load(address: address, length: 8, dependent: i % 3 == 0))
            if i % 90 == 0 { events.append(.compute(ns: 5)) }
        }
        let good = try Self.bytes(events)
        var state: UInt64 = 5
        for _ in 0..<300 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var bad = good
            let at = Self.header2.count + Int(state >> 33) % (good.count - Self.header2.count)
            bad[at] = UInt8(truncatingIfNeeded: state >> 20)
            for chunkSize in [7, 1 << 20] {
                let viaNext = Result { () throws(TraceError) -> [TraceEvent] in
                    var reader = BinaryTraceReader(bytes: bad, origin: "t.gmtb", chunkSize: chunkSize)
                    var out: [TraceEvent] = []
                    while let record = try reader.next() { out.append(record.event) }
                    return out
                }
                let viaBatch = Result { () throws(TraceError) -> [TraceEvent] in
                    try RawAccessBatchTests.readBatched(bad, batch: 64, chunkSize: chunkSize)
                }
                switch (viaNext, viaBatch) {
                case let (.success(a), .success(b)): #expect(a == b)
                case let (.failure(a), .failure(b)): #expect(a.description == b.description)
                default: Issue.record("the paths disagree on a corrupt byte at \(at): \(viaNext) vs \(viaBatch)")
                }
            }
        }
    }

    /// Runs of equal near records (one opcode, one length, a one-byte step) decoded as a
    /// run stop at a change of opcode, length or step size, at the batch's end and at a
    /// refill, and give what `next()` gives.
    @Test(arguments: [(7, 64), (4096, 64), (4096, 1 << 20), (1, 100)])
    func runsOfNearRecordsDecodeAsNextDoes(batch: Int, chunkSize: Int) throws {
        var events: [TraceEvent] = []
        var address: UInt64 = 0x7f00_0000_0000
        for i in 0..<12_000 {
            let phase = i / 1000
            address &+= phase % 3 == 0 ? 8 : phase % 3 == 1 ? 0 &- 8 : 64 * 3  // the last: two-byte steps
            let length: UInt32 = i % 1500 == 0 ? 4 : 8
            events.append(phase % 4 == 3 ? .store(address: address, length: length)
                          : .load(address: address, length: length, dependent: phase % 4 == 2))
        }
        let bytes = try Self.bytes(events)
        #expect(try RawAccessBatchTests.readBatched(bytes, batch: batch, chunkSize: chunkSize) == events)
    }
}
