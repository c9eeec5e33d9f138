/// The layout of the `.gmtb` binary trace (see `schemas/trace-format.md`): an 8-byte
/// magic, the format version as a LEB128 varint, then records, each one opcode byte
/// followed by its operands as unsigned LEB128 varints (single bytes for
/// protection, flags and advice), and a final end record.
///
/// A load or store whose address lies near the previous access's is written as a
/// *near* record: the zigzag difference from that address instead of the address
/// (version 2), so a sequential pass costs three bytes an access, not nine.
///
/// Strings are defined once by a symbol record before the first record that uses
/// them and referred to by their index in order of definition. The goroutine of the
/// records that follow changes only through a goroutine record (it starts at 0).
@usableFromInline enum BinaryFormat {
    /// `\x89GMTB\r\n\x1a`: a non-ASCII first byte so no text trace starts like it,
    /// and CR LF / ^Z to detect text-mode mangling (the PNG signature's trick).
    static let magic: [UInt8] = [0x89, 0x47, 0x4d, 0x54, 0x42, 0x0d, 0x0a, 0x1a]
    /// The version written. Version 1 files (no near records) are still read.
    static let version: UInt64 = 2
    static let oldestReadableVersion: UInt64 = 1
    /// The longest string a symbol record may carry; longer means corrupt input.
    static let maxSymbolBytes = 1 << 20

    /// Record opcodes. Variants that differ by one boolean get their own opcode
    /// (alloc scan/noscan, read plain/dep) so the hottest records stay three varints.
    enum Opcode: UInt8 {
        case end = 0x00
        case symbol = 0x01        // length, UTF-8 bytes
        case goroutine = 0x02     // goroutine
        case allocScan = 0x10     // id, size
        case allocNoScan = 0x11   // id, size
        case free = 0x12          // id
        case read = 0x13          // id, offset, length
        case readDependent = 0x14 // id, offset, length
        case write = 0x15         // id, offset, length
        case load = 0x16          // address, length
        case loadDependent = 0x17 // address, length
        case store = 0x18         // address, length
        case loadNear = 0x19          // zigzag(address - previous access address), length (version 2)
        case loadDependentNear = 0x1a // likewise
        case storeNear = 0x1b         // likewise
        case declareFile = 0x20   // symbol, size, cachedBytes
        case open = 0x21          // fd, symbol
        case close = 0x22         // fd
        case readFile = 0x23      // fd, fileOffset, id, offset, length
        case mmap = 0x24          // id, length, protection byte, flags byte [, fd, fileOffset]
        case munmap = 0x25        // id, offset, length
        case madvise = 0x26       // id, offset, length, advice byte
        case mprotect = 0x27      // id, offset, length, protection byte
        case gc = 0x30
        case setGCPercent = 0x31  // zigzag-encoded percent
        case setGCOff = 0x32
        case setMemoryLimit = 0x33 // bytes
        case setMemoryLimitNone = 0x34
        case freeOSMemory = 0x35
        case globals = 0x36       // bytes
        case compute = 0x37       // ns
        case sleep = 0x38         // ns
        case spawn = 0x39         // goroutine
        case exit = 0x3a
        case checkpoint = 0x3b    // symbol
    }

    /// The zigzag form of a signed difference (`0, -1, 1, -2, …` → `0, 1, 2, 3, …`), so a
    /// small step either way is a short varint.
    @inline(__always)
    static func zigzag(_ delta: UInt64) -> UInt64 {
        delta &<< 1 ^ UInt64(bitPattern: Int64(bitPattern: delta) &>> 63)
    }

    /// The difference back from ``zigzag(_:)``.
    @inlinable @inline(__always)
    static func unzigzag(_ value: UInt64) -> UInt64 {
        value &>> 1 ^ (0 &- (value & 1))
    }

    /// Bits of the mmap flags byte. Anonymous is not stored: it is exactly "no fd".
    static let mmapShared: UInt8 = 1
    static let mmapPopulate: UInt8 = 4
    static let mmapHasFile: UInt8 = 8
}
