/// One set-associative cache (or TLB) array: `sets × ways` slots of line numbers.
///
/// It knows nothing of addresses: callers pass a *line number* (`address >> lineShift`
/// for a cache, a tagged page number for a TLB; `UInt64.max` is reserved); the set is its
/// low bits (`sets` is a power of two). A *slot* is `set × ways + way`.
///
/// **Layout: one block per set, the tags apart.** The simulator is memory-bound on its own
/// state once a modelled level outgrows the host's caches (the 32 MiB L3 is 512 Ki lines),
/// so a set's hot state sits in one contiguous block, 64-byte aligned, that a lookup and a
/// fill read together: first one 32-bit *entry* per way, then the replacement policy's
/// per-set state. An entry is the low 29 bits of the line above the set index, a *valid*
/// bit and the slot's two flags (dirty, prefetched):
///
/// ```
/// block of set s (16-way LRU: 72 bytes, padded to 128 = one adjacent pair of host lines)
/// | entry 0 … entry 15 (digest << 3 | valid << 2 | flags) | LRU order (one word) |
/// tags region, after every block: line of slot 0, 1, …  (UInt64.max = empty)
/// ```
///
/// **Narrow and wide.** While every line placed so far is *narrow* (below
/// `2^(29 + log2 sets)`: all of a 32 MiB L3's lines, whose addresses lie below 2^50) an
/// entry *is* the line's tag: lookups and fills never touch the tag region, and an evicted
/// line is rebuilt from its entry and set. The first wide line switches the cache to wide
/// mode for good (the tags are then written from the entries): a lookup reads a full tag
/// only where an entry matches, and the full tag decides; a fill reads the victim's tag
/// only when the caller needs the evicted line (a dirty writeback, back-invalidation, a
/// victim-cache fill). On random accesses over 1 GiB the tag reads were a host cache miss
/// each, about half the time of a fill. The policy is a generic parameter so the hot path
/// is specialised code. The lookup and fill primitives are `@_transparent`: the optimiser
/// kept outlining them despite `@inline(__always)` (a frame, argument shuffles and field
/// reloads per fill; ~12 % of a random access, measured with callgrind).
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
    /// The tag of an empty slot.
    @usableFromInline static var empty: UInt64 { .max }
    /// Entry bit: the way holds a line (its tag is not `empty`).
    @usableFromInline static var valid: UInt32 { 4 }

    public let sets: Int
    public let ways: Int
    @usableFromInline let setMask: UInt64
    /// All state in one 64-byte-aligned buffer: the set blocks, then the tags. Copy on
    /// write: the public mutating methods copy a shared buffer first; the `…InPlace`
    /// methods do not check (a ``CacheHierarchy`` checks once per access that nobody
    /// shares its caches, instead of once per lookup and fill: a runtime call each).
    @usableFromInline var storage: CacheStorage
    /// Words per set block: the entries (`(ways + 1) / 2` words) then the policy's state,
    /// rounded up to a power of two up to 16 words (a multiple of 8 above) so no block
    /// straddles more host lines than its size needs.
    @usableFromInline let stride: Int
    /// Words of entries at the start of a block (the policy's state follows).
    @usableFromInline let entryWords: Int
    /// Where the tags start, in words.
    @usableFromInline let tagWord: Int
    /// `log2(sets)`: an entry's digest is taken above the set-index bits.
    @usableFromInline let setShift: UInt64
    /// `log2(ways)` when `ways` is a power of two (a slot's set is then a shift), else -1.
    @usableFromInline let waysShift: Int
    @usableFromInline var policy: Policy
    /// Whether a wide line was ever placed: then the tag region is kept and consulted.
    @usableFromInline var wide = false
    /// `29 + log2(sets)`: a line shifted right by it is 0 exactly when it is narrow.
    @usableFromInline let narrowShift: UInt64

    /// `sets` must be a power of two and `ways` at least 1 (profiles are validated first).
    public init(sets: Int, ways: Int, seed: UInt64 = 0) {
        self.init(sets: sets, ways: ways, policy: Policy(sets: sets, ways: ways, seed: seed))
    }

    /// The same, with the policy value made by the caller (``ProfilePolicy`` names its kind).
    public init(sets: Int, ways: Int, policy: Policy) {
        self.sets = sets
        self.ways = ways
        setMask = UInt64(sets - 1)
        setShift = UInt64(sets.trailingZeroBitCount)
        narrowShift = min(63, 29 + setShift)
        waysShift = ways & (ways - 1) == 0 ? ways.trailingZeroBitCount : -1
        entryWords = (ways + 1) / 2
        let words = entryWords + Policy.stateWords(ways: ways)
        stride = words <= 16 ? 1 << (Int.bitWidth - (words - 1).leadingZeroBitCount) : (words + 7) & ~7
        let blockWords = sets * stride
        let storage = CacheStorage(words: blockWords + sets * ways)
        tagWord = blockWords
        (storage.words + tagWord).update(repeating: Self.empty, count: sets * ways)  // untouched while narrow
        let (firstState, strideBytes) = (entryWords * 8, stride * 8)
        let base = UnsafeMutableRawPointer(storage.words)
        for s in 0..<sets { policy.initialize(base + firstState + s * strideBytes) }
        self.storage = storage
        self.policy = policy
    }

    /// The first word of each host line of `line`'s set block (the entries and the policy's
    /// state), summed: loads a caller issues ahead of the lookups that need them, so the
    /// host CPU fetches the blocks of several levels at once instead of one after another
    /// (``CacheHierarchy`` does it for the levels below L1 on every line it looks up).
    @inlinable @inline(__always)
    public func peek(_ line: UInt64) -> UInt64 {
        let first = set(of: line) &* stride
        let second = stride > 8 ? first &+ 8 : first
        let t = storage.words
        return t[first] &+ t[second]
    }

    /// The set `line` maps to.
    @inlinable @inline(__always)
    public func set(of line: UInt64) -> Int { Int(truncatingIfNeeded: line & setMask) }

    /// The set of `slot`.
    @inlinable @inline(__always)
    func set(ofSlot slot: Int) -> Int { waysShift >= 0 ? slot &>> waysShift : slot / ways }

    /// Byte offset in `storage` of the entry of `way` in `set`.
    @inlinable @inline(__always)
    func entryByte(set: Int, way: Int) -> Int { set &* stride &* 8 &+ way &* 4 }

    /// Makes `storage` this value's own before a mutation (copy on write).
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The slot holding `line`, or `nil`; does not touch the replacement state.
    @inlinable @inline(__always)
    public func slot(of line: UInt64) -> Int? {
        let s = set(of: line)
        let way = findWay(line, set: s)
        return way < 0 ? nil : s &* ways &+ way
    }

    /// A demand lookup: on a hit, updates the replacement state and returns the slot.
    @inlinable @inline(__always)
    public mutating func lookup(_ line: UInt64) -> Int? {
        makeUnique()
        return lookupInPlace(line)
    }

    /// ``lookup(_:)`` on a buffer known to be unshared.
    @_transparent @usableFromInline
    mutating func lookupInPlace(_ line: UInt64) -> Int? {
        let s = set(of: line)
        let found = findWay(line, set: s)
        guard found >= 0 else { return nil }
        used(set: s, way: found, fill: false)
        return s &* ways &+ found
    }

    /// A demand hit on a line known to sit in `slot` (the simulators' same-line fast path).
    @inlinable @inline(__always)
    public mutating func touch(_ line: UInt64, slot: Int) {
        makeUnique()
        let s = set(of: line)
        used(set: s, way: slot &- s &* ways, fill: false)
    }

    /// Tells the policy of a use (`fill: false`) or a fill of `way` in `set`.
    @_transparent @usableFromInline
    mutating func used(set s: Int, way: Int, fill: Bool) {
        let stateByte = (s &* stride &+ entryWords) &* 8
        let base = UnsafeMutableRawPointer(storage.words)
        if policy.needsRenumber { policy.renumber(base + entryWords &* 8, sets: sets, strideBytes: stride &* 8) }
        if fill { policy.filled(base + stateByte, way: way) } else { policy.hit(base + stateByte, way: way) }
    }

    /// Places `line` (not present) with `flags`, evicting if the set is full.
    /// Returns the slot used and the evicted line and its flags, if any.
    @inlinable @inline(__always)
    public mutating func insert(_ line: UInt64, flags newFlags: UInt8 = 0) -> (slot: Int, victim: UInt64?, victimFlags: UInt8) {
        makeUnique()
        let r = insertInPlace(line, flags: newFlags, victimLineNeeded: true)
        return (r.slot, r.evicted ? r.victim : nil, r.victimFlags)
    }

    /// Places `line` (not present) with `flags`, evicting if the set is full. The evicted
    /// line is read only if `victimLineNeeded` or it is dirty (otherwise `victim` is
    /// `UInt64.max`): that read is a host cache miss of its own in a large level.
    @inlinable @inline(__always)
    public mutating func insert(_ line: UInt64, flags newFlags: UInt8, victimLineNeeded: Bool)
        -> (slot: Int, evicted: Bool, victim: UInt64, victimFlags: UInt8) {
        makeUnique()
        return insertInPlace(line, flags: newFlags, victimLineNeeded: victimLineNeeded)
    }

    /// ``insert(_:flags:victimLineNeeded:)`` on a buffer known to be unshared.
    @_transparent @usableFromInline
    mutating func insertInPlace(_ line: UInt64, flags newFlags: UInt8, victimLineNeeded: Bool)
        -> (slot: Int, evicted: Bool, victim: UInt64, victimFlags: UInt8) {
        let s = set(of: line)
        let n = ways
        let blockByte = s &* stride &* 8
        let stateByte = blockByte &+ entryWords &* 8
        let tagAt = tagWord &+ s &* n
        let entry = entryKey(line) | UInt32(newFlags & 3)
        if !wide && line &>> narrowShift != 0 { widen() }
        let words = storage.words
        let base = UnsafeMutableRawPointer(words)
        let block = base + blockByte
        var way = Self.firstEmptyWay(UnsafeRawPointer(block), ways: n)
        let full = way < 0
        // A renumbering keeps the order of the state, so doing it before the victim choice
        // picks the same victim; a full set's victim is refilled in one step (``ReplacementPolicy/refill(_:)``).
        if policy.needsRenumber { policy.renumber(base + entryWords &* 8, sets: sets, strideBytes: stride &* 8) }
        if full { way = policy.refill(base + stateByte) } else { policy.filled(base + stateByte, way: way) }
        let old = block.load(fromByteOffset: way &* 4, as: UInt32.self)
        let oldFlags = UInt8(truncatingIfNeeded: old & 3)
        var victim = Self.empty
        if wide {
            if full && (victimLineNeeded || oldFlags & Self.dirty != 0) { victim = words[tagAt &+ way] }
            words[tagAt &+ way] = line
        } else if full {
            victim = narrowLine(entry: old, set: s)
        }
        block.storeBytes(of: entry, toByteOffset: way &* 4, as: UInt32.self)
        return (s &* n &+ way, full, victim, full ? oldFlags : 0)
    }

    /// Removes `line` if present and returns its flags.
    @inlinable
    public mutating func invalidate(_ line: UInt64) -> UInt8? {
        makeUnique()
        return invalidateInPlace(line)
    }

    /// ``invalidate(_:)`` on a buffer known to be unshared.
    @inlinable
    mutating func invalidateInPlace(_ line: UInt64) -> UInt8? {
        let s = set(of: line)
        let way = findWay(line, set: s)
        guard way >= 0 else { return nil }
        let at = entryByte(set: s, way: way)
        let tagAt = tagWord &+ s &* ways &+ way
        let words = storage.words
        let raw = UnsafeMutableRawPointer(words)
        let f = UInt8(truncatingIfNeeded: raw.load(fromByteOffset: at, as: UInt32.self) & 3)
        raw.storeBytes(of: 0, toByteOffset: at, as: UInt32.self)
        if wide { words[tagAt] = Self.empty }
        return f
    }

    @inlinable @inline(__always)
    public func flags(at slot: Int) -> UInt8 {
        let s = set(ofSlot: slot)
        let at = entryByte(set: s, way: slot &- s &* ways)
        return UInt8(truncatingIfNeeded: UnsafeRawPointer(storage.words).load(fromByteOffset: at, as: UInt32.self) & 3)
    }

    @inlinable @inline(__always)
    public mutating func setFlags(_ value: UInt8, at slot: Int) {
        makeUnique()
        setFlagsInPlace(value, at: slot)
    }

    /// The flags of `way` in set `s`.
    @inlinable @inline(__always)
    func flags(set s: Int, way: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: UnsafeRawPointer(storage.words).load(fromByteOffset: entryByte(set: s, way: way), as: UInt32.self) & 3)
    }

    /// Sets the flags of `way` in set `s`, on a buffer known to be unshared.
    @inlinable @inline(__always)
    mutating func setFlagsInPlace(_ value: UInt8, set s: Int, way: Int) {
        let at = entryByte(set: s, way: way)
        let raw = UnsafeMutableRawPointer(storage.words)
        let e = raw.load(fromByteOffset: at, as: UInt32.self)
        raw.storeBytes(of: e & ~3 | UInt32(value & 3), toByteOffset: at, as: UInt32.self)
    }

    /// ``setFlags(_:at:)`` on a buffer known to be unshared.
    @inlinable @inline(__always)
    mutating func setFlagsInPlace(_ value: UInt8, at slot: Int) {
        let s = set(ofSlot: slot)
        let at = entryByte(set: s, way: slot &- s &* ways)
        let raw = UnsafeMutableRawPointer(storage.words)
        let e = raw.load(fromByteOffset: at, as: UInt32.self)
        raw.storeBytes(of: e & ~3 | UInt32(value & 3), toByteOffset: at, as: UInt32.self)
    }

    /// Whether `slot` (any value; out of range is `false`) holds `line`: an O(1) check of
    /// a remembered slot, the same answer `slot(of:) == slot` gives.
    @inlinable @inline(__always)
    public func holds(_ line: UInt64, at slot: Int) -> Bool {
        guard slot >= 0 && slot < sets &* ways else { return false }
        if wide { return line != Self.empty && storage.words[tagWord &+ slot] == line }
        let s = set(ofSlot: slot)
        guard s == set(of: line) && line &>> narrowShift == 0 else { return false }
        let at = entryByte(set: s, way: slot &- s &* ways)
        return UnsafeRawPointer(storage.words).load(fromByteOffset: at, as: UInt32.self) & ~3 == entryKey(line)
    }

    /// The line of a valid narrow entry of `set`.
    @inlinable @inline(__always)
    func narrowLine(entry: UInt32, set s: Int) -> UInt64 { UInt64(entry &>> 3) &<< setShift | UInt64(truncatingIfNeeded: s) }

    /// Switches to wide mode: writes every present line's tag, rebuilt from its entry.
    @usableFromInline
    mutating func widen() {
        makeUnique()
        let words = storage.words
        for s in 0..<sets {
            for w in 0..<ways {
                let e = UnsafeRawPointer(words).load(fromByteOffset: entryByte(set: s, way: w), as: UInt32.self)
                words[tagWord + s * ways + w] = e & Self.valid != 0 ? narrowLine(entry: e, set: s) : Self.empty
            }
        }
        wide = true
    }

    /// Whether `line` is present.
    @inlinable public func contains(_ line: UInt64) -> Bool { slot(of: line) != nil }

    /// The lines present, in slot order (tests, invariants).
    public var lines: [UInt64] {
        let words = storage.words
        guard !wide else { return UnsafeBufferPointer(start: words + tagWord, count: sets * ways).filter { $0 != Self.empty } }
        return (0..<sets).flatMap { s in
            (0..<ways).compactMap { w -> UInt64? in
                let e = UnsafeRawPointer(words).load(fromByteOffset: entryByte(set: s, way: w), as: UInt32.self)
                return e & Self.valid != 0 ? narrowLine(entry: e, set: s) : nil
            }
        }
    }
}

/// The words of one cache's state: a 64-byte-aligned heap block, so a set's block starts
/// on a host cache line, owned by reference so a copy of the cache shares it until one of
/// them writes (``Cache`` copies it then).
@usableFromInline
final class CacheStorage {
    @usableFromInline let words: UnsafeMutablePointer<UInt64>
    let count: Int

    init(words count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 8, alignment: 64)
        words = raw.bindMemory(to: UInt64.self, capacity: max(count, 1))
        words.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { words.deallocate() }

    /// An unshared copy.
    @usableFromInline
    func copy() -> CacheStorage {
        let c = CacheStorage(words: count)
        c.words.update(from: words, count: count)
        return c
    }
}
