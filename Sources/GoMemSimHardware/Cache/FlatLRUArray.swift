#if canImport(Glibc)
import Glibc
#endif

/// One set-associative exact-LRU array (a cache level or a TLB) in the flat form of the
/// flat path (``CacheHierarchy/flat``): each set is `ways` contiguous words in recency
/// order, most recent first; a word is `key << 2 | prefetched << 1 | dirty`
/// (``word(_:)``), an empty way `UInt64.max` (keys are lines or TLB keys, below 2^60, so
/// no key's word is it). The prefetched flag marks a line a prefetcher brought in and no
/// demand has used yet.
///
/// Up to 16 ways a set also keeps one *fingerprint* byte per way, in the same order, in
/// two words after all the sets: the low 7 bits of the key above the set index, with the
/// top bit set (an empty or unused way's byte is 0, which matches nothing). A lookup
/// compares the 16 bytes at once (SWAR on two words) and reads a way's word only where its
/// byte matches, so a miss — most lookups below L1 on random accesses — reads no word but
/// the one that falls out. A fill then moves the words back by one and shifts the bytes.
///
/// A demand lookup fills on a miss (``demand(_:inserting:hitFlag:)``): the found or new
/// word goes first and the words before it move back; on a miss the last word — the least
/// recent, or an empty way — falls out. A prefetch fill (``insert(_:)``) goes first too,
/// and a presence test (``contains(_:)``) moves nothing. That is exact LRU with empty ways
/// filled first, the policy ``LRUPolicy`` and ``RecencyList`` keep, as long as nothing is
/// invalidated (the flat shape never invalidates: no inclusive level, no victim cache), so
/// the hits, misses and victims are theirs. The geometry is in the value, held for the run.
struct FlatLRUArray {
    /// The first word of set 0, in the hierarchy's ``FlatLRUStore``.
    var tags: UnsafeMutablePointer<UInt64>
    /// Where the array starts in its store, to re-point `tags` at a copy of the store.
    let offset: Int
    let setMask: UInt64
    let ways: Int
    /// `log2(sets)`: a fingerprint is taken from the key bits above it.
    let setShift: UInt64
    /// Where the fingerprint words start, from `tags` (`sets * ways`).
    let fingerprintWord: Int

    /// The empty way's word.
    static var empty: UInt64 { .max }
    /// A word's flags below its key: written since filled (write-back levels), and brought
    /// in by a prefetcher and not yet used by a demand.
    static var dirty: UInt64 { 1 }
    static var prefetched: UInt64 { 2 }
    static var flagBits: UInt64 { 2 }

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
        setMask = UInt64(max(sets, 1) - 1)
        self.ways = ways
        setShift = UInt64(sets.trailingZeroBitCount)
        fingerprintWord = sets * ways
    }

    /// Words the array takes in a store: the sets, then two fingerprint words per set.
    static func words(sets: Int, ways: Int) -> Int { sets * ways + (ways <= 16 ? 2 * sets : 0) }

    /// Fingerprint words of a new array (the store's words start as `empty`).
    func clearFingerprints() {
        guard ways <= 16 else { return }
        (tags + fingerprintWord).update(repeating: 0, count: fingerprintWord / ways * 2)
    }

    /// The first (most recent) word of the set `key` maps to.
    @inline(__always)
    func set(of key: UInt64) -> UnsafeMutablePointer<UInt64> {
        tags + Int(truncatingIfNeeded: key & setMask) &* ways
    }

    /// The fingerprint byte of `key` (as a word) and its set's fingerprint words.
    @inline(__always)
    func fingerprint(of key: UInt64) -> (byte: UInt64, words: UnsafeMutablePointer<UInt64>) {
        ((key &>> setShift) & 0x7F | 0x80, tags + (fingerprintWord &+ Int(truncatingIfNeeded: key & setMask) &* 2))
    }

    /// High bit of each byte of `x` that is 0 (exact: no borrow crosses bytes).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~((x & low7) &+ low7 | x | low7)
    }

    /// Moves the word at `position` of `set` to the front, the words before it one place
    /// back, as `word`.
    @inline(__always)
    static func moveToFront(_ set: UnsafeMutablePointer<UInt64>, from position: Int, word: UInt64) {
        var i = position
        while i > 0 {
            set[i] = set[i &- 1]
            i &-= 1
        }
        set[0] = word
    }

    /// What a demand hit leaves of the found word `t`: its prefetched flag cleared (the
    /// line is used now), `hitFlag` (a write's dirty flag) or-ed in.
    @inline(__always)
    static func used(_ t: UInt64, hitFlag: UInt64) -> UInt64 { t & ~prefetched | hitFlag }

    /// Puts `word` first in `set`, the others one place back; returns the word that fell
    /// out of the last way.
    @inline(__always)
    static func pushFront(_ set: UnsafeMutablePointer<UInt64>, ways n: Int, word: UInt64) -> UInt64 {
        let victim = set[n &- 1]
        // The presets' way counts get a move of their own, unrolled (16 bytes a step).
        switch n {
        case 16: shiftBack(set, ways: 16)
        case 8: shiftBack(set, ways: 8)
        case 12: shiftBack(set, ways: 12)
        case 4: shiftBack(set, ways: 4)
        default: shiftBack(set, ways: n)
        }
        set[0] = word
        return victim
    }

    /// Moves words `0 ..< n - 1` of `set` one place back, two at a time from the end (each
    /// pair is loaded before the store that overlaps it); with `n` a constant the loop unrolls.
    @inline(__always)
    static func shiftBack(_ set: UnsafeMutablePointer<UInt64>, ways n: Int) {
        let raw = UnsafeMutableRawPointer(set)
        var i = n &- 3
        while i >= 0 {
            let pair = raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD2<UInt64>.self)
            raw.storeBytes(of: pair, toByteOffset: (i &+ 1) &* 8, as: SIMD2<UInt64>.self)
            i &-= 2
        }
        if i == -1 { set[1] = set[0] }  // an even count leaves word 0 to move
    }

    /// The position of `key`'s word in its set by fingerprint (-1: absent); `f` are the
    /// set's fingerprint words, `byte` the key's fingerprint.
    @inline(__always)
    static func find(_ set: UnsafeMutablePointer<UInt64>, key: UInt64, byte: UInt64,
                     _ f: UnsafeMutablePointer<UInt64>) -> Int {
        let x = byte &* 0x0101_0101_0101_0101
        var m = zeroBytes(f[0] ^ x)
        while m != 0 {
            let j = m.trailingZeroBitCount &>> 3
            if matches(set[j], key) { return j }
            m &= m &- 1
        }
        m = zeroBytes(f[1] ^ x)
        while m != 0 {
            let j = 8 &+ m.trailingZeroBitCount &>> 3
            if matches(set[j], key) { return j }
            m &= m &- 1
        }
        return -1
    }

    /// The fingerprint words with the byte at `position` (equal to `byte`) moved first.
    @inline(__always)
    static func movingToFront(_ f: UnsafeMutablePointer<UInt64>, from position: Int, byte: UInt64) {
        let low = f[0]
        if position < 8 {
            let bits = UInt64(truncatingIfNeeded: position) &* 8
            let below = (1 &<< bits) &- 1  // bytes more recent than it (none for position 0)
            let kept = position == 7 ? 0 : low & (UInt64.max &<< (bits &+ 8))
            f[0] = kept | (low & below) &<< 8 | byte
        } else {
            let high = f[1]
            let bits = UInt64(truncatingIfNeeded: position &- 8) &* 8
            let below = (1 &<< bits) &- 1
            let kept = position == 15 ? 0 : high & (UInt64.max &<< (bits &+ 8))
            f[1] = kept | (high & below) &<< 8 | low &>> 56
            f[0] = low &<< 8 | byte
        }
    }

    /// A demand lookup of `key` (a key's flagless ``word(_:)``) that fills on a miss. On a
    /// hit the found word goes first, ``used(_:hitFlag:)``; returns its former position and
    /// the word as it was (its flags tell whether a prefetch brought the line). On a miss
    /// `word` goes first; returns -1 and the word that fell out of the last way (`empty`:
    /// the set was not full).
    @_transparent
    func demand(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64) -> (position: Int, word: UInt64) {
        let n = ways
        if n <= 16 { return demand(key, inserting: word, hitFlag: hitFlag, ways: n) }
        let set = set(of: Self.key(of: key))
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

    /// ``demand(_:inserting:hitFlag:)``, through ``demand(_:inserting:hitFlag:ways:)`` with
    /// a literal way count for the presets' counts (8, 16, 4, 12).
    @_transparent
    func demandUnrolled(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64) -> (position: Int, word: UInt64) {
        switch ways {
        case 8: return demand(key, inserting: word, hitFlag: hitFlag, ways: 8)
        case 16: return demand(key, inserting: word, hitFlag: hitFlag, ways: 16)
        case 4: return demand(key, inserting: word, hitFlag: hitFlag, ways: 4)
        case 12: return demand(key, inserting: word, hitFlag: hitFlag, ways: 12)
        default: return demand(key, inserting: word, hitFlag: hitFlag)
        }
    }

    /// ``demand(_:inserting:hitFlag:)`` with the way count given as `n` (equal to `ways`,
    /// at most 16). Callers pass a literal (``CacheHierarchy`` switches on the presets'
    /// counts: 4, 8, 12, 16), so after inlining the fingerprint test reads one word for up
    /// to 8 ways, the masks are constants and the moves unroll: about half the
    /// instructions of the general form on the random-access path.
    @_transparent
    func demand(_ key: UInt64, inserting word: UInt64, hitFlag: UInt64, ways n: Int) -> (position: Int, word: UInt64) {
        let line = Self.key(of: key)
        let s = Int(truncatingIfNeeded: line & setMask)
        let set = tags + s &* n
        let f = tags + (fingerprintWord &+ s &* 2)
        let byte = (line &>> setShift) & 0x7F | 0x80
        let j = Self.find(set, key: key, byte: byte, f, ways: n)
        if j >= 0 {
            if j != 0 { Self.movingToFront(f, from: j, byte: byte) }
            let t = set[j]
            Self.moveToFront(set, from: j, word: Self.used(t, hitFlag: hitFlag))
            return (j, t)
        }
        Self.pushingFront(f, byte: byte, ways: n)
        return (-1, Self.pushFront(set, ways: n, word: word))
    }

    /// ``find(_:key:byte:_:)`` for `n` ways (at most 16): up to 8 ways only the first
    /// fingerprint word holds bytes (the second stays 0, which matches no fingerprint).
    @inline(__always)
    static func find(_ set: UnsafeMutablePointer<UInt64>, key: UInt64, byte: UInt64,
                     _ f: UnsafeMutablePointer<UInt64>, ways n: Int) -> Int {
        guard n <= 8 else { return find(set, key: key, byte: byte, f) }
        var m = zeroBytes(f[0] ^ (byte &* 0x0101_0101_0101_0101))
        while m != 0 {
            let j = m.trailingZeroBitCount &>> 3
            if matches(set[j], key) { return j }
            m &= m &- 1
        }
        return -1
    }

    /// Whether `key` (a flagless ``word(_:)``) is present, its set left as it was (a
    /// prefetcher's lookup refreshes no recency).
    @inline(__always)
    func contains(_ key: UInt64) -> Bool {
        let line = Self.key(of: key)
        let set = set(of: line)
        if ways <= 16 {
            let (byte, f) = fingerprint(of: line)
            return Self.find(set, key: key, byte: byte, f, ways: ways) >= 0
        }
        var i = 0
        while i < ways {
            if Self.matches(set[i], key) { return true }
            i &+= 1
        }
        return false
    }

    /// The fingerprint words with `byte` put first and the others one place back (the
    /// last way's byte falls out); `n` the way count (a literal where the caller can give
    /// one, so the masks are constants).
    @inline(__always)
    static func pushingFront(_ f: UnsafeMutablePointer<UInt64>, byte: UInt64, ways n: Int) {
        let low = f[0]
        if n > 8 {
            let highMask: UInt64 = n >= 16 ? .max : (1 &<< UInt64(truncatingIfNeeded: 8 &* (n &- 8))) &- 1
            f[1] = (f[1] &<< 8 | low &>> 56) & highMask
        }
        let lowMask: UInt64 = n >= 8 ? .max : (1 &<< UInt64(truncatingIfNeeded: 8 &* n)) &- 1
        f[0] = (low &<< 8 | byte) & lowMask
    }

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
    /// of the last way (`empty`: the set was not full).
    @inline(__always)
    func insert(_ word: UInt64) -> UInt64 {
        let line = Self.key(of: word)
        if ways <= 16 {
            let (byte, f) = fingerprint(of: line)
            Self.pushingFront(f, byte: byte, ways: ways)
        }
        return Self.pushFront(set(of: line), ways: ways, word: word)
    }

    /// The keys present, in set and recency order (tests).
    func keys() -> [UInt64] {
        UnsafeBufferPointer(start: tags, count: fingerprintWord).filter { $0 != Self.empty }.map { Self.key(of: $0) }
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
