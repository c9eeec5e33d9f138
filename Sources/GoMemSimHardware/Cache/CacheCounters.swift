/// What happened at one cache level, the `cache_stats` row.
///
/// `accesses` are demand line accesses that reached the level (an access straddling two
/// lines counts twice); page-walk reads of page-table entries are demand accesses too,
/// as the hardware's own counters see them. Prefetch fills are counted apart.
public struct CacheCounters: Hashable, Sendable {
    public var accesses: UInt64 = 0
    public var hits: UInt64 = 0
    public var misses: UInt64 = 0
    /// Valid lines pushed out to make room (by demand or prefetch fills, or back-invalidation).
    public var evictions: UInt64 = 0
    /// Dirty lines written to the next level or DRAM.
    public var writebacks: UInt64 = 0
    /// 3C classification of misses (Hill 1987): first touch, would miss in a fully
    /// associative LRU cache of the same size, or neither. Zero unless classification is on.
    public var compulsory: UInt64 = 0
    public var capacity: UInt64 = 0
    public var conflict: UInt64 = 0
    /// Lines a prefetcher brought into this level.
    public var prefetches: UInt64 = 0
    /// Demand hits on lines a prefetcher brought in (each counted on first use).
    public var prefetchHits: UInt64 = 0

    public init() {}
}

/// What happened at one TLB array for one page size, the `tlb_stats` row.
public struct TLBCounters: Hashable, Sendable {
    public var accesses: UInt64 = 0
    public var hits: UInt64 = 0
    public var misses: UInt64 = 0
    /// Page walks started by misses here that no further TLB level caught.
    public var walks: UInt64 = 0
    /// Core cycles those walks took (each page-table read at the latency of the level it hit).
    public var walkCycles: UInt64 = 0

    public init() {}
}
