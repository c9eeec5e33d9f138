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
