/// One paging-structure cache (Intel SDM vol. 3 §4.10.3): up to 64 upper-level page-table
/// entries (PML4E, PDPTE or PDE), fully associative, exact LRU.
///
/// Its keys are kept in recency order, most recent first, in an inline array: a lookup
/// scans from the front and moves a hit there; a fill shifts the keys down one place,
/// dropping the last (least recent) when full. The same hits and misses as a one-set
/// LRU ``Cache`` of as many ways, without the set machinery a generic cache needs
/// (entries, digests, a victim scan over 32 stamps): the 32-entry PDE cache was looked up
/// and filled on nearly every walk of a random access.
struct PagingStructureCache {
    static let maxEntries = 64  // profile validation: 0...64
    let capacity: Int
    private(set) var count = 0
    private var keys = InlineArray<64, UInt64>(repeating: 0)

    init(entries: Int) { capacity = min(max(entries, 0), Self.maxEntries) }

    /// Whether `key` is cached; a hit makes it the most recent.
    @inline(__always)
    mutating func lookup(_ key: UInt64) -> Bool {
        var i = 0
        while i < count {
            if keys[i] == key {
                while i > 0 { keys[i] = keys[i &- 1]; i &-= 1 }
                keys[0] = key
                return true
            }
            i &+= 1
        }
        return false
    }

    /// Caches `key` (not cached) as the most recent, evicting the least recent when full.
    @inline(__always)
    mutating func insert(_ key: UInt64) {
        guard capacity > 0 else { return }
        if count < capacity { count &+= 1 }
        var i = count &- 1
        while i > 0 { keys[i] = keys[i &- 1]; i &-= 1 }
        keys[0] = key
    }
}
