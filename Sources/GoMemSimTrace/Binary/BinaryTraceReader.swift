/// Reads a `.gmtb` binary trace (layout in ``BinaryFormat`` and
/// `schemas/trace-format.md`), streaming from one reused buffer.
///
/// Decoding is a switch on the opcode byte and LEB128 varints read through a raw
/// pointer. The buffer is refilled whenever fewer than ``maxRecordBytes`` remain, so a
/// record (other than a symbol definition) never straddles a refill; the only checks
/// per byte guard against the true end of the input.
///
/// `next()` is inlined into its caller with the decoding of the common records, so a
/// replay loop gets each record in registers rather than through memory, and the cursor
/// state it needs is `@usableFromInline` for that (internal, not public).
///
/// Truncated or corrupt input raises a ``TraceError`` at `.byte(file:offset:)`, the
/// offset of the offending byte in the (decompressed) input, saying what was expected.
public struct BinaryTraceReader: TraceSource {
    public private(set) var symbols = SymbolTable()
    public let origin: String

    /// The most bytes a record other than a symbol definition occupies: an opcode,
    /// five 10-byte varints and two single bytes.
    static let maxRecordBytes = 64

    private enum State { case header, records, finished }

    private let buffer: InputBuffer
    // The cursor, kept here rather than in `buffer` so decoding pays no exclusivity
    // check or reference counting per record.
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var position = 0
    private var end = 0
    private var inputEnded = false
    private var baseOffset: UInt64 = 0
    @usableFromInline var recordStart = 0
    private var state = State.header
    /// `end - maxRecordBytes` while records are read, else -1: ``next()`` decodes the
    /// record at `position` in its fast path when `position` is at most this (one test
    /// for the state and the data left).
    @usableFromInline var fastLimit = -1
    @usableFromInline var goroutine: UInt32 = 0
    /// The address of the last load or store: near records (version 2) count from it.
    @usableFromInline var lastAddress: UInt64 = 0
    /// How many access opcodes from 0x16 the version has: 3 (load, load dep, store), or
    /// 6 with their near forms (version 2).
    @usableFromInline var accessOpcodes: UInt8 = 3
    /// File symbol index → symbol in ``symbols``.
    private var fileSymbols: [Symbol] = []

    /// Opens the binary trace at `path` (plain or gzip-compressed).
    public init(path: String, chunkSize: Int = 1 << 20) throws(TraceError) {
        self.init(input: try ByteInput.open(path: path), origin: path, chunkSize: chunkSize)
    }

    /// Reads a binary trace from memory; `chunkSize` lets tests cross chunk boundaries.
    public init(bytes: [UInt8], origin: String = "<memory>", chunkSize: Int = 1 << 20) {
        self.init(input: .memory(bytes), origin: origin, chunkSize: chunkSize)
    }

    init(input: ByteInput, origin: String, chunkSize: Int) {
        self.origin = origin
        buffer = InputBuffer(input, origin: origin, chunkSize: chunkSize)
        base = buffer.base
    }

    /// The byte offset of the record last returned (its opcode).
    public var location: SourceLocation { .byte(file: origin, offset: baseOffset + UInt64(recordStart)) }

    /// The next record, or nil after the end record. The common records are decoded in
    /// line at the call site (``commonRecord()``); any other record, one near the end of
    /// the data in the buffer and every error go through a call (``nextByOpcode()``).
    /// Inlining measured 77 → 101 M events/s in `gomemsim-bench trace-parse`: the record
    /// no longer goes out through memory and back, nor the call's frame.
    @inlinable @inline(__always)
    public mutating func next() throws(TraceError) -> TraceRecord? {
        if position <= fastLimit, let record = commonRecord() { return record }
        return try nextByOpcode()
    }

    /// The record at `position` if it is one of the common kinds — alloc, free, read,
    /// write, load, store, compute — with operands of at most 8 varint bytes each (every
    /// record of a realistic trace), decoded with the cursor in a local and no bound
    /// checks: the caller has seen ``maxRecordBytes`` of data ahead, more than such a
    /// record and the 8 bytes ``shortVarint(_:)`` loads. Goroutine records before it are
    /// taken on the way. Else nil, nothing after them consumed, and ``nextByOpcode()``
    /// decodes the record or words its error, as before.
    @inlinable @inline(__always)
    mutating func commonRecord() -> TraceRecord? {
        let b = base
        var start = position
        while true {
            var p = start &+ 1
            let opcode = b[start]
            let event: TraceEvent
            // The heap records share their leading operands, decoded before the tests of which
            // kind it is (in random order, those mispredict often) rather than after each:
            // measured 111 -> 124 M events/s against a test per kind first. A switch's jump
            // table measured slower still.
            if opcode &- 0x10 < 6 {  // alloc, free, read, write: an id first
                guard let id = Self.varyingOperand(b, at: &p) else { return nil }
                if opcode == 0x12 {
                    event = .free(id: id)
                } else {  // alloc scan, noscan: size; read, read dependent, write: offset, length
                    guard let second = Self.varyingOperand(b, at: &p) else { return nil }
                    if opcode >= 0x13 {
                        guard let length = Self.varyingOperand(b, at: &p) else { return nil }
                        event = opcode == 0x15 ? .write(id: id, offset: second, length: length)
                            : .read(id: id, offset: second, length: length, dependent: opcode == 0x14)
                    } else {
                        event = .alloc(id: id, size: second, scan: opcode == 0x10)
                    }
                }
            } else if opcode &- 0x16 < accessOpcodes {  // load, load dependent, store (and near forms)
                let near = opcode >= 0x19
                let kind = near ? opcode &- 0x19 : opcode &- 0x16
                guard let operand = Self.shortOperand(b, at: &p), let length = Self.shortOperand(b, at: &p),
                      length <= UInt32.max else { return nil }
                let address = near ? lastAddress &+ BinaryFormat.unzigzag(operand) : operand
                lastAddress = address
                event = kind == 2 ? .store(address: address, length: UInt32(truncatingIfNeeded: length))
                    : .load(address: address, length: UInt32(truncatingIfNeeded: length), dependent: kind == 1)
            } else if opcode == 0x37 {  // compute: ns
                guard let ns = Self.shortOperand(b, at: &p) else { return nil }
                event = .compute(ns: ns)
            } else if opcode == 0x02 {  // goroutine: the records after it are its
                guard let g = Self.shortOperand(b, at: &p), g <= UInt32.max else { return nil }
                goroutine = UInt32(truncatingIfNeeded: g)
                position = p
                guard p <= fastLimit else { return nil }
                start = p
                continue
            } else {
                return nil
            }
            recordStart = start
            position = p
            return TraceRecord(goroutine: goroutine, event)
        }
    }

    /// ``shortOperand(_:at:)`` for an operand whose length varies from record to record: a
    /// size, length or offset (an allocation's size class: one or two bytes at random), an
    /// object id (a trace's ids soon pass 2^14). One or two bytes are taken apart without
    /// a branch, three after one test (measured: trace-parse 103 → 109 M events/s for
    /// sizes and lengths, → 110 for ids too).
    @inlinable @inline(__always)
    static func varyingOperand(_ b: UnsafeMutablePointer<UInt8>, at p: inout Int) -> UInt64? {
        let w = UInt64(littleEndian: UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self))
        if w & 0x8080 != 0x8080 {
            // All ones when the first byte continues (its high bit copied down), else 0.
            let second = Int(truncatingIfNeeded: Int64(bitPattern: w &<< 56) &>> 63)
            p &+= 1 &- second
            return w & 0x7f | w &>> 1 & 0x3f80 & UInt64(truncatingIfNeeded: second)
        }
        return longerOperand(w, b, at: &p)
    }

    /// The varint at `p` if it has at most 8 bytes (`p` moved past it), else nil (`p`
    /// unchanged). Up to three bytes are taken apart directly: inlined at each operand
    /// (an offset, a duration, an address), every test predicts as that operand's usual
    /// length does.
    @inlinable @inline(__always)
    static func shortOperand(_ b: UnsafeMutablePointer<UInt8>, at p: inout Int) -> UInt64? {
        let w = UInt64(littleEndian: UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self))
        if w & 0x80 == 0 {
            p &+= 1
            return w & 0x7f
        }
        if w & 0x8000 == 0 {
            p &+= 2
            return w & 0x7f | w &>> 1 & 0x3f80
        }
        return longerOperand(w, b, at: &p)
    }

    /// The operand decoders' common tail, for a varint of three or more bytes whose first
    /// 8 bytes are `w`: three taken apart directly, up to 8 by ``shortVarint(_:)``, else
    /// nil (`p` unchanged).
    @inlinable @inline(__always)
    static func longerOperand(_ w: UInt64, _ b: UnsafeMutablePointer<UInt8>, at p: inout Int) -> UInt64? {
        if w & 0x80_0000 == 0 {
            p &+= 3
            return w & 0x7f | w &>> 1 & 0x3f80 | w &>> 2 & 0x1f_c000
        }
        let (value, count) = shortVarint(b + p)
        guard count != 0 else { return nil }
        p &+= count
        return value
    }

    /// ``next()`` for any record, one operand at a time with its bound check and error.
    @usableFromInline
    mutating func nextByOpcode() throws(TraceError) -> TraceRecord? {
        switch state {
        case .header: try readHeader()
        case .records: break
        case .finished: return nil
        }
        while true {
            while end - position < Self.maxRecordBytes && !inputEnded { try refill() }
            guard position < end else {
                throw error("a record or the end record (0x00)", found: "end of file", at: position)
            }
            recordStart = position
            let opcode = base[position]
            position += 1
            let g = goroutine
            switch opcode {
            case 0x13:
                return TraceRecord(goroutine: g, .read(id: try varint("the id of a read"),
                    offset: try varint("the offset of a read"), length: try varint("the length of a read"), dependent: false))
            case 0x14:
                return TraceRecord(goroutine: g, .read(id: try varint("the id of a read"),
                    offset: try varint("the offset of a read"), length: try varint("the length of a read"), dependent: true))
            case 0x15:
                return TraceRecord(goroutine: g, .write(id: try varint("the id of a write"),
                    offset: try varint("the offset of a write"), length: try varint("the length of a write")))
            case 0x10, 0x11:
                return TraceRecord(goroutine: g, .alloc(id: try varint("the id of an alloc"),
                    size: try varint("the size of an alloc"), scan: opcode == 0x10))
            case 0x12:
                return TraceRecord(goroutine: g, .free(id: try varint("the id of a free")))
            case 0x16...0x18, 0x19...0x1b where accessOpcodes == 6:
                let kind = opcode < 0x19 ? opcode &- 0x16 : opcode &- 0x19
                let address = try accessAddress(near: opcode >= 0x19, store: kind == 2)
                if kind == 2 { return TraceRecord(goroutine: g, .store(address: address, length: try varint32("the length of a store"))) }
                return TraceRecord(goroutine: g, .load(address: address, length: try varint32("the length of a load"),
                                                       dependent: kind == 1))
            case 0x02:
                goroutine = try varint32("a goroutine number")
            case 0x01:
                try readSymbol()
            case 0x00:
                try expectEndOfFile()
                return nil
            default:
                // Files, mappings and runtime events are rare: decoding them out of line
                // keeps this loop's frame small for the heap events.
                return try rareRecord(opcode, goroutine: g)
            }
        }
    }

    /// Decodes the load and store records that come next into `accesses` (as many as fit)
    /// and returns how many: the hot loop of a raw-address trace (a cache simulation) without
    /// a ``TraceRecord`` per access. It stops at any other record, which the next call to
    /// ``next()`` returns; so 0 means the next record is not an access (or the trace ended,
    /// and `next()` returns nil). Errors are those `next()` raises, at the same offsets.
    ///
    /// ```
    /// var batch = [RawAccess](repeating: RawAccess(), count: 4096)
    /// while true {
    ///     let n = try batch.withUnsafeMutableBufferPointer { try reader.readAccesses(into: $0) }
    ///     if n == 0 { guard let record = try reader.next() else { break }; handle(record); continue }
    ///     // A `MemoryHierarchy` takes the batch in one call (or `for a in batch[..<n] { … }`).
    ///     ns &+= batch.withUnsafeBufferPointer { hw.access(UnsafeBufferPointer(rebasing: $0[..<n]), pageShift: 12) }
    /// }
    /// ```
    public mutating func readAccesses(into accesses: UnsafeMutableBufferPointer<RawAccess>) throws(TraceError) -> Int {
        if state == .header { try readHeader() }
        guard state == .records, let out = accesses.baseAddress else { return 0 }
        let capacity = accesses.count
        let kinds = accessOpcodes
        var n = 0
        // The cursor in locals: stores to `out` cannot alias them, so they stay in registers.
        var p = position, e = end, b = base
        var last = recordStart
        var address = lastAddress
        while n < capacity {
            if e - p < Self.maxRecordBytes && !inputEnded {
                position = p
                // The refill keeps the last access decoded too, and moves `last` with it:
                // `location` must stay that record's even when no access follows the refill.
                recordStart = last
                try refill()
                (p, e, b) = (position, end, base)
                last = recordStart
                continue
            }
            // The records wholly before the last `maxRecordBytes` of the data, in a loop of
            // their own: no refill or end test per record, and no error path to keep
            // registers for. It stops at the first record it does not take, which the
            // code below then decodes (or rejects) exactly as before.
            let limit = e &- Self.maxRecordBytes
            if p <= limit {
                let run = Self.shortAccesses(b, from: p, limit: limit, into: out, count: n, capacity: capacity,
                                             kinds: kinds, address: &address)
                if run.count != n {
                    (p, n, last) = (run.position, run.count, run.last)
                    continue
                }
            }
            guard p < e else { break }
            let opcode = b[p]
            let k = opcode &- 0x16
            guard k < kinds else { break }  // load, load dep, store (and their near forms)
            last = p
            let near = k >= 3
            let kind = near ? k &- 3 : k
            // Fast path: an operand of up to 8 varint bytes and a one-byte length, both
            // inside the data; anything else (and every error) goes through varint().
            let (operand, count) = Self.shortVarint(b + p + 1)
            let lengthByte = b[p &+ 1 &+ count]
            if count != 0 && lengthByte < 0x80 && p &+ 2 &+ count <= e {
                address = near ? address &+ BinaryFormat.unzigzag(operand) : operand
                out[n] = RawAccess(address: address, length: UInt32(lengthByte), isWrite: kind == 2,
                                   dependent: kind == 1)
                p &+= 2 &+ count
            } else {
                recordStart = p
                position = p &+ 1
                lastAddress = address
                let isStore = kind == 2
                address = try accessAddress(near: near, store: isStore)
                let length = try varint32(isStore ? "the length of a store" : "the length of a load")
                out[n] = RawAccess(address: address, length: length, isWrite: isStore, dependent: kind == 1)
                p = position
            }
            n &+= 1
        }
        recordStart = last  // `location`: the last access decoded
        position = p
        lastAddress = address
        return n
    }

    /// Decodes access records from `p` into `out[n...]` while each starts at or before
    /// `limit` (so all its bytes, and the 8 bytes ``shortVarint(_:)`` reads, lie in the data)
    /// and is one of the `kinds` access opcodes from 0x16 whose operand varint has at most
    /// 8 bytes and whose length is one byte: the form ``readAccesses(into:)`` decodes in
    /// line. `address` is the last access's, updated. Returns where it stopped, the new
    /// count and the start of the last record decoded.
    @inline(__always)
    static func shortAccesses(_ b: UnsafeMutablePointer<UInt8>, from start: Int, limit: Int,
                              into out: UnsafeMutablePointer<RawAccess>, count n0: Int, capacity: Int,
                              kinds: UInt8, address: inout UInt64)
        -> (position: Int, count: Int, last: Int) {
        var p = start, n = n0, last = start
        var a = address
        var tries = 4
        while n < capacity && p <= limit {
            let word = UInt64(littleEndian: UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self))
            let k = UInt8(truncatingIfNeeded: word) &- 0x16
            guard k < kinds else { break }
            let operand: UInt64, lengthByte: UInt64, size: Int
            if word & 0x80_8000 == 0 {
                // A one-byte operand and a one-byte length: a near step of under ±64 bytes
                // (a sequential pass), the common record of a raw-address trace.
                (operand, lengthByte, size) = (word &>> 8 & 0x7f, word &>> 16 & 0xff, 3)
            } else {
                let (value, count) = shortVarint(b + (p &+ 1))
                let byte = UInt64(b[p &+ 1 &+ count])
                guard count != 0 && byte < 0x80 else { break }
                (operand, lengthByte, size) = (value, byte, 2 &+ count)
            }
            let near = k >= 3
            let kind = near ? k &- 3 : k
            a = near ? a &+ BinaryFormat.unzigzag(operand) : operand
            let access = RawAccess(address: a, length: UInt32(truncatingIfNeeded: lengthByte), isWrite: kind == 2,
                                   dependent: kind == 1)
            out[n] = access
            last = p
            p &+= size
            n &+= 1
            // A run of records like this one may follow: checked here only by the next
            // record's opcode and the byte where its length is if its operand is this one's
            // size (two compares, so the loop's registers stay free; no call for a run of
            // none, mostly); `sameRecordRun` checks the rest.
            // After 4 tries in a row that decode under 16 records each, no more are tried in
            // this call: in a trace of mixed kinds and lengths each try costs a call and a
            // mispredicted exit (decoding alone measured 111 -> 70 M/s with them on every
            // record). A try may decline (the record after the next one differs), so one
            // short try alone does not stop them.
            guard tries > 0 && n < capacity && p <= limit && b[p] == UInt8(truncatingIfNeeded: word)
                    && UInt64(b[p &+ size &- 1]) == lengthByte else { continue }
            let run = sameRecordRun(b, from: p, limit: limit, like: word, size: size, template: access,
                                    into: out, count: n, capacity: capacity, address: &a)
            tries = run.count &- n >= 16 ? 4 : tries &- 1
            if run.count != n { (p, n, last) = run }
        }
        address = a
        return (p, n, last)
    }

    /// Decodes up to `count` records from `start` while each is a 3-byte near record with
    /// the opcode and length of `word` (the first 8 bytes of the record before them): stores
    /// each as `template` with its address (`address`, stepped and updated) in `out`, and
    /// returns how many. A record with `word`'s step too (a constant stride) costs one
    /// compare; another step one more and its unzigzag. Out of line, so its loop keeps
    /// everything in registers whatever the caller holds.
    @inline(never)
    static func nearRun(_ start: UnsafePointer<UInt8>, count: Int, like word: UInt64, address: inout UInt64,
                        template: RawAccess, into out: UnsafeMutablePointer<RawAccess>) -> Int {
        let exact = word & 0xFF_FFFF
        let shape = word & 0xFF_80FF
        let step = BinaryFormat.unzigzag(word &>> 8 & 0x7f)
        var a = address
        var i = 0
        defer { address = a }
        guard RawAccessSlot.fits else {
            while i < count {
                let next = UInt64(littleEndian: UnsafeRawPointer(start + 3 &* i).loadUnaligned(as: UInt64.self))
                guard next & 0xFF_80FF == shape else { break }
                a &+= BinaryFormat.unzigzag(next &>> 8 & 0x7f)
                out[i] = RawAccess(address: a, length: template.length, isWrite: template.isWrite,
                                   dependent: template.dependent)
                i &+= 1
            }
            return i
        }
        let tail = RawAccessSlot.tail(of: template)
        let slots = UnsafeMutableRawPointer(out)
        var p = start
        while i < count {
            let next = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            if next & 0xFF_FFFF == exact {
                a &+= step
            } else {
                guard next & 0xFF_80FF == shape else { break }
                a &+= BinaryFormat.unzigzag(next &>> 8 & 0x7f)
            }
            RawAccessSlot.store(address: a, tail: tail, at: slots + (i &* 16))
            p += 3
            i &+= 1
        }
        return i
    }

    /// Decodes the run of records like the one before `p` (its first 8 bytes `word`, its
    /// `size`, decoded as `template`) that starts at `p`, if any, into `out[n...]`:
    /// 3-byte near records with its step shape through ``nearRun(_:count:like:address:template:into:)``,
    /// others with its opcode and length through the varint runs. Returns where it
    /// stopped, the new count and the start of the last record decoded (`n` unchanged: none).
    @inline(never)
    static func sameRecordRun(_ b: UnsafeMutablePointer<UInt8>, from p: Int, limit: Int, like word: UInt64, size: Int,
                              template access: RawAccess, into out: UnsafeMutablePointer<RawAccess>,
                              count n: Int, capacity: Int, address a: inout UInt64)
        -> (position: Int, count: Int, last: Int) {
        let opcode = UInt8(truncatingIfNeeded: word)
        let near = opcode >= 0x19
        if near && size == 3 {
            let next = UInt64(littleEndian: UnsafeRawPointer(b + p).loadUnaligned(as: UInt64.self))
            guard next & 0xFF_80FF == word & 0xFF_80FF else { return (p, n, p) }
            // A run of 3-byte near records with this one's opcode and length (a pass over
            // an array): only the address changes.
            let count = min(capacity &- n, (limit &- p) / 3 &+ 1)  // the most that fit and start by `limit`
            let run = nearRun(b + p, count: count, like: word, address: &a, template: access, into: out + n)
            return (p &+ 3 &* run, n &+ run, p &+ 3 &* run &- 3)
        }
        // A run of records with this one's opcode and length whose operands vary in
        // length (random accesses): the general record without its per-kind choices.
        // Entered only if the record after the next one looks like it too (the caller
        // checked the next one alike): in a trace of mixed kinds and lengths, runs of one
        // record are common, and a call for one costs more than the general loop.
        let next = UInt64(littleEndian: UnsafeRawPointer(b + (p &+ 1)).loadUnaligned(as: UInt64.self))
        let stops = ~next & 0x8080_8080_8080_8080
        guard RawAccessSlot.fits && stops != 0 else { return (p, n, p) }
        let second = p &+ (stops.trailingZeroBitCount &>> 3) &+ 3  // (within the data: p <= limit)
        guard b[second] == opcode && b[second &+ size &- 1] == b[p &+ size &- 1] else { return (p, n, p) }
        let count = min(capacity &- n, (limit &- p) / maxShortRecordBytes &+ 1)
        let tail = RawAccessSlot.tail(of: access)
        let start = UnsafePointer(b + p)
        let run = near ? nearVarintRun(start, count: count, opcode: opcode, tail: tail, address: &a, into: out + n)
            : farVarintRun(start, count: count, opcode: opcode, tail: tail, address: &a, into: out + n)
        guard run.count > 0 else { return (p, n, p) }
        let end = p &+ (run.end - start)
        return (end, n &+ run.count, end &- varintRecordSize(endingAt: run.end))
    }

    /// The most bytes of a record the runs decode: an opcode, a varint of up to 8 bytes
    /// and a one-byte length.
    static let maxShortRecordBytes = 10

    /// Decodes up to `count` records from `start` while each is a near record with
    /// `opcode`, an operand varint of at most 8 bytes and the length in `tail` (one byte):
    /// stores each as `tail` with its address (`address`, stepped and updated) in `out`.
    /// Returns how many and where the next record starts.
    @inline(never)
    static func nearVarintRun(_ start: UnsafePointer<UInt8>, count: Int, opcode: UInt8, tail: UInt64,
                              address: inout UInt64, into out: UnsafeMutablePointer<RawAccess>)
        -> (count: Int, end: UnsafePointer<UInt8>) {
        varintRun(near: true, start, count: count, opcode: opcode, tail: tail, address: &address, into: out)
    }

    /// ``nearVarintRun(_:count:opcode:tail:address:into:)`` for far records (an address
    /// operand, not a difference): a version 1 trace's random accesses.
    @inline(never)
    static func farVarintRun(_ start: UnsafePointer<UInt8>, count: Int, opcode: UInt8, tail: UInt64,
                             address: inout UInt64, into out: UnsafeMutablePointer<RawAccess>)
        -> (count: Int, end: UnsafePointer<UInt8>) {
        varintRun(near: false, start, count: count, opcode: opcode, tail: tail, address: &address, into: out)
    }

    /// The loop of the varint runs. Per record: one 8-byte load of the operand, its stop
    /// byte found as the lowest clear high bit (a trailing-zero count), the length byte
    /// compared where that puts it, and the operand's 7-bit groups squeezed together
    /// (``operand(_:stops:)``). Every record starts within `count` ×
    /// ``maxShortRecordBytes`` of `start`, which the caller keeps at or before its limit:
    /// all bytes read lie in the data. (A 16-bit compare of the length byte with the next
    /// opcode instead of two byte compares measured slower: the compiler then ran out of
    /// registers for the masks.)
    @inline(__always)
    static func varintRun(near: Bool, _ start: UnsafePointer<UInt8>, count: Int, opcode: UInt8, tail: UInt64,
                          address: inout UInt64, into out: UnsafeMutablePointer<RawAccess>)
        -> (count: Int, end: UnsafePointer<UInt8>) {
        let length = UInt8(truncatingIfNeeded: tail)
        let slots = UnsafeMutableRawPointer(out)
        let slotsEnd = slots + count &* 16
        var slot = slots
        var q = start
        var a = address
        while slot < slotsEnd {
            guard q.pointee == opcode else { break }
            let v = UInt64(littleEndian: UnsafeRawPointer(q + 1).loadUnaligned(as: UInt64.self))
            let stops = ~v & 0x8080_8080_8080_8080
            guard stops != 0 else { break }  // 9 or 10 bytes: the checked path's
            let tail8 = stops.trailingZeroBitCount &>> 3  // the operand's bytes - 1
            guard q[tail8 &+ 2] == length else { break }
            let x = operand(v, stops: stops)
            a = near ? a &+ BinaryFormat.unzigzag(x) : x
            RawAccessSlot.store(address: a, tail: tail, at: slot)
            slot += 16
            q += tail8 &+ 3
        }
        address = a
        return ((slot - slots) &>> 4, q)
    }

    /// The varint in the low bytes of `v`, whose stop byte is the lowest marked in `stops`
    /// (`~v & 0x8080…80`, not 0): the bytes after it masked off, then the 7-bit groups
    /// squeezed together in three shift-and-mask steps (pairs, fours, eights).
    @inlinable @inline(__always)
    static func operand(_ v: UInt64, stops: UInt64) -> UInt64 {
        var x = v & (stops ^ (stops &- 1)) & 0x7f7f_7f7f_7f7f_7f7f
        x = (x & 0x007f_007f_007f_007f) | ((x & 0x7f00_7f00_7f00_7f00) &>> 1)
        x = (x & 0x0000_3fff_0000_3fff) | ((x & 0x3fff_0000_3fff_0000) &>> 2)
        return (x & 0x0000_0000_0fff_ffff) | ((x & 0x0fff_ffff_0000_0000) &>> 4)
    }

    /// The size of the access record that ends at `end` (an opcode, a varint, a one-byte
    /// length): its varint's bytes before the last have the high bit set, its opcode not.
    static func varintRecordSize(endingAt end: UnsafePointer<UInt8>) -> Int {
        var size = 3
        while (end - size).pointee >= 0x80 { size &+= 1 }
        return size
    }

    /// The varint at `start` if it has at most 8 bytes, and its byte count; count 0 when
    /// it is longer (the caller's slow path decodes or rejects it). Reads 8 bytes, which
    /// the buffer's padding allows; the caller checks the count against the data's end.
    @inlinable @inline(__always)
    static func shortVarint(_ start: UnsafePointer<UInt8>) -> (value: UInt64, count: Int) {
        let word = UInt64(littleEndian: UnsafeRawPointer(start).loadUnaligned(as: UInt64.self))
        let stops = ~word & 0x8080_8080_8080_8080
        guard stops != 0 else { return (0, 0) }
        return (operand(word, stops: stops), (stops.trailingZeroBitCount &+ 1) >> 3)
    }

    /// Decodes a record other than the heap and goroutine records of `next()`.
    @inline(never)
    private mutating func rareRecord(_ opcode: UInt8, goroutine g: UInt32) throws(TraceError) -> TraceRecord {
        switch opcode {
        case 0x20:
            return TraceRecord(goroutine: g, .declareFile(name: try symbol("the name of a file"),
                size: try varint("the size of a file"), cachedBytes: try varint("the cached bytes of a file")))
        case 0x21:
            return TraceRecord(goroutine: g, .open(fd: try varint32("the fd of an open"),
                name: try symbol("the name of an open")))
        case 0x22:
            return TraceRecord(goroutine: g, .close(fd: try varint32("the fd of a close")))
        case 0x23:
            return TraceRecord(goroutine: g, .readFile(fd: try varint32("the fd of a readfile"),
                fileOffset: try varint("the file offset of a readfile"), id: try varint("the id of a readfile"),
                offset: try varint("the offset of a readfile"), length: try varint("the length of a readfile")))
        case 0x24:
            return TraceRecord(goroutine: g, try mmap())
        case 0x25:
            return TraceRecord(goroutine: g, .munmap(id: try varint("the id of a munmap"),
                offset: try varint("the offset of a munmap"), length: try varint("the length of a munmap")))
        case 0x26:
            return TraceRecord(goroutine: g, .madvise(id: try varint("the id of a madvise"),
                offset: try varint("the offset of a madvise"), length: try varint("the length of a madvise"),
                advice: try advice()))
        case 0x27:
            return TraceRecord(goroutine: g, .mprotect(id: try varint("the id of a mprotect"),
                offset: try varint("the offset of a mprotect"), length: try varint("the length of a mprotect"),
                protection: try protection("the protection of a mprotect")))
        case 0x30: return TraceRecord(goroutine: g, .gc)
        case 0x31:
            let zigzag = try varint("the percent of a setgogc")
            guard zigzag <= UInt32.max else {
                throw error("a 32-bit zigzag percent", found: "\(zigzag)", at: recordStart + 1)
            }
            let percent = Int32(truncatingIfNeeded: zigzag >> 1) ^ (0 &- Int32(truncatingIfNeeded: zigzag & 1))
            return TraceRecord(goroutine: g, .setGCPercent(percent))
        case 0x32: return TraceRecord(goroutine: g, .setGCPercent(nil))
        case 0x33: return TraceRecord(goroutine: g, .setMemoryLimit(try varint("the bytes of a setmemlimit")))
        case 0x34: return TraceRecord(goroutine: g, .setMemoryLimit(nil))
        case 0x35: return TraceRecord(goroutine: g, .freeOSMemory)
        case 0x36: return TraceRecord(goroutine: g, .globals(bytes: try varint("the bytes of a globals")))
        case 0x37: return TraceRecord(goroutine: g, .compute(ns: try varint("the duration of a compute")))
        case 0x38: return TraceRecord(goroutine: g, .sleep(ns: try varint("the duration of a sleep")))
        case 0x39: return TraceRecord(goroutine: g, .spawn(goroutine: try varint32("the goroutine of a go")))
        case 0x3a: return TraceRecord(goroutine: g, .exit)
        case 0x3b: return TraceRecord(goroutine: g, .checkpoint(label: try symbol("the label of a checkpoint")))
        default:
            throw error("an opcode", found: "unknown opcode 0x\(String(opcode, radix: 16))", at: recordStart)
        }
    }

    // MARK: Buffer

    /// Refills, keeping the bytes from the current record's start (its location stays valid).
    private mutating func refill() throws(TraceError) {
        let keep = min(recordStart, position)
        end = try buffer.refill(keeping: keep, end: end)
        base = buffer.base
        baseOffset += UInt64(keep)
        recordStart -= keep
        position -= keep
        inputEnded = buffer.atEnd
        updateFastLimit()
    }

    private mutating func updateFastLimit() {
        fastLimit = state == .records ? end - Self.maxRecordBytes : -1
    }

    private func error(_ expected: String, found: String, at index: Int) -> TraceError {
        .expected(expected, found: found, at: .byte(file: origin, offset: baseOffset + UInt64(index)))
    }

    private mutating func readHeader() throws(TraceError) {
        let magic = BinaryFormat.magic
        while end < magic.count + 10 && !inputEnded { try refill() }
        guard end >= magic.count, memcmp(base, magic, magic.count) == 0 else {
            let shown = (0..<min(end, magic.count)).map { String(format2: base[$0]) }.joined(separator: " ")
            throw error("the .gmtb magic 89 47 4d 54 42 0d 0a 1a", found: shown.isEmpty ? "end of file" : shown, at: 0)
        }
        position = magic.count
        let versionStart = position
        let version = try varint("the format version")
        guard version >= BinaryFormat.oldestReadableVersion && version <= BinaryFormat.version else {
            throw error("format version \(BinaryFormat.oldestReadableVersion)-\(BinaryFormat.version)",
                        found: "version \(version)", at: versionStart)
        }
        accessOpcodes = version >= 2 ? 6 : 3
        state = .records
        updateFastLimit()
    }

    private mutating func expectEndOfFile() throws(TraceError) {
        if position == end && !inputEnded { try refill() }
        guard position == end else {
            throw error("end of file after the end record", found: "byte 0x\(String(format2: base[position]))", at: position)
        }
        state = .finished
        updateFastLimit()
    }

    // MARK: Operands

    /// An unsigned LEB128 varint of at most 10 bytes. Up to 8 bytes (values below
    /// 2^56) decode without a loop or a branch per byte: load 8 bytes, find the first
    /// byte whose continuation bit is clear, mask, and squeeze out the continuation
    /// bits in three shift-and-mask steps. The buffer is padded
    /// (``InputBuffer/padding``), so the load may overrun the data; one check after
    /// the fact catches a varint that runs past the end.
    @inline(__always)
    private mutating func varint(_ what: StaticString) throws(TraceError) -> UInt64 {
        let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
        // One byte (offsets, short lengths): each call site mostly sees one length, so
        // this branch predicts well.
        if word & 0x80 == 0 {
            guard position < end else { throw truncated(what, at: end) }
            position += 1
            return word & 0x7f
        }
        let (value, count) = Self.shortVarint(base + position)
        guard count != 0 else { return try longVarint(what) }
        guard position + count <= end else { throw truncated(what, at: end) }
        position += count
        return value
    }

    @inline(never)
    private mutating func longVarint(_ what: StaticString) throws(TraceError) -> UInt64 {
        let start = base + position
        var value: UInt64 = 0
        var count = 0
        var byte: UInt8
        repeat {
            byte = start[count]
            value |= UInt64(byte & 0x7f) << (7 * UInt64(count))
            count += 1
        } while byte >= 0x80 && count < 10
        guard position + count <= end else { throw truncated(what, at: end) }
        // The tenth byte may hold bit 63 only.
        guard byte < 0x80 && (count < 10 || byte <= 1) else { throw overlongVarint(what, at: position) }
        position += count
        return value
    }

    @inline(never)
    private func truncated(_ what: StaticString, at index: Int) -> TraceError {
        error("\(what)", found: "end of file", at: index)
    }

    @inline(never)
    private func overlongVarint(_ what: StaticString, at index: Int) -> TraceError {
        error("\(what) (a varint below 2^64)", found: "a longer varint", at: index)
    }

    /// The address of a load or store record (`near`: its zigzag difference from the last
    /// access's), which becomes the last access's.
    @inline(__always)
    private mutating func accessAddress(near: Bool, store: Bool) throws(TraceError) -> UInt64 {
        let operand = store ? try varint(near ? "the address difference of a store" : "the address of a store")
            : try varint(near ? "the address difference of a load" : "the address of a load")
        lastAddress = near ? lastAddress &+ BinaryFormat.unzigzag(operand) : operand
        return lastAddress
    }

    @inline(__always)
    private mutating func varint32(_ what: StaticString) throws(TraceError) -> UInt32 {
        let start = position
        let value = try varint(what)
        guard value <= UInt32.max else { throw error("\(what) below 2^32", found: "\(value)", at: start) }
        return UInt32(value)
    }

    private mutating func byte(_ what: StaticString) throws(TraceError) -> UInt8 {
        guard position < end else { throw error("\(what)", found: "end of file", at: position) }
        defer { position += 1 }
        return base[position]
    }

    private mutating func protection(_ what: StaticString) throws(TraceError) -> Protection {
        let bits = try byte(what)
        guard bits <= 7 else { throw error("\(what) (0-7)", found: "\(bits)", at: position - 1) }
        return Protection(rawValue: bits)
    }

    private mutating func advice() throws(TraceError) -> Advice {
        let value = try byte("the advice of a madvise")
        guard let advice = Advice(rawValue: value) else {
            throw error("the advice of a madvise (1-5)", found: "\(value)", at: position - 1)
        }
        return advice
    }

    private mutating func mmap() throws(TraceError) -> TraceEvent {
        let id = try varint("the id of a mmap")
        let length = try varint("the length of a mmap")
        let protection = try protection("the protection of a mmap")
        let bits = try byte("the flags of a mmap")
        let known = BinaryFormat.mmapShared | BinaryFormat.mmapPopulate | BinaryFormat.mmapHasFile
        guard bits & ~known == 0 else {
            throw error("the flags of a mmap (bits 0x\(String(known, radix: 16)))", found: "0x\(String(format2: bits))",
                        at: position - 1)
        }
        var flags: MapFlags = []
        if bits & BinaryFormat.mmapShared != 0 { flags.insert(.shared) }
        if bits & BinaryFormat.mmapPopulate != 0 { flags.insert(.populate) }
        guard bits & BinaryFormat.mmapHasFile != 0 else {
            return .mmap(id: id, length: length, protection: protection, flags: flags.union(.anonymous), fd: nil, fileOffset: 0)
        }
        return .mmap(id: id, length: length, protection: protection, flags: flags,
                     fd: try varint32("the fd of a mmap"), fileOffset: try varint("the file offset of a mmap"))
    }

    private mutating func symbol(_ what: StaticString) throws(TraceError) -> Symbol {
        let start = position
        let index = try varint(what)
        guard index < UInt64(fileSymbols.count) else {
            throw error("\(what) (a symbol index below \(fileSymbols.count))", found: "index \(index)", at: start)
        }
        return fileSymbols[Int(index)]
    }

    private mutating func readSymbol() throws(TraceError) {
        let lengthStart = position
        let length = try varint("the length of a symbol")
        guard length <= UInt64(BinaryFormat.maxSymbolBytes) else {
            throw error("a symbol of at most \(BinaryFormat.maxSymbolBytes) bytes", found: "\(length) bytes", at: lengthStart)
        }
        let count = Int(length)
        while end - position < count && !inputEnded { try refill() }
        guard end - position >= count else {
            throw error("\(count) bytes of symbol text", found: "end of file after \(end - position)", at: end)
        }
        let bytes = UnsafeBufferPointer(start: base + position, count: count)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw error("a symbol in UTF-8", found: "invalid UTF-8", at: position)
        }
        position += count
        fileSymbols.append(symbols.intern(text))
    }
}

extension String {
    /// A byte as two lowercase hex digits.
    init(format2 byte: UInt8) {
        self = (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``RawAccess`` stored as two words, the address and the 8 bytes after it (the length,
/// the flags and padding), when its layout allows (``fits``): a run of accesses that
/// differ only in address then costs two stores an access, not one per field.
enum RawAccessSlot {
    /// Whether a ``RawAccess`` is its address at offset 0, its length at 8 and its flags at
    /// 12 and 13, in 16 bytes (Swift lays stored properties out in order; checked, not
    /// assumed), on a little-endian host.
    static let fits = 1.littleEndian == 1 && MemoryLayout<RawAccess>.stride == 16 && MemoryLayout<RawAccess>.offset(of: \.address) == 0
        && MemoryLayout<RawAccess>.offset(of: \.length) == 8 && MemoryLayout<RawAccess>.offset(of: \.isWrite) == 12
        && MemoryLayout<RawAccess>.offset(of: \.dependent) == 13

    /// The second word of `access`'s slot (when ``fits``).
    @inline(__always)
    static func tail(of access: RawAccess) -> UInt64 {
        UInt64(access.length) | (access.isWrite ? 1 &<< 32 : 0) | (access.dependent ? 1 &<< 40 : 0)
    }

    /// Stores an access of `address` whose other fields are `tail` at `slot` (when ``fits``).
    @inline(__always)
    static func store(address: UInt64, tail: UInt64, at slot: UnsafeMutableRawPointer) {
        slot.storeBytes(of: address, as: UInt64.self)
        slot.storeBytes(of: tail, toByteOffset: 8, as: UInt64.self)
    }
}
