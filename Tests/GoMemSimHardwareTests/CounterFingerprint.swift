@testable import GoMemSimHardware

/// What a run leaves in the counters, for comparing two runs that must agree: per-level
/// cache counters, TLB counters per array and page size, the number of line accesses
/// recorded and, with `times`, their exact total modelled time.
func fingerprint(caches: [CacheCounters], tlb: (TLBLevel, UInt8) -> TLBCounters,
                 latency l: (reads: UInt64, readNs: Double, writes: UInt64, writeNs: Double),
                 times: Bool) -> [UInt64] {
    var f: [UInt64] = []
    for c in caches {
        f += [c.accesses, c.hits, c.misses, c.evictions, c.writebacks, c.prefetches, c.prefetchHits]
    }
    for level in [TLBLevel.dTLB, .STLB] {
        for shift: UInt8 in [12, 21, 30] {
            let t = tlb(level, shift)
            f += [t.accesses, t.hits, t.misses, t.walks, t.walkCycles]
        }
    }
    return f + [l.reads, l.writes] + (times ? [l.readNs.bitPattern, l.writeNs.bitPattern] : [])
}

func fingerprint(_ hw: MemoryHierarchy, times: Bool = false) -> [UInt64] {
    fingerprint(caches: hw.cacheCounters, tlb: hw.tlbCounters, latency: hw.latencyTotals, times: times)
}

func fingerprint(_ hw: CacheHierarchy<ProfilePolicy>, times: Bool = false) -> [UInt64] {
    fingerprint(caches: hw.counters, tlb: hw.tlbCounters, latency: hw.latencyTotals, times: times)
}
