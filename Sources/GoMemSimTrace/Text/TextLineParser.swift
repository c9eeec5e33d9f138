/// Parses one line of a `.gmt` trace in place: tokens are index ranges into the
/// reader's buffer, numbers are decoded digit by digit, keywords matched as packed
/// integers. A plain value with no references, so calling its methods costs no
/// reference counting; errors come back as a ``LineError`` the reader places.
struct TextLineParser {
    let base: UnsafeMutablePointer<UInt8>
    let lineStart: Int
    let lineEnd: Int
    var cursor: Int

    init(base: UnsafeMutablePointer<UInt8>, lineStart: Int, lineEnd: Int) {
        self.base = base
        self.lineStart = lineStart
        self.lineEnd = lineEnd
        cursor = lineStart
    }

    // MARK: Tokens

    struct Token {
        var start: Int
        var end: Int
        var count: Int { end - start }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x23  // space, tab, CR, '#'
    }

    /// Skips blanks; stops at the end of the line or at a `#` comment.
    private mutating func skipBlanks() {
        var p = cursor
        while p < lineEnd {
            let byte = base[p]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0d else { break }
            p += 1
        }
        cursor = p
    }

    /// The next whitespace-separated token, or nil at the end of the line or a comment.
    mutating func token() -> Token? {
        skipBlanks()
        var p = cursor
        guard p < lineEnd, base[p] != 0x23 else { return nil }
        let start = p
        while p < lineEnd {
            let byte = base[p]
            if byte <= 0x23 && Self.isSeparator(byte) { break }  // every separator is <= '#'
            p += 1
        }
        cursor = p
        return Token(start: start, end: p)
    }

    /// The next token, or an `expected what, found end of line` error.
    private mutating func operand(_ what: String) throws(LineError) -> Token {
        guard let token = token() else { throw error(what, at: nil) }
        return token
    }

    private mutating func endOfLine() throws(LineError) {
        if let extra = token() { throw error("end of line", at: extra) }
    }

    func error(_ expected: String, at token: Token?) -> LineError {
        LineError(column: (token?.start ?? cursor) - lineStart + 1, expected: expected,
                  found: token.map { describe($0) } ?? "end of line")
    }

    /// A token as an error message quotes it (at most 40 bytes; ``quotedBytes(_:truncated:)``).
    private func describe(_ token: Token) -> String {
        let count = min(token.count, 40)
        return quotedBytes(UnsafeBufferPointer(start: base + token.start, count: count), truncated: token.count > count)
    }

    private func matches(_ token: Token, _ word: StaticString) -> Bool {
        token.count == word.utf8CodeUnitCount && memcmp(base + token.start, word.utf8Start, token.count) == 0
    }

    // MARK: Header

    mutating func parseHeader(_ first: Token) throws(LineError) {
        let expected = "the header \"\(TextSyntax.magic) \(TextSyntax.version)\""
        guard matches(first, "gomemsim-trace") else { throw error(expected, at: first) }
        let version = try operand("a format version")
        guard case .value(let number, let digitsEnd) = integerPrefix(version), digitsEnd == version.end,
              number == TextSyntax.version else {
            throw error("format version \(TextSyntax.version)", at: version)
        }
        try endOfLine()
    }

    // MARK: Records

    mutating func parseRecord(_ first: Token, symbols: inout SymbolTable) throws(LineError) -> TraceRecord {
        var keyword = first
        var goroutine: UInt32 = 0
        // `g3 alloc …`: a goroutine prefix is a `g` followed by a digit (`gc`, `go` are keywords).
        if first.count >= 2 && base[first.start] == 0x67 && base[first.start + 1] &- 0x30 < 10 {
            let number = Token(start: first.start + 1, end: first.end)
            guard case .value(let value, let digitsEnd) = integerPrefix(number), digitsEnd == number.end,
                  value <= UInt32.max else {
                throw error("a goroutine prefix like g3", at: first)
            }
            goroutine = UInt32(value)
            keyword = try operand("an event keyword")
        }
        return TraceRecord(goroutine: goroutine, try parseEvent(keyword, &symbols))
    }

    private mutating func parseEvent(_ keyword: Token, _ symbols: inout SymbolTable) throws(LineError) -> TraceEvent {
        // Keywords match as their ASCII bytes packed little-endian into two words (bytes
        // 0–7, 8–15), so one integer switch replaces building a String per line:
        // "gc" is 0x6367 ('g' = 0x67 in the low byte).
        // Two unaligned 8-byte loads, masked to the keyword's length; the buffer's
        // padding (InputBuffer.padding, 16 bytes) keeps them in bounds at its end.
        var low: UInt64 = 0
        var high: UInt64 = 0
        let count = keyword.count
        if count <= 16 {
            let start = UnsafeRawPointer(base + keyword.start)
            low = UInt64(littleEndian: start.loadUnaligned(as: UInt64.self))
            if count < 8 { low &= (1 &<< (8 &* UInt64(count))) &- 1 }
            if count > 8 {
                high = UInt64(littleEndian: start.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                if count < 16 { high &= (1 &<< (8 &* UInt64(count - 8))) &- 1 }
            }
            // A NUL in the token would alias the zero padding (`gc\0` packing as `gc`).
            if Self.hasZeroByte(low, in: min(count, 8)) || (count > 8 && Self.hasZeroByte(high, in: count - 8)) {
                low = 0
                high = 0
            }
        }
        let event: TraceEvent
        if high == 0 {
            switch low {
            case 0x6461_6572: event = .read(id: try id(), offset: try size("an offset"), length: try size("a length"),
                                            dependent: try flag("dep"))
            case 0x65_7469_7277: event = .write(id: try id(), offset: try size("an offset"), length: try size("a length"))
            case 0x63_6f6c_6c61: event = .alloc(id: try id(), size: try size("a size"), scan: try scanKind())
            case 0x6565_7266: event = .free(id: try id())
            case 0x6461_6f6c: event = .load(address: try size("an address"), length: try u32("a length", size: true),
                                            dependent: try flag("dep"))
            case 0x65_726f_7473: event = .store(address: try size("an address"), length: try u32("a length", size: true))
            case 0x656c_6966: event = try declareFile(&symbols)
            case 0x6e65_706f: event = .open(fd: try u32("a file descriptor"), name: try string("a quoted file name", &symbols))
            case 0x65_736f_6c63: event = .close(fd: try u32("a file descriptor"))
            case 0x656c_6966_6461_6572:
                event = .readFile(fd: try u32("a file descriptor"), fileOffset: try size("a file offset"), id: try id(),
                                  offset: try size("an offset"), length: try size("a length"))
            case 0x7061_6d6d: event = try mmap()
            case 0x7061_6d6e_756d: event = .munmap(id: try id(), offset: try size("an offset"), length: try size("a length"))
            case 0x65_7369_7664_616d:
                event = .madvise(id: try id(), offset: try size("an offset"), length: try size("a length"), advice: try advice())
            case 0x7463_6574_6f72_706d:
                event = .mprotect(id: try id(), offset: try size("an offset"), length: try size("a length"),
                                  protection: try protection())
            case 0x6367: event = .gc
            case 0x63_676f_6774_6573: event = .setGCPercent(try gcPercent())
            case 0x73_6c61_626f_6c67: event = .globals(bytes: try size("a size"))
            case 0x65_7475_706d_6f63: event = .compute(ns: try duration())
            case 0x70_6565_6c73: event = .sleep(ns: try duration())
            case 0x6f67: event = .spawn(goroutine: try u32("a goroutine number"))
            case 0x7469_7865: event = .exit
            default: throw error("an event keyword", at: keyword)
            }
        } else if low == 0x696c_6d65_6d74_6573 && high == 0x74_696d {  // setmemlimit
            let token = try operand("a size or none")
            event = .setMemoryLimit(matches(token, "none") ? nil : try size(token, "a size or none"))
        } else if low == 0x656d_736f_6565_7266 && high == 0x7972_6f6d {  // freeosmemory
            event = .freeOSMemory
        } else if low == 0x696f_706b_6365_6863 && high == 0x746e {  // checkpoint
            event = .checkpoint(label: try string("a quoted label", &symbols))
        } else {
            throw error("an event keyword", at: keyword)
        }
        try endOfLine()
        return event
    }

    private mutating func declareFile(_ symbols: inout SymbolTable) throws(LineError) -> TraceEvent {
        let name = try string("a quoted file name", &symbols)
        let size = try size("a size")
        var cached: UInt64 = 0
        if let word = token() {
            guard matches(word, "cached") else { throw error("cached or end of line", at: word) }
            cached = try self.size("the cached byte count")
        }
        return .declareFile(name: name, size: size, cachedBytes: cached)
    }

    private mutating func mmap() throws(LineError) -> TraceEvent {
        let id = try id()
        let length = try size("a length")
        let protection = try protection()
        let sharing = try operand("private or shared")
        var flags: MapFlags
        if matches(sharing, "private") { flags = [] }
        else if matches(sharing, "shared") { flags = .shared }
        else { throw error("private or shared", at: sharing) }
        var next = token()
        if let word = next, matches(word, "populate") {
            flags.insert(.populate)
            next = token()
        }
        guard let fdToken = next else {
            return .mmap(id: id, length: length, protection: protection, flags: flags.union(.anonymous), fd: nil, fileOffset: 0)
        }
        let fd = try u32(fdToken, "populate, a file descriptor or end of line")
        return .mmap(id: id, length: length, protection: protection, flags: flags, fd: fd,
                     fileOffset: try size("a file offset"))
    }

    private mutating func scanKind() throws(LineError) -> Bool {
        let token = try operand("scan or noscan")
        if matches(token, "scan") { return true }
        if matches(token, "noscan") { return false }
        throw error("scan or noscan", at: token)
    }

    /// An optional trailing word such as `dep`.
    private mutating func flag(_ word: StaticString) throws(LineError) -> Bool {
        guard let token = token() else { return false }
        guard matches(token, word) else { throw error("\(word) or end of line", at: token) }
        return true
    }

    private mutating func protection() throws(LineError) -> Protection {
        let token = try operand("a protection (r, rw, rx, rwx, none, …)")
        if matches(token, "none") { return .none }
        var protection: Protection = []
        for p in token.start..<token.end {
            let bit: Protection
            switch base[p] {
            case 0x72: bit = .read   // r
            case 0x77: bit = .write  // w
            case 0x78: bit = .exec   // x
            default: throw error("a protection (r, rw, rx, rwx, none, …)", at: token)
            }
            guard !protection.contains(bit) else { throw error("a protection (r, rw, rx, rwx, none, …)", at: token) }
            protection.insert(bit)
        }
        return protection
    }

    private mutating func advice() throws(LineError) -> Advice {
        let token = try operand("an advice (dontneed, free, hugepage, nohugepage, willneed)")
        if matches(token, "dontneed") { return .dontNeed }
        if matches(token, "free") { return .free }
        if matches(token, "hugepage") { return .hugePage }
        if matches(token, "nohugepage") { return .noHugePage }
        if matches(token, "willneed") { return .willNeed }
        throw error("an advice (dontneed, free, hugepage, nohugepage, willneed)", at: token)
    }

    private mutating func gcPercent() throws(LineError) -> Int32? {
        let what = "a GOGC percentage or off"
        let token = try operand(what)
        if matches(token, "off") { return nil }
        let negative = base[token.start] == 0x2d  // '-'
        let digits = negative ? Token(start: token.start + 1, end: token.end) : token
        guard case .value(let magnitude, let digitsEnd) = integerPrefix(digits), digitsEnd == digits.end,
              magnitude <= (negative ? UInt64(Int32.max) + 1 : UInt64(Int32.max)) else {
            throw error(what, at: token)
        }
        return negative ? Int32(truncatingIfNeeded: 0 &- magnitude) : Int32(magnitude)
    }

    // MARK: Numbers

    enum IntegerPrefix {
        case none
        case overflow
        case value(UInt64, end: Int)
    }

    /// The integer at the start of `token`: decimal, or hexadecimal after `0x`.
    private func integerPrefix(_ token: Token) -> IntegerPrefix {
        var p = token.start
        var value: UInt64 = 0
        if token.count > 2 && base[p] == 0x30 && (base[p + 1] | 0x20) == 0x78 {  // 0x / 0X
            p += 2
            let digitsStart = p
            while p < token.end {
                let byte = base[p]
                let digit: UInt8
                if byte &- 0x30 < 10 { digit = byte &- 0x30 }
                else if (byte | 0x20) &- 0x61 < 6 { digit = (byte | 0x20) &- 0x61 &+ 10 }
                else { break }
                guard value >> 60 == 0 else { return .overflow }
                value = value << 4 | UInt64(digit)
                p += 1
            }
            return p == digitsStart ? .none : .value(value, end: p)
        }
        while p < token.end {
            let digit = base[p] &- 0x30
            guard digit < 10 else { break }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1 && !overflow2 else { return .overflow }
            value = sum
            p += 1
        }
        return p == token.start ? .none : .value(value, end: p)
    }

    private func isHex(_ token: Token) -> Bool {
        token.count > 2 && base[token.start] == 0x30 && base[token.start + 1] | 0x20 == 0x78
    }

    /// The common case of every number operand: up to 19 decimal digits (no overflow
    /// possible) ending the token. Anything else (hex, a suffix, an error) returns nil
    /// without consuming input, and the general path re-reads the token.
    @inline(__always)
    private mutating func fastDecimal() -> UInt64? {
        let saved = cursor
        guard let value = fastDecimalPrefix(), cursor == lineEnd || Self.isSeparator(base[cursor]) else {
            cursor = saved
            return nil
        }
        return value
    }

    private mutating func id() throws(LineError) -> UInt64 {
        if let value = fastDecimal() { return value }
        return try plain(try operand("an id"), "an id")
    }

    private mutating func u32(_ what: String, size: Bool = false) throws(LineError) -> UInt32 {
        let start = cursor
        if let value = fastDecimal() {
            if value <= UInt32.max { return UInt32(value) }
            cursor = start  // too large: the general path reports it at the token
        }
        return try u32(try operand(what), what, size: size)
    }

    private func u32(_ token: Token, _ what: String, size: Bool = false) throws(LineError) -> UInt32 {
        let value = size ? try self.size(token, what) : try plain(token, what)
        guard value <= UInt32.max else { throw error("\(what) below 2^32", at: token) }
        return UInt32(value)
    }

    private func plain(_ token: Token, _ what: String) throws(LineError) -> UInt64 {
        switch integerPrefix(token) {
        case .value(let value, let digitsEnd) where digitsEnd == token.end: return value
        case .overflow: throw error("\(what) below 2^64", at: token)
        default: throw error(what, at: token)
        }
    }

    /// The common case of a size: up to 19 decimal digits, optionally with `KiB`, `MiB`,
    /// `GiB` or `TiB` ending the token (the writer's canonical spelling). Anything else
    /// returns nil without consuming input, for the general path.
    @inline(__always)
    private mutating func fastSize() -> UInt64? {
        let start = cursor
        guard let value = fastDecimalPrefix() else { return nil }
        var p = cursor
        if p == lineEnd || Self.isSeparator(base[p]) { return value }  // no suffix
        guard p + 3 <= lineEnd && base[p + 1] == 0x69 && base[p + 2] == 0x42 else {  // "iB"
            cursor = start
            return nil
        }
        let shift: UInt64
        switch base[p] {
        case 0x4b: shift = 10  // K
        case 0x4d: shift = 20  // M
        case 0x47: shift = 30  // G
        case 0x54: shift = 40  // T
        default: cursor = start; return nil
        }
        p += 3
        guard value >> (64 - shift) == 0 && (p == lineEnd || Self.isSeparator(base[p])) else {
            cursor = start
            return nil
        }
        cursor = p
        return value << shift
    }

    /// Up to 19 decimal digits at the cursor (after blanks), followed by anything.
    @inline(__always)
    private mutating func fastDecimalPrefix() -> UInt64? {
        var p = cursor
        while p < lineEnd && (base[p] == 0x20 || base[p] == 0x09) { p += 1 }
        let start = p
        var value: UInt64 = 0
        while p < lineEnd {
            let digit = base[p] &- 0x30
            if digit >= 10 { break }
            value = value &* 10 &+ UInt64(digit)
            p += 1
        }
        guard p > start && p - start <= 19 else { return nil }
        cursor = p
        return value
    }

    private mutating func size(_ what: String) throws(LineError) -> UInt64 {
        if let value = fastSize() { return value }
        return try size(try operand(what), what)
    }

    /// A byte count: an integer with an optional `B`, `KiB`, `MiB`, `GiB` or `TiB`
    /// suffix (decimal numbers only; in `0x1B` the B is a digit).
    private func size(_ token: Token, _ what: String) throws(LineError) -> UInt64 {
        switch integerPrefix(token) {
        case .none: throw error(what, at: token)
        case .overflow: throw error("\(what) below 2^64", at: token)
        case .value(let value, let digitsEnd):
            if digitsEnd == token.end { return value }
            let suffix = Token(start: digitsEnd, end: token.end)
            let shift: UInt64
            if isHex(token) { throw error(what, at: token) }
            else if matches(suffix, "B") { shift = 0 }
            else if matches(suffix, "KiB") { shift = 10 }
            else if matches(suffix, "MiB") { shift = 20 }
            else if matches(suffix, "GiB") { shift = 30 }
            else if matches(suffix, "TiB") { shift = 40 }
            else { throw error(what, at: token) }
            guard shift == 0 || value >> (64 - shift) == 0 else { throw error("\(what) below 2^64", at: token) }
            return value << shift
        }
    }

    /// A duration in nanoseconds: a decimal integer with a required `ns`, `us`, `ms` or `s`.
    private mutating func duration() throws(LineError) -> UInt64 {
        let what = "a duration (like 10us; units ns, us, ms, s)"
        let token = try operand(what)
        let prefix = integerPrefix(token)
        if case .overflow = prefix { throw error("a duration below 2^64 ns", at: token) }
        guard case .value(let value, let digitsEnd) = prefix, !isHex(token) else { throw error(what, at: token) }
        let unit = Token(start: digitsEnd, end: token.end)
        let scale: UInt64
        if matches(unit, "ns") { scale = 1 }
        else if matches(unit, "us") { scale = 1_000 }
        else if matches(unit, "ms") { scale = 1_000_000 }
        else if matches(unit, "s") { scale = 1_000_000_000 }
        else { throw error(what, at: token) }
        let (ns, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw error("a duration below 2^64 ns", at: token) }
        return ns
    }

    // MARK: Strings

    /// A double-quoted string with `\"`, `\\`, `\n`, `\t` and `\xHH` escapes, interned.
    private mutating func string(_ what: String, _ symbols: inout SymbolTable) throws(LineError) -> Symbol {
        skipBlanks()
        guard cursor < lineEnd, base[cursor] == 0x22 else { throw error(what, at: token()) }
        let open = cursor
        var p = cursor + 1
        var scratch: [UInt8] = []
        while true {
            guard p < lineEnd else {
                cursor = lineEnd
                throw error("a closing '\"' (the string opened at column \(open - lineStart + 1))", at: nil)
            }
            let byte = base[p]
            if byte == 0x22 { p += 1; break }
            if byte != 0x5c { scratch.append(byte); p += 1; continue }
            // An escape.
            let escapeStart = p
            p += 1
            let escaped: UInt8? = p < lineEnd ? base[p] : nil
            p += 1
            switch escaped {
            case 0x22: scratch.append(0x22)
            case 0x5c: scratch.append(0x5c)
            case 0x6e: scratch.append(0x0a)
            case 0x74: scratch.append(0x09)
            case 0x78 where p + 2 <= lineEnd && Self.hexValue(base[p]) != nil && Self.hexValue(base[p + 1]) != nil:
                scratch.append(Self.hexValue(base[p])! << 4 | Self.hexValue(base[p + 1])!)
                p += 2
            default:
                throw error("an escape (\\\", \\\\, \\n, \\t, \\xHH)", at: Token(start: escapeStart, end: min(p, lineEnd)))
            }
        }
        cursor = p
        guard p == lineEnd || Self.isSeparator(base[p]) else {
            throw error("a blank after the string", at: token())
        }
        guard let text = String(validating: scratch, as: UTF8.self) else {
            throw error("a string in UTF-8", at: Token(start: open, end: p))
        }
        return symbols.intern(text)
    }

    /// Whether one of the first `count` (1…8) bytes of `word` is zero (the classic
    /// SWAR test, with the bytes past `count` forced to 0xff).
    private static func hasZeroByte(_ word: UInt64, in count: Int) -> Bool {
        let x = count >= 8 ? word : word | ~((1 &<< (8 &* UInt64(count))) &- 1)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- 0x30 < 10 { return byte &- 0x30 }
        if (byte | 0x20) &- 0x61 < 6 { return (byte | 0x20) &- 0x61 &+ 10 }
        return nil
    }
}

/// A syntax error in one line: the 1-based column and what was expected and found.
struct LineError: Error {
    var column: Int
    var expected: String
    var found: String
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

