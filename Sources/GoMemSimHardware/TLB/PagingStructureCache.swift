/// One paging-structure cache (Intel SDM vol. 3 §4.10.3): up to 64 upper-level page-table
/// entries (PML4E, PDPTE or PDE), fully associative, exact LRU.
///
/// The keys sit in a ring in recency order: logical position `i` (0 = most recent) is slot
/// `(head + i) mod capacity`. A fill — nearly every walk of a random access fills the PDE
/// cache — is O(1): the slot before `head` is free or holds the least recent key, and
/// becomes the new head. A lookup compares 32-bit digests four slots at a time and
/// confirms a match on the full key; a hit moves its key to the front, shifting only the
/// keys more recent than it. The same hits and misses as a one-set LRU ``Cache`` of as
/// many ways, without a generic cache's set machinery (a 32-stamp victim scan per fill).
///
/// Keys and digests live in one heap buffer, not inline arrays: reading an element of a
/// large `InlineArray` made the optimiser copy the whole array (a `memcpy` per walk). The
/// buffer is updated in place without a uniqueness check: a copy must call
/// ``makeUnique()`` before it changes (``CacheHierarchy`` does, once per copy).
struct PagingStructureCache {
    static let maxEntries = 64  // profile validation: 0...64
    let capacity: Int
    private(set) var count = 0
    /// The slot of the most recent key.
    private var head = 0
    /// `capacity` rounded up to four slots: the key of slot `s` is word `s`, its digest
    /// (low 32 bits) is 32-bit element `s` after the keys. An empty slot's key is
    /// `UInt64.max` (keys are page numbers, below 2^52), its digest `UInt32.max`.
    private let slots: Int
    /// Where the presence filter starts, in words: 256 one-byte counts after the digests,
    /// count `b` the number of cached keys whose low byte is `b`. A lookup whose count is
    /// 0 misses without a scan — most PDE-cache lookups of a random access over more
    /// memory than the cache covers (32 entries: about one count in eight is nonzero).
    private let filterWord: Int
    /// The buffer's owner (for copies), and its words, held here too: read through the
    /// owner, every use loaded the pointer again after any store (~10 loads a walk).
    private var storage: CacheStorage
    private var words: UnsafeMutablePointer<UInt64>

    init(entries: Int) {
        capacity = min(max(entries, 0), Self.maxEntries)
        slots = (capacity + 3) & ~3
        filterWord = slots + slots / 2
        storage = CacheStorage(words: filterWord + 32)
        words = storage.words
        words.update(repeating: .max, count: filterWord)
        (words + filterWord).update(repeating: 0, count: 32)
        // A 0-entry cache's head slot (word 0) holds the first filter word, 0: never asked
        // (the walk skips a cache of no entries) and never a hit (`lookup` checks `capacity`).
    }

    /// The presence filter's count for `key`.
    @inline(__always)
    private func filterCount(_ key: UInt64) -> UnsafeMutablePointer<UInt8> {
        UnsafeMutableRawPointer(words + filterWord).assumingMemoryBound(to: UInt8.self)
            + Int(truncatingIfNeeded: key & 255)
    }

    /// Gives this copy a buffer of its own.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
            words = storage.words
        }
    }

    /// ``lookup(_:)`` kept out of line, for the general path's walk: inlined there, its
    /// SIMD loads stayed calls (~90 instructions a random access, callgrind).
    @inline(never)
    mutating func lookupOutOfLine(_ key: UInt64) -> Bool { lookup(key) }

    /// Whether `key` is cached; a hit makes it the most recent.
    @inline(__always)
    mutating func lookup(_ key: UInt64) -> Bool {
        // The most recent key again (a walk's PDPTE over one GiB, nearly every time): a hit
        // that moves nothing. An empty head slot holds `UInt64.max`, which is no key.
        if words[head] == key && capacity > 0 { return true }
        if filterCount(key).pointee == 0 { return false }
        let p = slot(of: key)
        guard p >= 0 else { return false }
        var distance = p &- head  // the hit's recency position
        if distance < 0 { distance &+= capacity }
        let words = words
        var s = p
        while distance > 0 {  // the keys more recent than it move one place back
            let previous = s == 0 ? capacity &- 1 : s &- 1
            Self.store(words[previous], at: s, words, slots: slots)
            s = previous
            distance &-= 1
        }
        Self.store(key, at: head, words, slots: slots)
        return true
    }

    /// Caches `key` (not cached) as the most recent, evicting the least recent when full.
    @inline(__always)
    mutating func insert(_ key: UInt64) {
        guard capacity > 0 else { return }
        head = head == 0 ? capacity &- 1 : head &- 1  // free, or the least recent when full
        if count < capacity {
            count &+= 1
        } else {
            filterCount(words[head]).pointee &-= 1  // the least recent key leaves
        }
        Self.store(key, at: head, words, slots: slots)
        filterCount(key).pointee &+= 1
    }

    /// The slot holding `key`, or -1.
    @inline(__always)
    func slot(of key: UInt64) -> Int {
        let wanted = SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: key))
        let slots = slots
        let words = words
        do {
            let digests = UnsafeRawPointer(words + slots)
            var group = 0
            // 16 digests per branch while they last (a 32-entry PDE cache misses in two).
            while group &+ 16 <= slots {
                var m = digests.loadUnaligned(fromByteOffset: group &* 4, as: SIMD4<UInt32>.self) .== wanted
                m .|= digests.loadUnaligned(fromByteOffset: group &* 4 &+ 16, as: SIMD4<UInt32>.self) .== wanted
                m .|= digests.loadUnaligned(fromByteOffset: group &* 4 &+ 32, as: SIMD4<UInt32>.self) .== wanted
                m .|= digests.loadUnaligned(fromByteOffset: group &* 4 &+ 48, as: SIMD4<UInt32>.self) .== wanted
                if m.anyLane { break }
                group &+= 16
            }
            while group < slots {
                let match = digests.loadUnaligned(fromByteOffset: group &* 4, as: SIMD4<UInt32>.self) .== wanted
                if match.anyLane {
                    var s = group
                    while s < group &+ 4 {
                        if words[s] == key { return s }
                        s &+= 1
                    }
                }
                group &+= 4
            }
            return -1
        }
    }

    @inline(__always)
    private static func store(_ key: UInt64, at s: Int, _ words: UnsafeMutablePointer<UInt64>, slots: Int) {
        words[s] = key
        UnsafeMutableRawPointer(words + slots).storeBytes(of: UInt32(truncatingIfNeeded: key), toByteOffset: s &* 4,
                                                         as: UInt32.self)
    }
}
