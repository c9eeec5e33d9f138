import GoMemSimHardware

/// Small machines whose behaviour can be worked out by hand.
enum TestProfiles {
    /// Two levels of `l1Lines` and `l2Lines` lines (one set each, fully associative),
    /// no prefetchers, the tiny profile's TLBs.
    static func twoLevel(l1Lines: Int, l2Lines: Int, l2Inclusion: Inclusion = .nonInclusive,
                         l1Write: WritePolicy = .writeBack) -> MachineProfile {
        var p = MachineProfile.tiny
        p.name = "test-\(l1Lines)-\(l2Lines)-\(l2Inclusion.rawValue)"
        p.hardware.caches = [
            CacheLevelProfile(name: "L1D", sizeBytes: 64 * l1Lines, ways: l1Lines, latencyCycles: 1, write: l1Write),
            CacheLevelProfile(name: "L2", sizeBytes: 64 * l2Lines, ways: l2Lines, latencyCycles: 10,
                              inclusion: l2Inclusion),
        ]
        return p
    }
}

extension MemoryHierarchy {
    /// Reads (or writes) one byte of line `line` of the 4 KiB page at 0x10000.
    mutating func touchLine(_ line: UInt64, write: Bool = false) {
        _ = access(address: 0x10000 + line * 64, length: 1, isWrite: write, dependent: true, pageShift: 12)
    }

    /// Warms the TLB for the page at 0x10000 (its walk goes through the caches) and
    /// returns the counters after it, so a test can look at differences.
    mutating func warmed() -> [CacheCounters] {
        touchLine(63)
        return cacheCounters
    }
}
