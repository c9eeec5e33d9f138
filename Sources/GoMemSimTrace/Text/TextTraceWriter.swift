/// Writes records as a `.gmt` text trace in its one canonical spelling, so that
/// text → parse → write → parse → write reaches a fixed point after one pass:
///
/// - sizes, offsets and lengths: the largest of `TiB`, `GiB`, `MiB`, `KiB` that divides
///   the value exactly (`4KiB`, `600MiB`), else plain decimal (`0`, `1536`);
/// - addresses (`load`, `store`): lowercase hex (`0x7f3a1000`);
/// - durations: the largest of `s`, `ms`, `us`, `ns` that divides exactly (`0ns`, `15us`);
/// - ids, file descriptors, goroutines: decimal; goroutine 0 gets no `g0` prefix;
/// - strings: double-quoted, escaping `"` `\` newline tab and other control bytes;
/// - one space between tokens, no comments, `\n` line ends.
///
/// The writer appends to ``bytes``; the caller drains them (``TraceFileWriter`` does
/// this for files). The header is written on creation.
public struct TextTraceWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {
        bytes.reserveCapacity(1 << 16)
        append("\(TextSyntax.magic) \(TextSyntax.version)\n")
    }

    /// Hands over the bytes written so far and starts a new batch.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    public mutating func removeAllBytes() { bytes.removeAll(keepingCapacity: true) }

    /// Appends one record as a line. `symbols` is the table its symbols refer to.
    public mutating func write(_ record: TraceRecord, symbols: SymbolTable) throws(TraceWriteError) {
        if record.goroutine != 0 {
            bytes.append(0x67)  // g
            decimal(UInt64(record.goroutine))
        }
        switch record.event {
        case let .alloc(id, size, scan):
            word("alloc"); decimal(id); self.size(size); word(scan ? "scan" : "noscan")
        case let .free(id):
            word("free"); decimal(id)
        case let .read(id, offset, length, dependent):
            word("read"); decimal(id); size(offset); size(length)
            if dependent { word("dep") }
        case let .write(id, offset, length):
            word("write"); decimal(id); size(offset); size(length)
        case let .load(address, length, dependent):
            word("load"); hex(address); size(UInt64(length))
            if dependent { word("dep") }
        case let .store(address, length):
            word("store"); hex(address); size(UInt64(length))
        case let .declareFile(name, size, cachedBytes):
            word("file"); try string(name, symbols); self.size(size); word("cached"); self.size(cachedBytes)
        case let .open(fd, name):
            word("open"); decimal(UInt64(fd)); try string(name, symbols)
        case let .close(fd):
            word("close"); decimal(UInt64(fd))
        case let .readFile(fd, fileOffset, id, offset, length):
            word("readfile"); decimal(UInt64(fd)); size(fileOffset); decimal(id); size(offset); size(length)
        case let .mmap(id, length, protection, flags, fd, fileOffset):
            word("mmap"); decimal(id); size(length); word(TextSyntax.spell(protection))
            word(flags.contains(.shared) ? "shared" : "private")
            if flags.contains(.populate) { word("populate") }
            // An anonymous mapping has no file offset to print (TraceEvent.mmap, MAP_ANONYMOUS).
            if let fd { decimal(UInt64(fd)); size(fileOffset) }
        case let .munmap(id, offset, length):
            word("munmap"); decimal(id); size(offset); size(length)
        case let .madvise(id, offset, length, advice):
            word("madvise"); decimal(id); size(offset); size(length); word(advice.name)
        case let .mprotect(id, offset, length, protection):
            word("mprotect"); decimal(id); size(offset); size(length); word(TextSyntax.spell(protection))
        case .gc:
            word("gc")
        case let .setGCPercent(percent):
            word("setgogc")
            if let percent { word(String(percent)) } else { word("off") }
        case let .setMemoryLimit(limit):
            word("setmemlimit")
            if let limit { size(limit) } else { word("none") }
        case .freeOSMemory:
            word("freeosmemory")
        case let .globals(bytes):
            word("globals"); size(bytes)
        case let .compute(ns):
            word("compute"); duration(ns)
        case let .sleep(ns):
            word("sleep"); duration(ns)
        case let .spawn(goroutine):
            word("go"); decimal(UInt64(goroutine))
        case .exit:
            word("exit")
        case let .checkpoint(label):
            word("checkpoint"); try string(label, symbols)
        }
        bytes[bytes.count - 1] = 0x0a  // the last token's separator ends the line
    }

    // MARK: Tokens (each followed by one space)

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func word(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        bytes.append(0x20)
    }

    private mutating func word(_ text: String) {
        append(text)
        bytes.append(0x20)
    }

    private mutating func digits(_ value: UInt64, radix: UInt64) {
        // Up to 20 decimal digits, written backwards into a stack tuple.
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var index = buffer.count
            var rest = value
            repeat {
                index -= 1
                let digit = UInt8(truncatingIfNeeded: rest % radix)
                buffer[index] = digit < 10 ? 0x30 + digit : 0x61 + digit - 10
                rest /= radix
            } while rest != 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    private mutating func decimal(_ value: UInt64) {
        digits(value, radix: 10)
        bytes.append(0x20)
    }

    private mutating func hex(_ value: UInt64) {
        bytes.append(0x30); bytes.append(0x78)  // 0x
        digits(value, radix: 16)
        bytes.append(0x20)
    }

    private mutating func size(_ value: UInt64) {
        if value != 0 {
            for unit in TextSyntax.sizeUnits where value & (1 << unit.shift - 1) == 0 {
                digits(value >> unit.shift, radix: 10)
                word(unit.name)
                return
            }
        }
        decimal(value)
    }

    private mutating func duration(_ ns: UInt64) {
        for unit in TextSyntax.durationUnits where ns % unit.ns == 0 && (ns != 0 || unit.ns == 1) {
            digits(ns / unit.ns, radix: 10)
            word(unit.name)
            return
        }
    }

    private mutating func string(_ symbol: Symbol, _ symbols: SymbolTable) throws(TraceWriteError) {
        guard Int(symbol.index) < symbols.count else {
            throw TraceWriteError("symbol \(symbol.index) is not in the symbol table (\(symbols.count) strings)")
        }
        bytes.append(0x22)
        for byte in symbols[symbol].utf8 {
            switch byte {
            case 0x22: bytes.append(0x5c); bytes.append(0x22)
            case 0x5c: bytes.append(0x5c); bytes.append(0x5c)
            case 0x0a: bytes.append(0x5c); bytes.append(0x6e)
            case 0x09: bytes.append(0x5c); bytes.append(0x74)
            case 0..<0x20, 0x7f:
                bytes.append(0x5c); bytes.append(0x78)
                let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hexDigits[Int(byte >> 4)]); bytes.append(hexDigits[Int(byte & 15)])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
        bytes.append(0x20)
    }
}
