/// The one-pass parser for the lines that make up nearly all of a trace: `alloc`,
/// `free`, `read`, `write`, `load`, `store` and `compute`, with an optional goroutine
/// prefix, in the spelling ``TextTraceWriter`` produces (and the common variants a
/// person would type: extra blanks, `\r\n`, a trailing comment, `B`-less sizes).
///
/// It walks the line once, from its first byte to its newline, without first finding
/// the newline: every scan stops at a byte of a known class, and the reader keeps a
/// `\n` sentinel just past its data (`base[end]`, in the buffer's padding), so no scan
/// needs a bounds check. Numbers are read eight digits at a time (one load and three
/// multiplies, no branch per digit); keywords are one 8-byte load compared with the
/// keyword and the blank after it.
///
/// It never reports an error: anything it does not recognise, or a line that reaches
/// the sentinel (it continues in the next chunk, or the input has no final newline),
/// returns `nil`, and the reader parses the line again with ``TextLineParser``, which
/// accepts exactly the same language and words every error. So this path may decline
/// any line, but must only accept a line the general parser accepts, with the same
/// record; `TextFastPathTests` checks the two agree on valid and broken lines.
enum TextFastPath {
    /// The record on the line starting at `line` and the start of the next line, or nil
    /// when the general parser must decide. `end` is where the data ends; `end[0]` must
    /// be the `\n` sentinel, and the 7 bytes after it readable (an 8-byte load may start
    /// at the sentinel; ``InputBuffer/padding`` is 16).
    @inline(__always)
    static func record(at line: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)
        -> (record: TraceRecord, next: UnsafePointer<UInt8>)? {
        var p = line
        var goroutine: UInt32 = 0
        // `g3 …`: `g` and a digit (`gc` is a keyword); up to 10 digits, below 2^32.
        if p[0] == 0x67 && p[1] &- 0x30 < 10 {
            guard let (value, after) = decimal(p + 1), after - p <= 11, value <= UInt32.max,
                  after[0] == 0x20 || after[0] == 0x09 else { return nil }
            goroutine = UInt32(truncatingIfNeeded: value)
            p = skipBlanks(after)
        }
        // The keyword and the blank after it, as little-endian bytes ('r' = 0x72 lowest).
        let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        let event: TraceEvent
        switch UInt32(truncatingIfNeeded: word) {
        case 0x6461_6572 where word & 0xff_ffff_ffff == 0x20_6461_6572:  // "read "
            guard let id = decimalOperand(&p, skipping: 5), let offset = size(&p), let length = size(&p) else { return nil }
            guard let dependent = dependentFlag(&p) else { return nil }
            event = .read(id: id, offset: offset, length: length, dependent: dependent)
        case 0x7469_7277 where word & 0xffff_ffff_ffff == 0x2065_7469_7277:  // "write "
            guard let id = decimalOperand(&p, skipping: 6), let offset = size(&p), let length = size(&p) else { return nil }
            event = .write(id: id, offset: offset, length: length)
        case 0x6f6c_6c61 where word & 0xffff_ffff_ffff == 0x2063_6f6c_6c61:  // "alloc "
            guard let id = decimalOperand(&p, skipping: 6), let size = size(&p), let scan = scanKind(&p) else { return nil }
            event = .alloc(id: id, size: size, scan: scan)
        case 0x6565_7266 where word & 0xff_ffff_ffff == 0x20_6565_7266:  // "free "
            guard let id = decimalOperand(&p, skipping: 5) else { return nil }
            event = .free(id: id)
        case 0x706d_6f63 where word == 0x2065_7475_706d_6f63:  // "compute "
            p += 8
            guard let ns = duration(&p) else { return nil }
            event = .compute(ns: ns)
        case 0x6461_6f6c where word & 0xff_ffff_ffff == 0x20_6461_6f6c:  // "load "
            p += 5
            guard let address = address(&p), let length = u32Size(&p), let dependent = dependentFlag(&p) else {
                return nil
            }
            event = .load(address: address, length: length, dependent: dependent)
        case 0x726f_7473 where word & 0xffff_ffff_ffff == 0x2065_726f_7473:  // "store "
            p += 6
            guard let address = address(&p), let length = u32Size(&p) else { return nil }
            event = .store(address: address, length: length)
        default:
            return nil
        }
        guard let next = lineEnd(p, end: end) else { return nil }
        return (TraceRecord(goroutine: goroutine, event), next)
    }

    // MARK: Blanks and line ends

    /// Whether `byte` ends a token: a blank, `#`, or the newline (every one is <= '#').
    @inline(__always)
    private static func endsToken(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0a || byte == 0x09 || byte == 0x0d || byte == 0x23
    }

    /// Past spaces and tabs (a `\r` other than before the newline is left to the
    /// general parser, which also takes it as a blank).
    @inline(__always)
    private static func skipBlanks(_ p: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        // Usually one space before a token (whose bytes are all above ' '): no loop.
        if p[0] == 0x20 && p[1] > 0x20 { return p + 1 }
        var p = p
        while p[0] == 0x20 || p[0] == 0x09 { p += 1 }
        return p
    }

    /// The start of the next line when only blanks, a `\r\n` and perhaps a comment
    /// remain; nil for anything else, or when the newline found is the sentinel.
    @inline(__always)
    private static func lineEnd(_ p: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        if p[0] == 0x0a { return p < end ? p + 1 : nil }  // the usual case: the newline ends the last operand
        var p = p
        while p[0] == 0x20 || p[0] == 0x09 || p[0] == 0x0d { p += 1 }
        if p[0] == 0x0a { return p < end ? p + 1 : nil }
        guard p[0] == 0x23 else { return nil }  // a '#' comment runs to the newline
        guard let newline = memchr(p, 0x0a, end - p) else { return nil }
        return UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
    }

    // MARK: Numbers

    /// Decimal digits at `p` (1 to 19, so no overflow is possible) and the byte after
    /// them; nil when there are none or more. Eight at a time: with the bytes as 0…9
    /// (`^ '0'`), a byte is a digit when adding 0x76 leaves its top bit clear; the first
    /// that is not ends the number, and the digits before it, shifted to the top of the
    /// word (zeros in front), are combined pairwise by three multiplies (as in simdjson's
    /// `parse_eight_digits_unrolled`).
    @inline(__always)
    static func decimal(_ p: UnsafePointer<UInt8>) -> (value: UInt64, end: UnsafePointer<UInt8>)? {
        let digits = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)) ^ 0x3030_3030_3030_3030
        let notDigit = (digits &+ 0x7676_7676_7676_7676 | digits) & 0x8080_8080_8080_8080
        let count = notDigit.trailingZeroBitCount &>> 3  // 8 when all eight are digits
        guard count > 0 else { return nil }
        var value = eightDigits(digits &<< (64 &- 8 &* UInt64(count)))
        var q = p + count
        if count == 8 {  // a long number (an id past 10^8, an address in decimal): the rest one by one
            while q[0] &- 0x30 < 10 {
                guard q - p < 19 else { return nil }
                value = value &* 10 &+ UInt64(q[0] &- 0x30)
                q += 1
            }
        }
        return (value, q)
    }

    /// The number written by the eight bytes of `word` (each 0…9, the first digit in the
    /// lowest byte).
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> UInt64 {
        let pairs = (word &* (10 << 8 + 1)) &>> 8 & 0x00ff_00ff_00ff_00ff
        let quads = (pairs &* (100 << 16 + 1)) &>> 16 & 0x0000_ffff_0000_ffff
        return (quads &* (10_000 << 32 + 1)) &>> 32
    }

    /// An id: a decimal number after `skip` bytes of keyword and blanks, ending its token.
    @inline(__always)
    private static func decimalOperand(_ p: inout UnsafePointer<UInt8>, skipping skip: Int) -> UInt64? {
        guard let (value, after) = decimal(skipBlanks(p + skip)), endsToken(after[0]) else { return nil }
        p = after
        return value
    }

    /// A size after blanks: decimal, with an optional `KiB`, `MiB`, `GiB` or `TiB`
    /// (what the writer produces); `B` suffixes, hex and overflow are declined.
    @inline(__always)
    private static func size(_ p: inout UnsafePointer<UInt8>) -> UInt64? {
        guard let (value, after) = decimal(skipBlanks(p)) else { return nil }
        if endsToken(after[0]) {
            p = after
            return value
        }
        guard after[1] == 0x69 && after[2] == 0x42 && endsToken(after[3]) else { return nil }  // "iB"
        let shift: UInt64
        switch after[0] {
        case 0x4b: shift = 10  // K
        case 0x4d: shift = 20  // M
        case 0x47: shift = 30  // G
        case 0x54: shift = 40  // T
        default: return nil
        }
        guard value &>> (64 &- shift) == 0 else { return nil }
        p = after + 3
        return value &<< shift
    }

    /// A `load`/`store` length: a size below 2^32.
    @inline(__always)
    private static func u32Size(_ p: inout UnsafePointer<UInt8>) -> UInt32? {
        guard let value = size(&p), value <= UInt32.max else { return nil }
        return UInt32(truncatingIfNeeded: value)
    }

    /// An address after blanks: `0x` and 1 to 16 hex digits (the writer's form), or a size.
    @inline(__always)
    private static func address(_ p: inout UnsafePointer<UInt8>) -> UInt64? {
        let start = skipBlanks(p)
        guard start[0] == 0x30 && start[1] | 0x20 == 0x78 else { return size(&p) }  // 0x / 0X
        var q = start + 2
        var value: UInt64 = 0
        while true {
            let byte = q[0]
            let digit: UInt8
            if byte &- 0x30 < 10 { digit = byte &- 0x30 }
            else if (byte | 0x20) &- 0x61 < 6 { digit = (byte | 0x20) &- 0x61 &+ 10 }
            else { break }
            guard q - start < 18 else { return nil }  // more than 16 digits: the general path
            value = value &<< 4 | UInt64(digit)
            q += 1
        }
        guard q - start > 2 && endsToken(q[0]) else { return nil }
        p = q
        return value
    }

    /// A duration after blanks: decimal with `ns`, `us`, `ms` or `s`, in nanoseconds.
    @inline(__always)
    private static func duration(_ p: inout UnsafePointer<UInt8>) -> UInt64? {
        guard let (value, after) = decimal(skipBlanks(p)) else { return nil }
        let scale: UInt64
        var q = after
        switch after[0] {
        case 0x6e where after[1] == 0x73: scale = 1; q += 2              // ns
        case 0x75 where after[1] == 0x73: scale = 1_000; q += 2          // us
        case 0x6d where after[1] == 0x73: scale = 1_000_000; q += 2      // ms
        case 0x73: scale = 1_000_000_000; q += 1                         // s
        default: return nil
        }
        let (ns, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow && endsToken(q[0]) else { return nil }
        p = q
        return ns
    }

    // MARK: Words

    /// `scan` or `noscan` after blanks.
    @inline(__always)
    private static func scanKind(_ p: inout UnsafePointer<UInt8>) -> Bool? {
        let start = skipBlanks(p)
        let word = UInt64(littleEndian: UnsafeRawPointer(start).loadUnaligned(as: UInt64.self))
        if word & 0xffff_ffff == 0x6e61_6373 && endsToken(start[4]) {  // "scan"
            p = start + 4
            return true
        }
        if word & 0xffff_ffff_ffff == 0x6e61_6373_6f6e && endsToken(start[6]) {  // "noscan"
            p = start + 6
            return false
        }
        return nil
    }

    /// The optional trailing `dep` of `read` and `load`: true when present, false when
    /// the line ends (or a comment starts) instead, nil for anything else.
    @inline(__always)
    private static func dependentFlag(_ p: inout UnsafePointer<UInt8>) -> Bool? {
        let start = skipBlanks(p)
        if start[0] == 0x64 && start[1] == 0x65 && start[2] == 0x70 && endsToken(start[3]) {  // "dep"
            p = start + 3
            return true
        }
        return start[0] == 0x0a || start[0] == 0x0d || start[0] == 0x23 ? false : nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
