import GoMemSimCore
@testable import GoMemSimHardware
import Testing

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
/// a sequential write pass, a pointer chase, and 8-byte elements read and written in order.
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
    // 8-byte elements in order, a few of them written, some straddling two lines.
    for i in 0..<40_000 {
        let address = base + (5 << 20) + UInt64(i) * 8 + (i % 97 == 0 ? 4 : 0)
        ns &+= hw.access(address: address, length: i % 89 == 0 ? 16 : 8, isWrite: i % 7 == 0,
                         dependent: i % 11 == 0, pageShift: i < 20_000 ? 12 : 21)
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
        115395, 83431, 31964, 99273, 46977, 67821, 46193, 31964, 5829, 26135, 87750, 35450, 44377, 267, 26135,
        2559, 23576, 0, 0, 0, 0, 69552, 56872, 12680, 0, 0, 34463, 34431, 32, 0, 0, 0, 0, 0, 0, 0, 12680, 1366,
        11314, 11314, 778596, 32, 0, 32, 32, 660, 0, 0, 0, 0, 0, 55794, 48221, 1025983
    ],
    "skylake-sp-fifo": [
        115395, 83428, 31967, 99276, 46977, 67821, 46193, 31967, 4901, 27066, 88668, 35453, 44372, 267, 27066,
        3490, 23576, 0, 0, 0, 0, 69552, 56872, 12680, 0, 0, 34463, 34431, 32, 0, 0, 0, 0, 0, 0, 0, 12680, 1366,
        11314, 11314, 837395, 32, 0, 32, 32, 670, 0, 0, 0, 0, 0, 55794, 48221, 1037260
    ],
    "skylake-sp-random": [
        115395, 83342, 32053, 99357, 46976, 67816, 46184, 32053, 5146, 26907, 89042, 34836, 44272, 246, 26907,
        3331, 23576, 0, 0, 0, 0, 69552, 56872, 12680, 0, 0, 34463, 34431, 32, 0, 0, 0, 0, 0, 0, 0, 12680, 1366,
        11314, 11314, 827349, 32, 0, 32, 32, 660, 0, 0, 0, 0, 0, 55794, 48221, 1035514
    ],
    "skylake-sp-tree-plru": [
        115395, 83430, 31965, 99274, 46977, 67821, 46193, 31965, 5910, 26055, 87664, 35452, 44378, 268, 26055,
        2479, 23576, 0, 0, 0, 0, 69552, 56872, 12680, 0, 0, 34463, 34431, 32, 0, 0, 0, 0, 0, 0, 0, 12680, 1366,
        11314, 11314, 773503, 32, 0, 32, 32, 660, 0, 0, 0, 0, 0, 55794, 48221, 1025113
    ],
    "tiny": [
        171541, 80916, 90625, 90609, 47474, 0, 0, 90625, 8047, 82578, 82514, 47426, 0, 0, 69552, 56824, 12728,
        0, 0, 34463, 25838, 8625, 0, 0, 0, 0, 0, 0, 0, 12728, 6, 12722, 12722, 1415288, 8625, 3079, 5546, 5546,
        77991, 0, 0, 0, 0, 0, 55794, 48221, 3758876
    ],
    "zen3": [
        115077, 83338, 31739, 99027, 47909, 67821, 46193, 31739, 3443, 28296, 98579, 43197, 44584, 131, 28296,
        4720, 23576, 0, 0, 0, 0, 69552, 56862, 12690, 0, 0, 34463, 34431, 32, 0, 0, 0, 0, 0, 0, 0, 12690, 1694,
        10996, 10996, 829191, 32, 0, 32, 32, 716, 0, 0, 0, 0, 0, 55794, 48221, 887959
    ],
]

@Test func latencyRowsOfTheMixedWorkloadAreFixed() throws {
    // The `latency` rows (count, percentiles, max, mean) as the untuned model gave them:
    // the same-line fast path's costs are folded into the histogram when rows are made.
    var hw = try MemoryHierarchy(profile: .skylakeSP)
    _ = mixedWorkload(&hw)
    var rows = ModelRows()
    hw.runRows(into: &rows)
    let latency = try #require(rows.tables.first { $0.name == "latency" }?.table)
    let text = latency.rows.map { $0.map { "\($0)" }.joined(separator: " ") }
    #expect(text == expectedLatencyRows)
}

private let expectedLatencyRows = [
    #"text("read") int(55794) real(0.1) real(28.7) real(118.7) real(183.0) real(184.3) real(11.618533653544315)"#,
    #"text("write") int(48221) real(0.1) real(12.8) real(97.7) real(183.0) real(453.1) real(7.833490249768434)"#,
]
