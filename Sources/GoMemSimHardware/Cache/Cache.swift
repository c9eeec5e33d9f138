/// One set-associative cache (or TLB) array: `sets × ways` slots of line numbers.
///
/// It knows nothing of addresses: callers pass a *line number* (`address >> lineShift`
/// for a cache, a tagged page number for a TLB, below 2^62); the set is its low bits
/// (`sets` is a power of two). Each slot is one `UInt64` in a flat array: the line
/// number shifted left by two with the slot's flags (dirty, prefetched) in the low bits,
/// so a set's state is contiguous. Beside the tags: a 32-bit digest per slot, so a lookup
/// compares four ways per instruction (`Cache+WayScan.swift`), and a fill count per set,
/// so a fill into a full set skips the empty-way scan. The replacement policy is a
/// generic parameter so the hot path is specialised code.
///
/// ```
/// var l1 = Cache<LRUPolicy>(sets: 64, ways: 8)
/// if l1.lookup(line) == nil { _ = l1.insert(line) }
/// ```
public struct Cache<Policy: ReplacementPolicy> {
    /// Slot flag: the line was written since it was filled (write-back caches).
    public static var dirty: UInt8 { 1 }
    /// Slot flag: a prefetcher brought the line in and no demand access used it yet.
    public static var prefetched: UInt8 { 2 }
    /// The tag of an empty slot (no line number reaches it: lines are addresses >> 1 at least).
    @usableFromInline static var empty: UInt64 { .max }

    public let sets: Int
    public let ways: Int
    @usableFromInline let setMask: UInt64
    /// The whole array state in one buffer, so a fill pays one copy-on-write uniqueness
    /// check instead of one per field (that runtime call was ~6% of random-access time):
    /// `sets × ways` tags (`line << 2 | flags`, or `empty`), then the 32-bit digests of the
    /// same slots packed two per word, then the count of lines present per set.
    ///
    /// The digests are scanned four ways at a time before the full tag is compared
    /// (``findWay(_:base:)``); the full tag always decides. The counts let a fill into a
    /// full set (the common case once warm) go straight to the policy's victim.
    @usableFromInline var storage: [UInt64]
    /// Where the digests and the per-set counts start in `storage`, in words.
    @usableFromInline let digestWord: Int
    @usableFromInline let filledWord: Int
    /// `log2(sets)`: a line's digest is taken above its set-index bits.
    @usableFromInline let setShift: UInt64
    @usableFromInline var policy: Policy

    /// `sets` must be a power of two and `ways` at least 1 (profiles are validated first).
    public init(sets: Int, ways: Int, seed: UInt64 = 0) {
        self.sets = sets
        self.ways = ways
        setMask = UInt64(sets - 1)
        let slots = sets * ways
        digestWord = slots
        filledWord = slots + (slots + 1) / 2
        storage = [UInt64](repeating: Self.empty, count: slots)
            + [UInt64](repeating: 0, count: (slots + 1) / 2 + sets)
        setShift = UInt64(sets.trailingZeroBitCount)
        policy = Policy(sets: sets, ways: ways, seed: seed)
    }

    /// The set `line` maps to.
    @inlinable @inline(__always)
    public func set(of line: UInt64) -> Int { Int(truncatingIfNeeded: line & setMask) }

    /// The slot holding `line`, or `nil`; does not touch the replacement state.
    @inlinable @inline(__always)
    public func slot(of line: UInt64) -> Int? {
        let base = set(of: line) &* ways
        let way = findWay(line, base: base)
        return way < 0 ? nil : base &+ way
    }

    /// A demand lookup: on a hit, updates the replacement state and returns the slot.
    @inlinable @inline(__always)
    public mutating func lookup(_ line: UInt64) -> Int? {
        let s = set(of: line)
        let base = s &* ways
        let found = findWay(line, base: base)
        guard found >= 0 else { return nil }
        policy.hit(set: s, way: found)
        return base &+ found
    }

    /// A demand hit on a line known to sit in `slot` (the simulators' same-line fast path).
    @inlinable @inline(__always)
    public mutating func touch(_ line: UInt64, slot: Int) {
        let s = set(of: line)
        policy.hit(set: s, way: slot &- s &* ways)
    }

    /// Places `line` (not present) with `flags`, evicting if the set is full.
    /// Returns the evicted line and its flags, if any, and the slot used.
    @inlinable @inline(__always)
    public mutating func insert(_ line: UInt64, flags newFlags: UInt8 = 0) -> (slot: Int, victim: UInt64?, victimFlags: UInt8) {
        let s = set(of: line)
        let base = s &* ways
        let n = ways
        let filledAt = filledWord &+ s
        // The first empty way, as a scan would find it; none in a full set.
        var way = -1
        let full = storage.withUnsafeBufferPointer { t in
            if Int(t[filledAt]) < n {
                var w = 0
                while w < n {
                    if t[base &+ w] == Self.empty { way = w; break }
                    w &+= 1
                }
            }
            return way < 0
        }
        if full { way = policy.victim(set: s) }
        let slot = base &+ way
        let tag = line << 2 | UInt64(newFlags & 3)
        let digest = digest(of: line)
        let digestWord = digestWord
        let old = storage.withUnsafeMutableBufferPointer { t in
            let old = t[slot]
            if !full { t[filledAt] &+= 1 }
            t[slot] = tag
            UnsafeMutableRawBufferPointer(t).storeBytes(of: digest, toByteOffset: digestWord &* 8 &+ slot &* 4, as: UInt32.self)
            return old
        }
        policy.filled(set: s, way: way)
        guard full else { return (slot, nil, 0) }
        return (slot, old >> 2, UInt8(truncatingIfNeeded: old & 3))
    }

    /// Removes `line` if present and returns its flags.
    @inlinable
    public mutating func invalidate(_ line: UInt64) -> UInt8? {
        guard let slot = slot(of: line) else { return nil }
        let filledAt = filledWord &+ set(of: line)
        return storage.withUnsafeMutableBufferPointer { t in
            let f = UInt8(truncatingIfNeeded: t[slot] & 3)
            t[slot] = Self.empty
            t[filledAt] &-= 1
            return f
        }
    }

    @inlinable @inline(__always)
    public func flags(at slot: Int) -> UInt8 { UInt8(truncatingIfNeeded: storage[slot] & 3) }

    @inlinable @inline(__always)
    public mutating func setFlags(_ value: UInt8, at slot: Int) {
        storage.withUnsafeMutableBufferPointer { t in t[slot] = t[slot] & ~3 | UInt64(value & 3) }
    }

    /// Whether `slot` (any value; out of range is `false`) holds `line`: an O(1) check of
    /// a remembered slot, the same answer `slot(of:) == slot` gives.
    @inlinable @inline(__always)
    public func holds(_ line: UInt64, at slot: Int) -> Bool {
        slot >= 0 && slot < digestWord && storage[slot] != Self.empty && storage[slot] >> 2 == line
    }

    /// Whether `line` is present.
    @inlinable public func contains(_ line: UInt64) -> Bool { slot(of: line) != nil }

    /// The lines present, in slot order (tests, invariants).
    public var lines: [UInt64] { storage[..<digestWord].filter { $0 != Self.empty }.map { $0 >> 2 } }
}
