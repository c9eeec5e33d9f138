/// Writes records as a `.gmtb` binary trace (layout in ``BinaryFormat`` and
/// `schemas/trace-format.md`). It emits a symbol record the first time a string is
/// used and a goroutine record only when the goroutine changes; ``finish()`` appends
/// the end record a reader needs to tell a complete file from a truncated one.
///
/// The writer appends to ``bytes``; the caller drains them (``TraceFileWriter`` does
/// this for files). The header is written on creation.
public struct BinaryTraceWriter {
    public private(set) var bytes: [UInt8] = []
    /// Source symbol index → index in this file + 1 (0: not yet defined).
    private var fileSymbols: [UInt32] = []
    private var definedSymbols: UInt32 = 0
    private var goroutine: UInt32 = 0
    /// The address of the last load or store written: near records count from it.
    private var lastAddress: UInt64 = 0
    public private(set) var isFinished = false

    public init() {
        bytes.reserveCapacity(1 << 16)
        bytes.append(contentsOf: BinaryFormat.magic)
        varint(BinaryFormat.version)
    }

    /// Hands over the bytes written so far and starts a new batch.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    public mutating func removeAllBytes() { bytes.removeAll(keepingCapacity: true) }

    /// Appends the end record; nothing may be written after it.
    public mutating func finish() {
        guard !isFinished else { return }
        op(.end)
        isFinished = true
    }

    /// Appends one record (preceded by a goroutine record or symbol records when needed).
    public mutating func write(_ record: TraceRecord, symbols: SymbolTable) throws(TraceWriteError) {
        guard !isFinished else { throw TraceWriteError("record written after the end of the trace") }
        // Symbols first: their definitions must precede the record that uses them.
        var symbolIndices: (UInt32, Bool) = (0, false)
        switch record.event {
        case let .declareFile(name, _, _), let .open(_, name), let .checkpoint(name):
            symbolIndices = (try define(name, symbols), true)
        default: break
        }
        if record.goroutine != goroutine {
            op(.goroutine)
            varint(UInt64(record.goroutine))
            goroutine = record.goroutine
        }
        let symbol = UInt64(symbolIndices.0)
        switch record.event {
        case let .alloc(id, size, scan):
            op(scan ? .allocScan : .allocNoScan); varint(id); varint(size)
        case let .free(id):
            op(.free); varint(id)
        case let .read(id, offset, length, dependent):
            op(dependent ? .readDependent : .read); varint(id); varint(offset); varint(length)
        case let .write(id, offset, length):
            op(.write); varint(id); varint(offset); varint(length)
        case let .load(address, length, dependent):
            access(address, length, dependent ? (.loadDependent, .loadDependentNear) : (.load, .loadNear))
        case let .store(address, length):
            access(address, length, (.store, .storeNear))
        case let .declareFile(_, size, cachedBytes):
            op(.declareFile); varint(symbol); varint(size); varint(cachedBytes)
        case let .open(fd, _):
            op(.open); varint(UInt64(fd)); varint(symbol)
        case let .close(fd):
            op(.close); varint(UInt64(fd))
        case let .readFile(fd, fileOffset, id, offset, length):
            op(.readFile); varint(UInt64(fd)); varint(fileOffset); varint(id); varint(offset); varint(length)
        case let .mmap(id, length, protection, flags, fd, fileOffset):
            op(.mmap); varint(id); varint(length); bytes.append(protection.rawValue & 7)
            var bits: UInt8 = 0
            if flags.contains(.shared) { bits |= BinaryFormat.mmapShared }
            if flags.contains(.populate) { bits |= BinaryFormat.mmapPopulate }
            if fd != nil { bits |= BinaryFormat.mmapHasFile }
            bytes.append(bits)
            if let fd { varint(UInt64(fd)); varint(fileOffset) }
        case let .munmap(id, offset, length):
            op(.munmap); varint(id); varint(offset); varint(length)
        case let .madvise(id, offset, length, advice):
            op(.madvise); varint(id); varint(offset); varint(length); bytes.append(advice.rawValue)
        case let .mprotect(id, offset, length, protection):
            op(.mprotect); varint(id); varint(offset); varint(length); bytes.append(protection.rawValue & 7)
        case .gc:
            op(.gc)
        case let .setGCPercent(percent):
            if let percent {
                op(.setGCPercent)
                varint(UInt64(UInt32(bitPattern: (percent << 1) ^ (percent >> 31))))  // zigzag
            } else {
                op(.setGCOff)
            }
        case let .setMemoryLimit(limit):
            if let limit { op(.setMemoryLimit); varint(limit) } else { op(.setMemoryLimitNone) }
        case .freeOSMemory:
            op(.freeOSMemory)
        case let .globals(bytes):
            op(.globals); varint(bytes)
        case let .compute(ns):
            op(.compute); varint(ns)
        case let .sleep(ns):
            op(.sleep); varint(ns)
        case let .spawn(goroutine):
            op(.spawn); varint(UInt64(goroutine))
        case .exit:
            op(.exit)
        case .checkpoint:
            op(.checkpoint); varint(symbol)
        }
    }

    /// The file index of `symbol`, emitting its definition the first time.
    private mutating func define(_ symbol: Symbol, _ symbols: SymbolTable) throws(TraceWriteError) -> UInt32 {
        let index = Int(symbol.index)
        guard index < symbols.count else {
            throw TraceWriteError("symbol \(symbol.index) is not in the symbol table (\(symbols.count) strings)")
        }
        if index >= fileSymbols.count { fileSymbols.append(contentsOf: repeatElement(0, count: index + 1 - fileSymbols.count)) }
        if fileSymbols[index] != 0 { return fileSymbols[index] - 1 }
        let text = symbols[symbol].utf8
        guard text.count <= BinaryFormat.maxSymbolBytes else {
            throw TraceWriteError("string of \(text.count) bytes is longer than the binary format's \(BinaryFormat.maxSymbolBytes)")
        }
        op(.symbol)
        varint(UInt64(text.count))
        bytes.append(contentsOf: text)
        definedSymbols += 1
        fileSymbols[index] = definedSymbols
        return definedSymbols - 1
    }

    /// A load or store: the near form when the difference from the last access's address
    /// is the shorter varint (a step within ±2^48 of an address above 2^48, say).
    private mutating func access(_ address: UInt64, _ length: UInt32,
                                 _ opcodes: (far: BinaryFormat.Opcode, near: BinaryFormat.Opcode)) {
        let delta = BinaryFormat.zigzag(address &- lastAddress)
        lastAddress = address
        if Self.varintBytes(delta) < Self.varintBytes(address) {
            op(opcodes.near); varint(delta)
        } else {
            op(opcodes.far); varint(address)
        }
        varint(UInt64(length))
    }

    private mutating func op(_ opcode: BinaryFormat.Opcode) { bytes.append(opcode.rawValue) }

    /// The bytes ``varint(_:)`` writes for `value`.
    static func varintBytes(_ value: UInt64) -> Int { max(1, (64 - value.leadingZeroBitCount + 6) / 7) }

    /// Unsigned LEB128: seven bits per byte, low bits first, high bit set on all but the last.
    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
