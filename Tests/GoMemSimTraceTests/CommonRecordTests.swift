import GoMemSimTrace
import Testing

/// `BinaryTraceReader.next()` decodes the common records (alloc, free, read, write, load,
/// store, compute) with operands of up to 8 varint bytes in a fast path, and leaves
/// longer operands, other records and every error to the general decoder. Both must
/// give what the writer wrote, whatever the operand lengths and chunk boundaries.
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

    @Test(arguments: [1 << 20, 97, 64, 13, 1])
    func everyOperandLengthReadsBackAsWritten(chunkSize: Int) throws {
        let written = Self.records()
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
