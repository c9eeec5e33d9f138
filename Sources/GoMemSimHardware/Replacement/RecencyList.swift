/// A set's exact LRU order for up to 16 ways, packed in one word: nibble `i` is the way at
/// recency position `i` (0 = most recent, `ways - 1` = least recent); nibbles at and above
/// `ways` hold 0xF, which no way below 15 matches.
///
/// Why: the stamp form of LRU finds a victim by scanning every way's stamp (a SIMD min over
/// the set) and needs its own host line per set; this form finds the victim with one
/// shift and moves a way to the front with a few ALU operations on one word. The order is
/// the same one the stamps give (``LRUPolicy``), so the victims are the same.
@usableFromInline
enum RecencyList {
    @usableFromInline static let nibbleLow: UInt64 = 0x7777_7777_7777_7777
    @usableFromInline static let nibbleHigh: UInt64 = 0x8888_8888_8888_8888
    @usableFromInline static let ones: UInt64 = 0x1111_1111_1111_1111

    /// The list of a set nobody used yet: way `i` at position `i`.
    @usableFromInline
    static func initial(ways: Int) -> UInt64 {
        var list = UInt64.max
        for i in 0..<ways { list = list & ~(0xF << UInt64(4 * i)) | UInt64(i) << UInt64(4 * i) }
        return list
    }

    /// `list` with `way` moved to the front (a use).
    @inlinable @inline(__always)
    static func touching(_ list: UInt64, way: Int) -> UInt64 {
        let w = UInt64(truncatingIfNeeded: way)
        // Nibbles equal to `way` become 0; bit 3 of each nibble of `nonZero` is set exactly
        // where the nibble is not 0 (no carry crosses nibbles: 7 + 7 < 16).
        let x = list ^ (w &* ones)
        let nonZero = ((x & nibbleLow) &+ nibbleLow | x) & nibbleHigh
        let position = UInt64(truncatingIfNeeded: (~nonZero & nibbleHigh).trailingZeroBitCount) &>> 2
        let shift = position &* 4
        let below = list & ((1 &<< shift) &- 1)                   // more recent than `way`
        let above = shift >= 60 ? 0 : list & (UInt64.max &<< (shift &+ 4))  // less recent
        return above | below &<< 4 | w
    }

    /// `list` with its least recent way (of `ways`) moved to the front: ``touching(_:way:)``
    /// of ``leastRecent(_:ways:)``, without searching for the way's position.
    @inlinable @inline(__always)
    static func rotatingLeastRecent(_ list: UInt64, ways: Int) -> (list: UInt64, way: Int) {
        let shift = UInt64(truncatingIfNeeded: ways &- 1) &* 4
        let way = list &>> shift & 0xF
        let below = list & ((1 &<< shift) &- 1)                    // the ways more recent than it
        let above = shift >= 60 ? 0 : list & (UInt64.max &<< (shift &+ 4))  // the 0xF fillers
        return (above | below &<< 4 | way, Int(truncatingIfNeeded: way))
    }

    /// The least recent way of a full set of `ways` ways.
    @inlinable @inline(__always)
    static func leastRecent(_ list: UInt64, ways: Int) -> Int {
        Int(truncatingIfNeeded: list &>> (UInt64(truncatingIfNeeded: ways &- 1) &* 4) & 0xF)
    }
}
