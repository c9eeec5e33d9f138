#if canImport(Glibc)
import Glibc
#endif

/// One set-associative exact-LRU array (a cache level or a TLB) in the flat form of the
/// flat path (``CacheHierarchy/flat``). A word is `key << 2 | prefetched << 1 | dirty`
/// (``word(_:)``), an empty way `UInt64.max` (keys are lines or TLB keys, below 2^60, so
/// no key's word is it). The prefetched flag marks a line a prefetcher brought in and no
/// demand has used yet.
///
/// Up to 16 ways (every preset) a line stays in the way it was filled into, and each set's
/// words are followed by its 32-byte *meta* block: 16 *fingerprint* bytes, byte `i`
/// way `i`'s (the low 7 bits of the key above the set index, top bit set; an empty or
/// missing way's byte is 0, which matches nothing), and one *recency* word, nibble `i` the
/// way at recency position `i` (0 = most recent). A lookup compares the 16 bytes at once
/// (one SSE2 compare) and reads a way's word only where its byte matches; a hit moves its
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
    var sets: Int { geometry.sets }

    /// The empty way's word.
    static var empty: UInt64 { .max }
    /// A word's flags below its key: written since filled (write-back levels), and brought
    /// in by a prefetcher and not yet used by a demand.
    static var dirty: UInt64 { 1 }
    static var prefetched: UInt64 { 2 }
    static var flagBits: UInt64 { 2 }
    /// Words per set's meta block: fingerprint bytes of ways 0–15, recency, padding to
    /// 32 bytes.
    static var metaWords: Int { 4 }

    /// Words from one set to the next: its ways, then (up to 16 ways) its meta block, so
    /// one multiply finds both (a constant where the way count is).
    @inline(__always)
    static func setWords(ways n: Int) -> Int { n <= 16 ? n &+ metaWords : n }
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

    /// Words the array takes in a store: each set's ways and (up to 16 ways) meta block.
    static func words(sets: Int, ways: Int) -> Int { sets * setWords(ways: ways) }

    /// Sets the meta blocks of a new array (the store's words start as `empty`): no
    /// fingerprint, the ways in order.
    func initializeMeta() {
        guard ways <= 16 else { return }
        for s in 0..<sets {
            let m = tags + s * Self.setWords(ways: ways) + ways
            m[0] = 0
            m[1] = 0
            m[2] = Self.initialRecency
            m[3] = 0
        }
    }

    /// The first word of the set `line` maps to (`g`: this array's ``geometry``).
    @inline(__always)
    func set(of line: UInt64, _ g: FlatGeometry) -> UnsafeMutablePointer<UInt64> {
        tags + Int(truncatingIfNeeded: line & g.setMask) &* Self.setWords(ways: g.ways)
    }

    @inline(__always)
    func set(of line: UInt64) -> UnsafeMutablePointer<UInt64> { set(of: line, geometry) }

    /// The fingerprint byte of `line` and its set's meta block.
    @inline(__always)
    func meta(of line: UInt64, _ g: FlatGeometry) -> (byte: UInt8, block: UnsafeMutablePointer<UInt64>) {
        (Self.fingerprint(line, g), set(of: line, g) + g.ways)
    }

    @inline(__always)
    func meta(of line: UInt64) -> (byte: UInt8, block: UnsafeMutablePointer<UInt64>) { meta(of: line, geometry) }

    /// The fingerprint byte of `line`: the low 7 bits above its set index, top bit set.
    @inline(__always)
    static func fingerprint(_ line: UInt64, _ g: FlatGeometry) -> UInt8 {
        UInt8(truncatingIfNeeded: line &>> g.setShift) | 0x80
    }

    /// The way of `key` in its set by fingerprint (-1: absent): `set` its words, `m` its
    /// meta block, `byte` the key's fingerprint. The 16 bytes are compared at once (`pcmpeqb`,
    /// `pmovmskb`), whatever the way count (bytes past it are 0); a way's word is read only
    /// where its byte matches, lowest way first (a key is in one way at most).
    @inline(__always)
    static func find(_ set: UnsafeMutablePointer<UInt64>, key: UInt64, byte: UInt8,
                     _ m: UnsafeMutablePointer<UInt64>) -> Int {
        var bits = FingerprintBytes.matching(byte, at: m)
        while bits != 0 {
            let j = bits.trailingZeroBitCount
            if matches(set[j], key) { return j }
            bits &= bits &- 1
        }
        return -1
    }

    /// Moves way `j` first in the recency word `r`; returns the new word and the position
    /// `j` was at.
    ///
    /// `x` has a 0 nibble where `r` holds `j`. The lowest set bit of `(x - 0x11…1) & ~x
    /// & 0x88…8` is bit 3 of the lowest 0 nibble of `x` (a borrow only sets bits above a 0
    /// nibble), `j`'s position `p` (nibbles past the way count can repeat a way, but lie
    /// above its own). `z ^ (z - 1)` masks nibbles `0...p`: those shift up one nibble, and
    /// `j` goes first.
    @inline(__always)
    static func touching(_ r: UInt64, way j: Int) -> (recency: UInt64, position: Int) {
        let w = UInt64(truncatingIfNeeded: j)
        let x = r ^ (w &* 0x1111_1111_1111_1111)
        let z = (x &- 0x1111_1111_1111_1111) & ~x & 0x8888_8888_8888_8888
        let through = z ^ (z &- 1)  // nibbles 0...p (all of them where p is 15)
        return (r ^ ((r ^ r &<< 4) & through) | w, z.trailingZeroBitCount &>> 2)
    }

    /// Fills the least recent way of the set (`set` its words, `m` its meta block, `n`
    /// ways) with `word` of fingerprint `byte`; returns the word that fell out (`empty`:
    /// the way was empty).
    @inline(__always)
    static func fill(_ set: UnsafeMutablePointer<UInt64>, _ m: UnsafeMutablePointer<UInt64>, ways n: Int,
                     word: UInt64, byte: UInt8) -> UInt64 {
        let r = m[2]
        let v = Int(truncatingIfNeeded: r &>> UInt64(truncatingIfNeeded: 4 &* (n &- 1))) & 15
        // Nibbles past the n-th collect old ways; harmless: a way's own nibble lies below
        // them, so ``touching(_:way:)`` finds it first, and no victim is taken from them.
        m[2] = r &<< 4 | UInt64(truncatingIfNeeded: v)
        let victim = set[v]
        set[v] = word
        UnsafeMutableRawPointer(m).storeBytes(of: byte, toByteOffset: v, as: UInt8.self)
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
    /// `n` (at most 16). Callers pass a literal, so after inlining the shifts are constants.
    @_transparent
    func demand(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64, _ g: FlatGeometry,
                ways n: Int) -> (position: Int, word: UInt64) {
        let line = Self.key(of: key)
        let s = Int(truncatingIfNeeded: line & g.setMask)
        let set = tags + s &* (n &+ Self.metaWords)
        let m = set + n
        let byte = Self.fingerprint(line, g)
        let j = Self.find(set, key: key, byte: byte, m)
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
            return Self.find(set, key: key, byte: byte, m) >= 0
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
        (0..<sets).flatMap { s in
            UnsafeBufferPointer(start: tags + s * Self.setWords(ways: ways), count: ways).filter { $0 != Self.empty }
        }.map { Self.key(of: $0) }
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
