import GoMemSimTrace
import Testing

/// The batch path's runs of access records whose operand varints vary in length (random
/// accesses, ``BinaryTraceReader/readAccesses(into:)``): written byte by byte here so each
/// operand has the varint length a test asks for (1 to 10 bytes, padded where the value is
/// short: a reader takes those too), then decoded in batches and compared with `next()`.
@Suite struct VarintRunTests {
    /// `.gmtb` bytes written by hand.
    struct RawRecords {
        var bytes: [UInt8]

        init(version: UInt8) { bytes = BinaryFormatBytes.header.dropLast() + [version] }

        /// `value` as a LEB128 varint of exactly `count` bytes (padded with continuation
        /// bytes when it is shorter). `value` must fit in `count` × 7 bits.
        mutating func varint(_ value: UInt64, bytes count: Int) {
            for i in 0..<count {
                let group = UInt8(truncatingIfNeeded: i < 10 ? value >> (7 * UInt64(i)) : 0) & 0x7f
                bytes.append(i < count - 1 ? group | 0x80 : group)
            }
        }

        /// An access record: `opcode`, an operand of `operandBytes`, a length of `lengthBytes`.
        mutating func access(_ opcode: UInt8, operand: UInt64, operandBytes: Int, length: UInt64, lengthBytes: Int = 1) {
            bytes.append(opcode)
            varint(operand, bytes: operandBytes)
            varint(length, bytes: lengthBytes)
        }
    }

    /// A value that fits a varint of `count` bytes, drawn from its whole range.
    static func operand(bytes count: Int, _ random: inout SplitMix64) -> UInt64 {
        count >= 10 ? random.next() : random.next() & (1 &<< (7 * UInt64(count)) &- 1)
    }

    /// Runs of one opcode and length whose operands take every varint length, broken by
    /// what ends a run: another opcode, another length (one byte or two), a 9- or 10-byte
    /// operand, a goroutine switch, a gc record. `shift` gc records first move every record
    /// against the refill boundaries.
    static func runs(version: UInt8, shift: Int, seed: UInt64) -> (bytes: [UInt8], accesses: Int) {
        var random = SplitMix64(seed: seed)
        var records = RawRecords(version: version)
        records.bytes += Array(repeating: 0x30, count: shift)
        let opcodes: [UInt8] = version >= 2 ? Array(0x16...0x1b) : Array(0x16...0x18)
        var opcode = opcodes[0]
        var length: UInt64 = 8
        var accesses = 0
        for i in 0..<4000 {
            let r = random.next()
            switch r % 64 {
            case 0: opcode = opcodes[Int(r >> 8) % opcodes.count]
            case 1: length = r >> 8 & 0x7f
            case 2: records.bytes += [0x30]  // gc
            case 3: records.bytes += [0x02, UInt8(i % 3)]  // goroutine
            default: break
            }
            var operandBytes = Int(r >> 16 % 8) + 1
            if r >> 24 % 50 == 0 { operandBytes = 9 + Int(r >> 32 & 1) }
            let operand = Self.operand(bytes: operandBytes, &random)
            if r >> 40 % 40 == 0 {
                records.access(opcode, operand: operand, operandBytes: operandBytes, length: 128 + (r >> 48 & 0xff),
                               lengthBytes: 2)
            } else if r >> 40 % 40 == 1 {
                records.access(opcode, operand: operand, operandBytes: operandBytes, length: (length + 1) & 0x7f)
            } else {
                records.access(opcode, operand: operand, operandBytes: operandBytes, length: length)
            }
            accesses += 1
        }
        records.bytes.append(0x00)
        return (records.bytes, accesses)
    }

    @Test(arguments: [(4096, 1 << 20), (4096, 64), (7, 100), (1, 77), (333, 1000)])
    func runsOfEveryVarintLengthDecodeAsNextDoes(batch: Int, chunkSize: Int) throws {
        for version: UInt8 in [2, 1] {
            for shift in 0..<10 {
                let (bytes, accesses) = Self.runs(version: version, shift: shift, seed: UInt64(shift) &* 31 &+ UInt64(version))
                let (expected, locations) = try readBinaryByNext(bytes, chunkSize: chunkSize)
                let loads = expected.filter { if case .load = $0 { true } else if case .store = $0 { true } else { false } }
                #expect(loads.count == accesses)
                let batched = try RawAccessBatchTests.readBatched(bytes, batch: batch, chunkSize: chunkSize)
                #expect(batched == expected, "version \(version), shift \(shift)")
                // A first batch (the gc records of the shift go through next()) stops where
                // next() was after its last access.
                var reader = BinaryTraceReader(bytes: bytes, origin: "t.gmtb", chunkSize: chunkSize)
                for _ in 0..<shift { _ = try reader.next() }
                var buffer = [RawAccess](repeating: RawAccess(), count: batch)
                let n = try buffer.withUnsafeMutableBufferPointer { (b) throws(TraceError) -> Int in try reader.readAccesses(into: b) }
                if n > 0 {  // (0: the trace's first record after the shift is not an access)
                    #expect(reader.location == locations[shift + n - 1], "version \(version), shift \(shift)")
                }
            }
        }
    }

    /// A long run of random near loads (5-byte operands, the benchmark's records) as the
    /// writer writes them decodes as `next()` does, whatever the batch and buffer sizes.
    @Test(arguments: [(4096, 1 << 20), (4096, 64), (5, 1 << 20), (1000, 200)])
    func randomLoadsAsWrittenDecodeAsNextDoes(batch: Int, chunkSize: Int) throws {
        var writer = BinaryTraceWriter()
        let symbols = SymbolTable()
        var random = SplitMix64(seed: 42)
        for i in 0..<20_000 {
            let address = 0xc000_0000_0000 &+ random.next() & (1 << 30 - 1) & ~7
            let event: TraceEvent = i % 1000 == 999 ? .store(address: address, length: 8)
                : .load(address: address, length: 8, dependent: false)
            try writer.write(TraceRecord(event), symbols: symbols)
        }
        writer.finish()
        let expected = try readBinaryByNext(writer.bytes, chunkSize: chunkSize).events
        #expect(expected.count == 20_000)
        #expect(try RawAccessBatchTests.readBatched(writer.bytes, batch: batch, chunkSize: chunkSize) == expected)
    }

    /// A run of random near loads then a corrupt record: the batch path stops the run at
    /// it and fails at the byte and with the words `next()` fails with.
    @Test(arguments: [1 << 20, 100, 64])
    func aCorruptRecordAfterARunFailsAsNextDoes(chunkSize: Int) throws {
        var run = RawRecords(version: 2)
        var random = SplitMix64(seed: 9)
        for _ in 0..<500 {
            run.access(0x19, operand: Self.operand(bytes: 5, &random), operandBytes: 5, length: 8)
        }
        let base = run.bytes
        let cases: [(tail: [UInt8], says: String)] = [
            ([0x19] + Array(repeating: 0x80, count: 10) + [0x01, 0x08], "the address difference of a load (a varint below 2^64)"),
            ([0x1b] + Array(repeating: 0xff, count: 9) + [0x02, 0x08], "the address difference of a store (a varint below 2^64)"),
            ([0x19, 0x81, 0x82, 0x83, 0x04, 0xff, 0xff, 0xff, 0xff, 0x1f], "the length of a load below 2^32"),
            ([0x19, 0x81, 0x82, 0x83, 0x04], "the length of a load, found end of file"),
            ([0x19, 0x81, 0x82, 0x83, 0x84], "the address difference of a load, found end of file"),
            ([0x19, 0x81, 0x82, 0x83, 0x04, 0x88], "the length of a load, found end of file"),
            ([0x1a, 0x81, 0x82, 0x83, 0x04, 0x08, 0x40], "unknown opcode 0x40"),
        ]
        for (tail, says) in cases {
            let bytes = base + tail
            let expected = binaryError(bytes, chunkSize: chunkSize)
            #expect(expected?.contains(says) == true, "\(expected ?? "no error")")
            do {
                _ = try RawAccessBatchTests.readBatched(bytes, batch: 4096, chunkSize: chunkSize)
                Issue.record("accepted: \(says)")
            } catch {
                #expect(error.description == expected)
            }
        }
    }
}
