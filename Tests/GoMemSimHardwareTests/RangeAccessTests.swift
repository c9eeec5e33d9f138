import GoMemSimCore
@testable import GoMemSimHardware
import Testing

/// What a run leaves in the counters: per-level cache counters, TLB counters per array
/// and page size, and the number of line accesses recorded.
private func fingerprint(_ hw: MemoryHierarchy) -> [UInt64] {
    var f: [UInt64] = []
    for c in hw.cacheCounters {
        f += [c.accesses, c.hits, c.misses, c.evictions, c.writebacks, c.prefetches, c.prefetchHits]
    }
    for level in [TLBLevel.dTLB, .STLB] {
        for shift: UInt8 in [12, 21, 30] {
            let t = hw.tlbCounters(level: level, pageShift: shift)
            f += [t.accesses, t.hits, t.misses, t.walks, t.walkCycles]
        }
    }
    let l = hw.latencyTotals
    return f + [l.reads, l.writes]
}

@Test(arguments: ["skylake-sp", "zen3", "tiny"])
func rangeAccessEqualsItsLinesOneByOne(profileName: String) throws {
    // A range is its lines in order, the first as dependent as asked, the rest independent:
    // the same counters and the same modelled time as those line accesses made one by one.
    let profile = try #require(MachineProfile.preset(named: profileName))
    var ranged = try MemoryHierarchy(profile: profile)
    var single = try MemoryHierarchy(profile: profile)
    let start: UInt64 = 0x7f00_0000_0000 + 40  // unaligned: the first and last lines are partial
    let length: UInt64 = 3 << 20
    let rangedNs = ranged.access(address: start, length: length, isWrite: true, dependent: true, pageShift: 12)
    var singleNs: UInt64 = 0
    var line = start >> 6
    let last = (start + length - 1) >> 6
    while line <= last {
        singleNs += single.access(address: line << 6, length: 1, isWrite: true, dependent: line == start >> 6,
                                  pageShift: 12)
        line += 1
    }
    #expect(fingerprint(ranged) == fingerprint(single))
    #expect(ranged.latencyTotals.writes == 3 << 14 + 1)  // 49152 whole lines plus the partial one
    // Whole nanoseconds are returned with the fraction carried, so the sums agree to 1 ns.
    #expect(rangedNs + 1 >= singleNs && singleNs + 1 >= rangedNs)
}

/// A mixed workload: seeded random reads and writes over 64 MiB (4 KiB and 2 MiB pages),
/// a sequential write pass, a pointer chase and straddling accesses.
private func mixedWorkload(_ hw: inout MemoryHierarchy) -> UInt64 {
    var ns: UInt64 = 0
    var state: UInt64 = 7
    let base: UInt64 = 0x7f00_0000_0000
    for i in 0..<20_000 {
        let r = SplitMix64.next(&state)
        let offset = r & (64 << 20 - 1)
        let shift: UInt8 = r >> 63 == 0 ? 12 : 21
        ns &+= hw.access(address: base + offset, length: 8 << (r >> 60 & 3), isWrite: i % 3 == 0,
                         dependent: i % 5 == 0, pageShift: shift)
    }
    ns &+= hw.access(address: base + (1 << 20), length: 2 << 20, isWrite: true, dependent: false, pageShift: 12)
    for i in 0..<2_000 {
        ns &+= hw.access(address: base + UInt64(i) * 4160, length: 8, isWrite: false, dependent: true, pageShift: 12)
    }
    return ns
}

@Test func modelledFiguresOfAMixedWorkloadAreFixed() throws {
    // The speed work on the hierarchy must not change what it computes: these figures were
    // taken from the model before it was tuned.
    var profiles: [String: MachineProfile] = ["skylake-sp": .skylakeSP, "zen3": .zen3, "tiny": .tiny]
    for kind in [ReplacementKind.treePLRU, .fifo, .random] {
        var p = MachineProfile.skylakeSP
        p.hardware.replacement = kind
        profiles["skylake-sp-\(kind.rawValue)"] = p
    }
    var results: [String: [UInt64]] = [:]
    for (name, profile) in profiles {
        var hw = try MemoryHierarchy(profile: profile)
        let ns = mixedWorkload(&hw)
        results[name] = fingerprint(hw) + [ns]
    }
    #expect(results == expectedMixedWorkloadFigures)
}

/// Cache counters (accesses, hits, misses, evictions, writebacks, prefetches, prefetch
/// hits per level), TLB counters (accesses, hits, misses, walks, walk cycles per array
/// and page size), reads, writes and the total modelled ns of ``mixedWorkload(_:)``.
private let expectedMixedWorkloadFigures: [String: [UInt64]] = [
    "skylake-sp": [
        75287, 43403, 31884, 94271, 42488, 62899, 41272, 31884, 5826, 26058, 82930, 30641, 40103, 266, 26058,
        2556, 23502, 0, 0, 0, 0, 49499, 36859, 12640, 0, 0, 14409, 14377, 32, 0, 0, 0, 0, 0, 0, 0, 12640, 1327,
        11313, 11313, 778582, 32, 0, 32, 32, 660, 0, 0, 0, 0, 0, 21418, 42490, 996026
    ],
    "skylake-sp-fifo": [
        75287, 43400, 31887, 94274, 42488, 62899, 41272, 31887, 4898, 26989, 83848, 30644, 40098, 266, 26989,
        3487, 23502, 0, 0, 0, 0, 49499, 36859, 12640, 0, 0, 14409, 14377, 32, 0, 0, 0, 0, 0, 0, 0, 12640, 1327,
        11313, 11313, 837381, 32, 0, 32, 32, 670, 0, 0, 0, 0, 0, 21418, 42490, 1007303
    ],
    "skylake-sp-random": [
        75287, 43314, 31973, 94355, 42487, 62894, 41263, 31973, 5143, 26830, 84160, 31370, 39968, 245, 26830,
        3328, 23502, 0, 0, 0, 0, 49499, 36859, 12640, 0, 0, 14409, 14377, 32, 0, 0, 0, 0, 0, 0, 0, 12640, 1327,
        11313, 11313, 827335, 32, 0, 32, 32, 660, 0, 0, 0, 0, 0, 21418, 42490, 1005556
    ],
    "skylake-sp-tree-plru": [
        75287, 43402, 31885, 94272, 42488, 62899, 41272, 31885, 5907, 25978, 82844, 30641, 40104, 267, 25978,
        2476, 23502, 0, 0, 0, 0, 49499, 36859, 12640, 0, 0, 14409, 14377, 32, 0, 0, 0, 0, 0, 0, 0, 12640, 1327,
        11313, 11313, 773489, 32, 0, 32, 32, 660, 0, 0, 0, 0, 0, 21418, 42490, 995156
    ],
    "tiny": [
        131271, 45805, 85466, 85450, 42490, 0, 0, 85466, 8045, 77421, 77357, 42490, 0, 0, 49499, 36811, 12688,
        0, 0, 14409, 5785, 8624, 0, 0, 0, 0, 0, 0, 0, 12688, 6, 12682, 12682, 1399585, 8624, 3079, 5545, 5545,
        77970, 0, 0, 0, 0, 0, 21418, 42490, 3573540
    ],
    "zen3": [
        74969, 43310, 31659, 94025, 43416, 62899, 41272, 31659, 3440, 28219, 93759, 39318, 40310, 130, 28219,
        4717, 23502, 0, 0, 0, 0, 49499, 36849, 12650, 0, 0, 14409, 14377, 32, 0, 0, 0, 0, 0, 0, 0, 12650, 1655,
        10995, 10995, 829179, 32, 0, 32, 32, 716, 0, 0, 0, 0, 0, 21418, 42490, 864993
    ],
]
