/// The spelling of the `.gmt` text format shared by ``TextTraceReader`` and
/// ``TextTraceWriter``; `schemas/trace-format.md` is its specification.
enum TextSyntax {
    /// The first line of every text trace: `gomemsim-trace 1`.
    static let magic = "gomemsim-trace"
    static let version: UInt64 = 1

    /// Binary size units (IEC): `B`, `KiB`, `MiB`, `GiB`, `TiB` as powers of two.
    static let sizeUnits: [(name: String, shift: UInt64)] = [
        ("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10),
    ]

    /// Duration units, largest first, in nanoseconds.
    static let durationUnits: [(name: String, ns: UInt64)] = [
        ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
    ]

    /// A keyword's ASCII bytes packed little-endian into two words (bytes 0–7, 8–15),
    /// so the reader matches a keyword with one integer switch instead of building a
    /// String per line. ``TextTraceReader`` switches on the literal values of these.
    static func pack(_ keyword: String) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        for (index, byte) in keyword.utf8.prefix(16).enumerated() {
            if index < 8 { words.0 |= UInt64(byte) << (8 * UInt64(index)) }
            else { words.1 |= UInt64(byte) << (8 * UInt64(index - 8)) }
        }
        return words
    }

    /// `r`, `rw`, `rx`, `rwx`, … or `none`: the letters of `ls -l` and /proc/PID/maps.
    static func spell(_ protection: Protection) -> String {
        if protection.isEmpty { return "none" }
        var text = ""
        if protection.contains(.read) { text += "r" }
        if protection.contains(.write) { text += "w" }
        if protection.contains(.exec) { text += "x" }
        return text
    }
}
