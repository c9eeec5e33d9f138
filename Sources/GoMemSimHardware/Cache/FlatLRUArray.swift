#if canImport(Glibc)
import Glibc
#endif

/// One set-associative exact-LRU array (a cache level or a TLB) in the flat form of the
/// flat path (``CacheHierarchy/flat``). A word is `key << 2 | prefetched << 1 | dirty`
/// (``word(_:)``), an empty way `UInt64.max` (keys are lines or TLB keys, below 2^60, so
/// no key's word is it). The prefetched flag marks a line a prefetcher brought in and no
/// demand has used yet.
///
/// Up to 16 ways (every preset) a line stays in the way it was filled into, and each set
/// has a 32-byte *meta* block after all the sets' words: two words of *fingerprint*
/// bytes, one per way (the low 7 bits of the key above the set index, top bit set; an
/// empty way's byte is 0, which matches nothing), and one *recency* word, nibble `i` the
/// way at recency position `i` (0 = most recent). A lookup compares the 16 bytes at once
/// (SWAR on two words) and reads a way's word only where its byte matches; a hit moves its
/// way's nibble first; a miss takes the way of the last nibble, writes the new word and
/// byte there and rotates that nibble first. So a fill writes one word and its byte — no
/// words move — and a random lookup touches the meta block and one word of the set.
/// Above 16 ways a set is its words in recency order, moved along on each access.
///
/// A demand lookup fills on a miss (``demand(_:inserting:hitFlag:)``); a prefetch or
/// writeback fill (``insert(_:)``) goes first too; a presence test (``contains(_:)``)
/// changes nothing. A new set's recency word lists its ways in order, all empty, so
/// fills take empty ways before any line is evicted. That is exact LRU with empty ways
/// filled first, the policy ``LRUPolicy`` and ``RecencyList`` keep, as long as nothing is
/// invalidated (the flat shape never invalidates: no inclusive level, no victim cache),
/// so the hits, misses and victims are theirs. The geometry is in the value, held for the run.
struct FlatLRUArray {
    /// The first word of set 0, in the hierarchy's ``FlatLRUStore``.
    var tags: UnsafeMutablePointer<UInt64>
    /// Where the array starts in its store, to re-point `tags` at a copy of the store.
    let offset: Int
    /// Its sets and ways. Every operation takes the geometry as an argument too (the
    /// forms without one pass this): a caller that knows the geometry when it is
    /// compiled (``FlatShape``) passes a constant, and the set arithmetic folds.
    let geometry: FlatGeometry
    var ways: Int { geometry.ways }

    /// The empty way's word.
    static var empty: UInt64 { .max }
    /// A word's flags below its key: written since filled (write-back levels), and brought
    /// in by a prefetcher and not yet used by a demand.
    static var dirty: UInt64 { 1 }
    static var prefetched: UInt64 { 2 }
    static var flagBits: UInt64 { 2 }
    /// Words per set's meta block: fingerprints of ways 0–7 and 8–15, recency, padding
    /// (so no block straddles a host line).
    static var metaWords: Int { 4 }
    /// The recency word of a new set: way `i` at position `i`.
    static var initialRecency: UInt64 { 0xFEDC_BA98_7654_3210 }

    /// The word of `key` with no flag set: what lookups compare (a word matches when it
    /// differs from it in the flag bits only).
    @inline(__always)
    static func word(_ key: UInt64) -> UInt64 { key &<< flagBits }

    /// The key a word holds.
    @inline(__always)
    static func key(of word: UInt64) -> UInt64 { word &>> flagBits }

    /// Whether `word` holds the key whose flagless word is `key`.
    @inline(__always)
    static func matches(_ word: UInt64, _ key: UInt64) -> Bool { word ^ key < 1 &<< flagBits }

    /// `sets` a power of two, or 0 for a placeholder never used.
    init(tags: UnsafeMutablePointer<UInt64>, offset: Int, sets: Int, ways: Int) {
        self.tags = tags
        self.offset = offset
        geometry = FlatGeometry(sets: sets, ways: ways)
    }

    /// Words the array takes in a store: the sets, then a meta block per set (up to 16 ways).
    static func words(sets: Int, ways: Int) -> Int { sets * ways + (ways <= 16 ? metaWords * sets : 0) }

    /// Sets the meta blocks of a new array (the store's words start as `empty`): no
    /// fingerprint, the ways in order.
    func initializeMeta() {
        guard ways <= 16 else { return }
        var m = tags + geometry.metaWord
        for _ in 0..<(geometry.metaWord / ways) {
            m[0] = 0
            m[1] = 0
            m[2] = Self.initialRecency
            m[3] = 0
            m += Self.metaWords
        }
    }

    /// The first word of the set `line` maps to (`g`: this array's ``geometry``).
    @inline(__always)
    func set(of line: UInt64, _ g: FlatGeometry) -> UnsafeMutablePointer<UInt64> {
        tags + Int(truncatingIfNeeded: line & g.setMask) &* g.ways
    }

    @inline(__always)
    func set(of line: UInt64) -> UnsafeMutablePointer<UInt64> { set(of: line, geometry) }

    /// The fingerprint byte of `line` (as a word) and its set's meta block.
    @inline(__always)
    func meta(of line: UInt64, _ g: FlatGeometry) -> (byte: UInt64, block: UnsafeMutablePointer<UInt64>) {
        ((line &>> g.setShift) & 0x7F | 0x80,
         tags + (g.metaWord &+ Int(truncatingIfNeeded: line & g.setMask) &* Self.metaWords))
    }

    @inline(__always)
    func meta(of line: UInt64) -> (byte: UInt64, block: UnsafeMutablePointer<UInt64>) { meta(of: line, geometry) }

    /// High bit of each byte of `x` that is 0 (exact: no borrow crosses bytes).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~((x & low7) &+ low7 | x | low7)
    }

    /// High bit of each nibble of `x` that is 0 (exact: no carry crosses nibbles).
    @inline(__always)
    static func zeroNibbles(_ x: UInt64) -> UInt64 {
        let low3: UInt64 = 0x7777_7777_7777_7777
        return ~((x & low3) &+ low3 | x | low3)
    }

    /// The way of `key` in its set by fingerprint (-1: absent): `set` its words, `m` its
    /// meta block, `byte` the key's fingerprint; up to 8 ways only the first fingerprint
    /// word holds bytes (`n` a literal where the caller can give one).
    @inline(__always)
    static func find(_ set: UnsafeMutablePointer<UInt64>, key: UInt64, byte: UInt64,
                     _ m: UnsafeMutablePointer<UInt64>, ways n: Int) -> Int {
        let x = byte &* 0x0101_0101_0101_0101
        var z = zeroBytes(m[0] ^ x)
        while z != 0 {
            let j = z.trailingZeroBitCount &>> 3
            if matches(set[j], key) { return j }
            z &= z &- 1
        }
        guard n > 8 else { return -1 }
        z = zeroBytes(m[1] ^ x)
        while z != 0 {
            let j = 8 &+ z.trailingZeroBitCount &>> 3
            if matches(set[j], key) { return j }
            z &= z &- 1
        }
        return -1
    }

    /// Moves way `j` first in the recency word `r`; returns the new word and the position
    /// `j` was at.
    @inline(__always)
    static func touching(_ r: UInt64, way j: Int) -> (recency: UInt64, position: Int) {
        let w = UInt64(truncatingIfNeeded: j)
        let p = zeroNibbles(r ^ (w &* 0x1111_1111_1111_1111)).trailingZeroBitCount &>> 2
        let bits = UInt64(truncatingIfNeeded: p) &* 4
        let below = (1 &<< bits) &- 1  // nibbles more recent than it (none at position 0)
        let kept = p == 15 ? 0 : r & (UInt64.max &<< (bits &+ 4))
        return (kept | (r & below) &<< 4 | w, p)
    }

    /// Fills the least recent way of the set (`set` its words, `m` its meta block, `n`
    /// ways) with `word` of fingerprint `byte`; returns the word that fell out (`empty`:
    /// the way was empty).
    @inline(__always)
    static func fill(_ set: UnsafeMutablePointer<UInt64>, _ m: UnsafeMutablePointer<UInt64>, ways n: Int,
                     word: UInt64, byte: UInt64) -> UInt64 {
        let r = m[2]
        let v = Int(truncatingIfNeeded: r &>> UInt64(truncatingIfNeeded: 4 &* (n &- 1))) & 15
        // Nibbles past the n-th collect old ways; harmless: a way's own nibble lies below
        // them, so ``touching(_:way:)`` finds it first, and no victim is taken from them.
        m[2] = r &<< 4 | UInt64(truncatingIfNeeded: v)
        let victim = set[v]
        set[v] = word
        let shift = UInt64(truncatingIfNeeded: (v & 7) &* 8)
        let f = m + (v &>> 3)
        f.pointee = f.pointee & ~(0xFF &<< shift) | byte &<< shift
        return victim
    }

    /// A demand lookup of `key` (a key's flagless ``word(_:)``) that fills on a miss. On a
    /// hit the found word becomes the most recent, ``used(_:hitFlag:)``; returns its
    /// recency position and the word as it was (its flags tell whether a prefetch brought
    /// the line). On a miss `word` becomes the most recent; returns -1 and the word that
    /// fell out of the least recent way (`empty`: the set was not full).
    @_transparent
    func demand(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64) -> (position: Int, word: UInt64) {
        let g = geometry
        let n = g.ways
        if n <= 16 { return demand(key, inserting: word, hitFlag: hitFlag, g, ways: n) }
        let set = set(of: Self.key(of: key), g)
        // More than 16 ways: one pass, each word read moving one place back.
        var previous = word
        var i = 0
        while i < n {
            let t = set[i]
            set[i] = previous
            if Self.matches(t, key) {
                set[0] = Self.used(t, hitFlag: hitFlag)
                return (i, t)
            }
            previous = t
            i &+= 1
        }
        return (-1, previous)
    }

    /// What a demand hit leaves of the found word `t`: its prefetched flag cleared (the
    /// line is used now), `hitFlag` (a write's dirty flag) or-ed in.
    @inline(__always)
    static func used(_ t: UInt64, hitFlag: UInt64) -> UInt64 { t & ~prefetched | hitFlag }

    /// ``demand(_:inserting:hitFlag:)``, through ``demand(_:inserting:hitFlag:_:ways:)`` with
    /// a literal way count for the presets' counts (8, 16, 4, 12). `g` is this array's
    /// ``geometry``; where it is a constant (``FlatShape``) the switch folds away.
    @_transparent
    func demandUnrolled(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64,
                        _ g: FlatGeometry) -> (position: Int, word: UInt64) {
        switch g.ways {
        case 8: return demand(key, inserting: word, hitFlag: hitFlag, g, ways: 8)
        case 16: return demand(key, inserting: word, hitFlag: hitFlag, g, ways: 16)
        case 4: return demand(key, inserting: word, hitFlag: hitFlag, g, ways: 4)
        case 12: return demand(key, inserting: word, hitFlag: hitFlag, g, ways: 12)
        default: return demand(key, inserting: word, hitFlag: hitFlag)
        }
    }

    @_transparent
    func demandUnrolled(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64) -> (position: Int, word: UInt64) {
        demandUnrolled(key, inserting: word, hitFlag: hitFlag, geometry)
    }

    /// ``demand(_:inserting:hitFlag:)`` with the geometry `g` and its way count given as
    /// `n` (at most 16). Callers pass a literal, so after inlining the fingerprint test
    /// reads one word for up to 8 ways and the shifts are constants.
    @_transparent
    func demand(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64, _ g: FlatGeometry,
                ways n: Int) -> (position: Int, word: UInt64) {
        let line = Self.key(of: key)
        let s = Int(truncatingIfNeeded: line & g.setMask)
        let set = tags + s &* n
        let m = tags + (g.metaWord &+ s &* Self.metaWords)
        let byte = (line &>> g.setShift) & 0x7F | 0x80
        let j = Self.find(set, key: key, byte: byte, m, ways: n)
        if j >= 0 {
            let t = set[j]
            set[j] = Self.used(t, hitFlag: hitFlag)
            let (r, p) = Self.touching(m[2], way: j)
            m[2] = r
            return (p, t)
        }
        return (-1, Self.fill(set, m, ways: n, word: word, byte: byte))
    }

    /// Whether `key` (a flagless ``word(_:)``) is present, its set left as it was (a
    /// prefetcher's lookup refreshes no recency).
    @inline(__always)
    func contains(_ key: UInt64, _ g: FlatGeometry) -> Bool {
        let line = Self.key(of: key)
        let set = set(of: line, g)
        let ways = g.ways
        if ways <= 16 {
            let (byte, m) = meta(of: line, g)
            return Self.find(set, key: key, byte: byte, m, ways: ways) >= 0
        }
        var i = 0
        while i < ways {
            if Self.matches(set[i], key) { return true }
            i &+= 1
        }
        return false
    }

    @inline(__always)
    func contains(_ key: UInt64) -> Bool { contains(key, geometry) }

    /// Marks the word of `key` (a flagless ``word(_:)``) dirty where it sits, without
    /// touching the recency order (a writeback reaching a level that has the line); false
    /// if absent.
    @inline(__always)
    func markDirty(_ key: UInt64) -> Bool {
        let set = set(of: Self.key(of: key))
        var i = 0
        while i < ways {
            if Self.matches(set[i], key) {
                set[i] |= Self.dirty
                return true
            }
            i &+= 1
        }
        return false
    }

    /// Puts `word` (of a key not present) first in its set; returns the word that fell out
    /// of the least recent way (`empty`: the set was not full).
    @inline(__always)
    func insert(_ word: UInt64, _ g: FlatGeometry) -> UInt64 {
        let line = Self.key(of: word)
        let set = set(of: line, g)
        let ways = g.ways
        if ways <= 16 {
            let (byte, m) = meta(of: line, g)
            return Self.fill(set, m, ways: ways, word: word, byte: byte)
        }
        let victim = set[ways &- 1]
        var i = ways &- 1
        while i > 0 {
            set[i] = set[i &- 1]
            i &-= 1
        }
        set[0] = word
        return victim
    }

    @inline(__always)
    func insert(_ word: UInt64) -> UInt64 { insert(word, geometry) }

    /// The words of the set `line` maps to, most recent first, then its empty ways (tests).
    func recencyOrder(of line: UInt64) -> [UInt64] {
        let set = set(of: line)
        guard ways <= 16 else { return (0..<ways).map { set[$0] } }
        let r = meta(of: line).block[2]
        return (0..<ways).map { set[Int(truncatingIfNeeded: r &>> UInt64(4 * $0)) & 15] }
    }

    /// The keys present, in set order (tests).
    func keys() -> [UInt64] {
        UnsafeBufferPointer(start: tags, count: geometry.metaWord).filter { $0 != Self.empty }.map { Self.key(of: $0) }
    }
}

/// The words of every ``FlatLRUArray`` of one hierarchy, in one 64-byte-aligned block (a
/// 16-way set is two host lines), owned by reference so a copy of the hierarchy shares it
/// until one of them next accesses memory (``CacheHierarchy`` copies it then).
///
/// A store of 2 MiB or more (skylake-sp's: 4.7 MiB, nearly all of it the L3) sits in
/// 2 MiB-aligned memory the kernel is asked to back with huge pages (`MADV_HUGEPAGE`;
/// Linux's THP default is `madvise`): a random access reads a few sets scattered over
/// the L3's state, and on 4 KiB pages each read could miss the host's TLB as well as its
/// caches. Where or how the memory is mapped changes no modelled figure.
final class FlatLRUStore {
    let words: UnsafeMutablePointer<UInt64>
    let count: Int
    /// Whether `words` came from `posix_memalign` (freed with `free`).
    private let aligned: Bool

    init(words count: Int) {
        self.count = count
        let bytes = max(count, 1) * 8
        let huge = 1 << 21
        var raw: UnsafeMutableRawPointer?
        #if os(Linux)
        if bytes >= huge {
            let size = (bytes + huge - 1) & ~(huge - 1)
            if posix_memalign(&raw, huge, size) == 0, let p = raw {
                _ = madvise(p, size, MADV_HUGEPAGE)  // advice only: 4 KiB pages if refused
            } else {
                raw = nil
            }
        }
        #endif
        aligned = raw != nil
        let p = raw ?? UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        words = p.bindMemory(to: UInt64.self, capacity: max(count, 1))
        words.initialize(repeating: FlatLRUArray.empty, count: max(count, 1))
    }

    deinit {
        if aligned { free(words) } else { words.deallocate() }
    }

    /// An unshared copy.
    func copy() -> FlatLRUStore {
        let c = FlatLRUStore(words: count)
        c.words.update(from: words, count: count)
        return c
    }
}
