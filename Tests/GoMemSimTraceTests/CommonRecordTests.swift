import GoMemSimTrace
import Testing

/// `BinaryTraceReader.next()` decodes the common records (alloc, free, read, write, load,
/// store, compute) with operands of up to 8 varint bytes in a fast path, taking goroutine
/// records on the way, and leaves longer operands, other records and every error to the
/// general decoder. Both must give what the writer wrote, at the offsets it wrote it,
/// whatever the operand lengths and chunk boundaries.
@Suite struct CommonRecordTests {
    /// A value at each end of every varint length, 1 to 10 bytes.
    static let values: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28,
                                   1 << 35, 1 << 42, 1 << 49, (1 << 56) - 1, 1 << 56, 1 << 63, .max]

    /// Every common record with `v` in each operand in turn (the others small), on two
    /// goroutines, loads and stores both far and near their predecessor.
    static func records() -> [TraceRecord] {
        var out: [TraceRecord] = []
        for (i, v) in values.enumerated() {
            let g = UInt32(i % 2)
            let length32 = UInt32(truncatingIfNeeded: min(v, UInt64(UInt32.max)))
            out += [
                TraceRecord(goroutine: g, .alloc(id: v, size: 48, scan: true)),
                TraceRecord(goroutine: g, .alloc(id: 3, size: v, scan: false)),
                TraceRecord(goroutine: g, .read(id: v, offset: 8, length: 8, dependent: false)),
                TraceRecord(goroutine: g, .read(id: 3, offset: v, length: 8, dependent: true)),
                TraceRecord(goroutine: g, .read(id: 3, offset: 0, length: v, dependent: false)),
                TraceRecord(goroutine: g, .write(id: v, offset: v, length: v)),
                TraceRecord(goroutine: g, .free(id: v)),
                TraceRecord(goroutine: g, .compute(ns: v)),
                TraceRecord(goroutine: g, .load(address: v, length: 8, dependent: false)),
                TraceRecord(goroutine: g, .load(address: v &+ 64, length: length32, dependent: true)),  // near
                TraceRecord(goroutine: g, .store(address: v &- 8, length: length32)),
                TraceRecord(goroutine: g, .gc),  // a record the fast path leaves alone
            ]
        }
        return out
    }

    /// Goroutine numbers at each end of every varint length a 32-bit number takes, each
    /// with common records after it (the fast path takes the goroutine record on the way
    /// to the next record).
    static let goroutines: [UInt32] = [0, 1, 127, 128, 16_383, 16_384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1,
                                       1 << 28, .max, 5]

    static func goroutineRecords() -> [TraceRecord] {
        goroutines.flatMap { g in
            [
                TraceRecord(goroutine: g, .read(id: 300, offset: 8, length: 1 << 15, dependent: false)),
                TraceRecord(goroutine: g, .alloc(id: 70_000, size: 200, scan: true)),
                TraceRecord(goroutine: g, .write(id: 70_000, offset: 0, length: 200)),
                TraceRecord(goroutine: g, .free(id: 1 << 30)),
            ]
        }
    }

    /// `records` written, and the offset of each one's opcode, found from the writer's
    /// byte count (a record follows the goroutine record the writer puts before it when
    /// the goroutine changes), not from the reader.
    static func written(_ records: [TraceRecord]) throws -> (bytes: [UInt8], offsets: [UInt64]) {
        var writer = BinaryTraceWriter()
        var offsets: [UInt64] = []
        var goroutine: UInt32 = 0
        for record in records {
            var offset = writer.bytes.count
            if record.goroutine != goroutine {
                offset += 1 + varintLength(UInt64(record.goroutine))
                goroutine = record.goroutine
            }
            offsets.append(UInt64(offset))
            try writer.write(record, symbols: SymbolTable())
        }
        writer.finish()
        return (writer.bytes, offsets)
    }

    static func varintLength(_ value: UInt64) -> Int {
        var length = 1
        var v = value >> 7
        while v != 0 { length += 1; v >>= 7 }
        return length
    }

    /// Every record, goroutine and `location` as written, at every chunk size up to past
    /// ``BinaryTraceReader``'s 64-byte fast-path margin: each record is met at every
    /// distance from a chunk's end, by the fast path and by the general decoder.
    @Test func everyRecordAndLocationAtEveryChunkBoundary() throws {
        let records = Self.records() + Self.goroutineRecords()
        let (bytes, offsets) = try Self.written(records)
        for chunkSize in Array(1...80) + [97, 1 << 20] {
            var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
            var index = 0
            while let record = try reader.next() {
                guard index < records.count else { break }
                #expect(record == records[index], "chunk size \(chunkSize), record \(index)")
                #expect(reader.location == .byte(file: "t.gmtb", offset: offsets[index]),
                        "chunk size \(chunkSize), record \(index)")
                index += 1
            }
            #expect(index == records.count, "chunk size \(chunkSize)")
        }
    }

    /// Goroutine records one after another (the writer never puts two together, but a
    /// trace may have them), 5 bytes each: the fast path takes them only while it still has
    /// a full record's worth of data ahead, at every distance from a chunk's end.
    @Test func aRunOfGoroutineRecordsStopsAtTheFastPathLimit() throws {
        var writer = BinaryTraceWriter()
        try writer.write(TraceRecord(.alloc(id: 1, size: 16, scan: false)), symbols: SymbolTable())
        var bytes = writer.bytes
        for g in 0..<40 { bytes += [0x02, 0x80 | UInt8(g), 0x80, 0x80, 0x01] }  // 2^21 + g
        let readOffset = UInt64(bytes.count)
        bytes += [0x13, 0x07, 0x08, 0x08, 0x00]  // read 7 8 8, end
        for chunkSize in Array(1...80) + [1 << 20] {
            var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
            #expect(try reader.next() == TraceRecord(.alloc(id: 1, size: 16, scan: false)))
            #expect(try reader.next() == TraceRecord(goroutine: 1 << 21 + 39,
                                                     .read(id: 7, offset: 8, length: 8, dependent: false)),
                    "chunk size \(chunkSize)")
            #expect(reader.location == .byte(file: "t.gmtb", offset: readOffset), "chunk size \(chunkSize)")
            #expect(try reader.next() == nil)
        }
    }

    /// A goroutine number of 2^32 and one of 11 varint bytes, with a full record's worth
    /// of data after them (in the fast path's reach): the general decoder's errors, at
    /// the number's offset.
    @Test func aGoroutineNumberOver32BitsFails() throws {
        var writer = BinaryTraceWriter()
        try writer.write(TraceRecord(.alloc(id: 1, size: 16, scan: false)), symbols: SymbolTable())
        let start = writer.bytes
        let padding = [UInt8](repeating: 0, count: 64)
        let cases: [([UInt8], String)] = [
            ([0x80, 0x80, 0x80, 0x80, 0x10], "expected a goroutine number below 2^32, found 4294967296"),
            ([UInt8](repeating: 0xff, count: 11),
             "expected a goroutine number (a varint below 2^64), found a longer varint"),
        ]
        for (number, message) in cases {
            var reader = BinaryTraceReader(bytes: start + [0x02] + number + padding)
            #expect(try reader.next() == TraceRecord(.alloc(id: 1, size: 16, scan: false)))
            #expect(throws: TraceError(.byte(file: "<memory>", offset: UInt64(start.count + 1)), message)) {
                _ = try reader.next()
            }
        }
    }

    @Test(arguments: [1 << 20, 97, 64, 13, 1])
    func everyOperandLengthReadsBackAsWritten(chunkSize: Int) throws {
        let written = Self.records() + Self.goroutineRecords()
        var writer = BinaryTraceWriter()
        for record in written { try writer.write(record, symbols: SymbolTable()) }
        writer.finish()
        var reader = BinaryTraceReader(bytes: writer.bytes, chunkSize: chunkSize)
        var read: [TraceRecord] = []
        while let record = try reader.next() { read.append(record) }
        #expect(read == written)
    }

    /// An operand of 11 varint bytes in a read's id, with a full record's worth of data
    /// after it (so the fast path sees it first and must leave it): the general decoder's
    /// error, at the id's offset.
    @Test func anOverlongOperandFailsWhereItStarts() throws {
        var writer = BinaryTraceWriter()
        try writer.write(TraceRecord(.alloc(id: 1, size: 16, scan: false)), symbols: SymbolTable())
        var bytes = writer.bytes
        let idOffset = bytes.count + 1
        bytes += [0x13] + [UInt8](repeating: 0xff, count: 11) + [UInt8](repeating: 0, count: 64)
        var reader = BinaryTraceReader(bytes: bytes)
        #expect(try reader.next() == TraceRecord(.alloc(id: 1, size: 16, scan: false)))
        #expect(throws: TraceError(.byte(file: "<memory>", offset: UInt64(idOffset)),
                                   "expected the id of a read (a varint below 2^64), found a longer varint")) {
            _ = try reader.next()
        }
    }

    /// A load whose length does not fit 32 bits, in the fast path's reach: the general
    /// decoder's error.
    @Test func aLoadLengthOver32BitsFails() throws {
        var writer = BinaryTraceWriter()
        try writer.write(TraceRecord(.alloc(id: 1, size: 16, scan: false)), symbols: SymbolTable())
        var bytes = writer.bytes
        let lengthOffset = bytes.count + 2
        // load (0x16), address 5, length 2^32 as a 5-byte varint.
        bytes += [0x16, 0x05, 0x80, 0x80, 0x80, 0x80, 0x10] + [UInt8](repeating: 0, count: 64)
        var reader = BinaryTraceReader(bytes: bytes)
        _ = try reader.next()
        #expect(throws: TraceError(.byte(file: "<memory>", offset: UInt64(lengthOffset)),
                                   "expected the length of a load below 2^32, found 4294967296")) {
            _ = try reader.next()
        }
    }
}
