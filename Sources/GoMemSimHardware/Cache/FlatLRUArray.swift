/// One set-associative exact-LRU array (a cache level or a TLB) in the flat form of the
/// plain path (``CacheHierarchy/plain``): each set is `ways` contiguous words in recency
/// order, most recent first; a word is `key << 1 | dirty`, an empty way `UInt64.max`
/// (keys are lines or TLB keys, below 2^61, so no key's word is it).
///
/// A demand lookup that fills on a miss is one pass over the set
/// (``touchOrInsert(_:ways:key:inserting:hitFlag:)``): each word read moves one place
/// back until the key is found (it goes to the front) or the set ends (the new word goes
/// to the front and the last one — the least recent, or an empty way — falls out). That
/// is exact LRU with the first empty way filled first, the policy ``LRUPolicy`` and
/// ``RecencyList`` keep, as long as nothing is invalidated (the plain shape never
/// invalidates: no inclusive level, no victim cache), so the hits, misses and victims
/// are theirs. The geometry is in the value (held for the run), not read from a header.
struct FlatLRUArray {
    /// The first word of set 0, in the hierarchy's ``FlatLRUStore``.
    var tags: UnsafeMutablePointer<UInt64>
    /// Where the array starts in its store, to re-point `tags` at a copy of the store.
    let offset: Int
    let setMask: UInt64
    let ways: Int

    /// The empty way's word.
    static var empty: UInt64 { .max }

    /// Words the array takes in a store.
    static func words(sets: Int, ways: Int) -> Int { sets * ways }

    /// The first (most recent) word of the set `key` maps to.
    @inline(__always)
    func set(of key: UInt64) -> UnsafeMutablePointer<UInt64> {
        tags + Int(truncatingIfNeeded: key & setMask) &* ways
    }

    /// Finds the word whose key is `key` (`word ^ key < 2`, `key` is a key shifted left by
    /// one) in the `n` words at `set`, rolling each word it passes one place back. On a hit
    /// the found word, with `hitFlag` or-ed in, becomes the first; returns its former
    /// position and `empty`. On a miss `word` becomes the first; returns -1 and the word
    /// that fell out of the last way (`empty`: the set was not full).
    @_transparent
    static func touchOrInsert(_ set: UnsafeMutablePointer<UInt64>, ways n: Int, key: UInt64, inserting word: UInt64,
                              hitFlag: UInt64) -> (position: Int, victim: UInt64) {
        // `word` goes first at once (a hit overwrites it); the words roll back four at a
        // time (every preset's array has a multiple of four ways), a match among the four
        // found with three branch-free minimums and one branch, then the rest one by one.
        var previous = word
        var i = 0
        while i &+ 4 <= n {
            let t0 = set[i], t1 = set[i &+ 1], t2 = set[i &+ 2], t3 = set[i &+ 3]
            if min(min(t0 ^ key, t1 ^ key), min(t2 ^ key, t3 ^ key)) < 2 {
                set[i] = previous
                if t0 ^ key < 2 {
                    set[0] = t0 | hitFlag
                    return (i, empty)
                }
                set[i &+ 1] = t0
                if t1 ^ key < 2 {
                    set[0] = t1 | hitFlag
                    return (i &+ 1, empty)
                }
                set[i &+ 2] = t1
                if t2 ^ key < 2 {
                    set[0] = t2 | hitFlag
                    return (i &+ 2, empty)
                }
                set[i &+ 3] = t2
                set[0] = t3 | hitFlag
                return (i &+ 3, empty)
            }
            set[i] = previous
            set[i &+ 1] = t0
            set[i &+ 2] = t1
            set[i &+ 3] = t2
            previous = t3
            i &+= 4
        }
        while i < n {
            let t = set[i]
            set[i] = previous
            if t ^ key < 2 {
                set[0] = t | hitFlag
                return (i, empty)
            }
            previous = t
            i &+= 1
        }
        return (-1, previous)
    }

    /// Marks the word of `key` (shifted left by one) dirty where it sits, without touching
    /// the recency order (a writeback reaching a level that has the line); false if absent.
    @inline(__always)
    static func markDirty(_ set: UnsafeMutablePointer<UInt64>, ways n: Int, key: UInt64) -> Bool {
        var i = 0
        while i < n {
            if set[i] ^ key < 2 {
                set[i] |= 1
                return true
            }
            i &+= 1
        }
        return false
    }

    /// Puts `word` first (a fill of an absent key); returns the word that fell out of the
    /// last way (`empty`: the set was not full).
    @inline(__always)
    static func insert(_ set: UnsafeMutablePointer<UInt64>, ways n: Int, word: UInt64) -> UInt64 {
        let victim = set[n &- 1]
        var i = n &- 1
        while i > 0 {
            set[i] = set[i &- 1]
            i &-= 1
        }
        set[0] = word
        return victim
    }

    /// The keys present, in set and recency order (tests).
    func keys(sets: Int) -> [UInt64] {
        UnsafeBufferPointer(start: tags, count: sets * ways).filter { $0 != Self.empty }.map { $0 >> 1 }
    }
}

/// The words of every ``FlatLRUArray`` of one hierarchy, in one 64-byte-aligned block (a
/// 16-way set is two host lines), owned by reference so a copy of the hierarchy shares it
/// until one of them next accesses memory (``CacheHierarchy`` copies it then).
final class FlatLRUStore {
    let words: UnsafeMutablePointer<UInt64>
    let count: Int

    init(words count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 8, alignment: 64)
        words = raw.bindMemory(to: UInt64.self, capacity: max(count, 1))
        words.initialize(repeating: FlatLRUArray.empty, count: max(count, 1))
    }

    deinit { words.deallocate() }

    /// An unshared copy.
    func copy() -> FlatLRUStore {
        let c = FlatLRUStore(words: count)
        c.words.update(from: words, count: count)
        return c
    }
}
