@testable import GoMemSimHardware
import Testing

// The flat path (`CacheHierarchy.flat`: write-back, non-inclusive, exact LRU, no
// classification; prefetchers or not) must leave exactly what the general path leaves: these
// drive one hierarchy with it and one with it turned off through the same streams and
// compare every returned nanosecond, every counter, the exact latency totals and both
// latency histograms.

/// Profiles the flat path takes: every preset with its prefetchers off (exact LRU), and
/// with them on (below).
private func flatProfiles() -> [String: MachineProfile] {
    var all: [String: MachineProfile] = [:]
    for (name, preset) in [("skylake-sp", MachineProfile.skylakeSP), ("zen3", .zen3), ("zen4", .zen4), ("tiny", .tiny)] {
        var p = preset
        p.hardware.prefetchers = nil
        // Zen's inclusive L2 and victim L3 take the general path: made non-inclusive here,
        // they give the flat path 8-way L2s and a 12-way STLB.
        for k in p.hardware.caches.indices.dropFirst() { p.hardware.caches[k].inclusion = .nonInclusive }
        all["\(name)-no-prefetch"] = p
    }
    var small = MachineProfile.tiny
    small.hardware.prefetchers = nil
    small.hardware.caches[0].ways = 4  // 4-way L1: fills that evict on almost every miss
    small.hardware.caches[0].sizeBytes = 1024
    all["tiny-4-way-l1"] = small
    // Three small levels: dirty lines are evicted and written back at every level.
    var three = small
    three.hardware.caches.append(CacheLevelProfile(name: "L3", sizeBytes: 16 << 10, ways: 8, latencyCycles: 30))
    all["tiny-three-levels"] = three
    // With prefetchers: skylake-sp as shipped (the default profile), Zen made
    // non-inclusive with its own prefetchers, and each prefetcher alone on three small
    // levels, where prefetch fills evict dirty lines.
    all["skylake-sp"] = .skylakeSP
    for (name, preset) in [("zen3", MachineProfile.zen3), ("zen4", .zen4)] {
        var p = preset
        for k in p.hardware.caches.indices.dropFirst() { p.hardware.caches[k].inclusion = .nonInclusive }
        all["\(name)-non-inclusive"] = p
    }
    let each = [PrefetcherProfile(l1NextLine: true), PrefetcherProfile(l2AdjacentPair: true),
                PrefetcherProfile(l2Streamer: true, streamerDistanceLines: 4, streamerStreams: 4),
                PrefetcherProfile(stride: true),
                PrefetcherProfile(l1NextLine: true, l2AdjacentPair: true, l2Streamer: true, stride: true,
                                  streamerDistanceLines: 8, streamerStreams: 2)]
    for (i, prefetchers) in each.enumerated() {
        var p = three
        p.hardware.prefetchers = prefetchers
        all["tiny-three-levels-prefetch-\(i)"] = p
    }
    for (name, p) in all { all[name]?.name = name }
    return all
}

/// One access of a test stream.
private struct Access {
    var address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool, pageShift: UInt8
}

/// The streams: what a sequential pass, uniform random accesses, strides, writes, ranges
/// and mixed page sizes (4 KiB / 2 MiB / 1 GiB) each exercise.
private func streams() -> [String: [Access]] {
    let base: UInt64 = 0x7f00_0000_0000
    var all: [String: [Access]] = [:]
    all["sequential"] = (0..<60_000).map { (i: Int) -> Access in
        Access(address: base &+ UInt64(i) &* 8, length: 8, isWrite: false, dependent: false, pageShift: 12)
    }
    var state: UInt64 = 7
    all["random-1GiB"] = (0..<40_000).map { (_: Int) -> Access in
        let r: UInt64 = SplitMix64.next(&state)
        let offset: UInt64 = r & (1 << 30 - 1) & ~7
        return Access(address: base &+ offset, length: 8, isWrite: r >> 62 == 0, dependent: r >> 61 & 1 == 0, pageShift: 12)
    }
    all["strided-4160"] = (0..<40_000).map { (i: Int) -> Access in
        let offset: UInt64 = UInt64(i) &* 4160 % (64 << 20)
        return Access(address: base &+ offset, length: 8, isWrite: i % 3 == 0, dependent: i % 2 == 0, pageShift: 12)
    }
    let shifts: [UInt8] = [12, 12, 21, 21, 30, 11, 13, 16]
    state = 11
    var address = base
    var shift: UInt8 = 12
    all["mixed"] = (0..<60_000).map { (_: Int) -> Access in
        let r: UInt64 = SplitMix64.next(&state)
        switch r & 15 {
        case 0, 1: address = base &+ (r >> 8) & (512 << 20 - 1)        // a new place
        case 2: shift = shifts[Int(r >> 8 & 7)]                         // the page size changes
        case 3: address = (r >> 8) & (1 << 40 - 1)                      // anywhere, low half
        case 4, 5: address &+= 64                                       // the next line
        case 6: address = base &+ (r >> 8) & (48 << 20 - 1)             // a small working set
        default: address = address & ~63 | (r >> 8 & 63)                // the same line
        }
        let length: UInt64 = switch r >> 20 & 15 {
        case 0: r >> 24 & 4095            // a range of up to 4 KiB, may straddle pages
        case 1: 0
        case 2: r >> 24 & 127
        default: r >> 24 & 1 == 0 ? 8 : 1
        }
        return Access(address: address, length: length, isWrite: r >> 32 & 3 == 0, dependent: r >> 34 & 1 == 0,
                      pageShift: shift)
    }
    state = 13
    all["small-working-set-writes"] = (0..<40_000).map { (_: Int) -> Access in
        let r: UInt64 = SplitMix64.next(&state)
        let offset: UInt64 = r & (64 << 10 - 1)  // 64 KiB: past the small levels, inside skylake's L2
        return Access(address: base &+ offset, length: 8, isWrite: r >> 63 == 0, dependent: false, pageShift: 12)
    }
    all["ranges"] = (0..<64).map { (i: Int) -> Access in
        let offset: UInt64 = UInt64(i % 8) << 22 &+ UInt64(i) &* 24
        let length: UInt64 = UInt64(i % 5 + 1) << 16
        let shift: UInt8 = i % 3 == 0 ? 21 : 12
        return Access(address: base &+ offset, length: length, isWrite: i % 4 == 1, dependent: i % 2 == 0, pageShift: shift)
    }
    return all
}

@Test(arguments: flatProfiles().sorted { $0.key < $1.key }.map(\.value))
func theFlatPathLeavesWhatTheGeneralPathLeaves(profile: MachineProfile) throws {
    var prefetches: UInt64 = 0, prefetchHits: UInt64 = 0
    for (name, stream) in streams().sorted(by: { $0.key < $1.key }) {
        var flat = try CacheHierarchy<ProfilePolicy>(profile: profile)
        var general = try CacheHierarchy<ProfilePolicy>(profile: profile, classifyMisses: false, allowsFlatPath: false)
        #expect(flat.flat, "\(profile.name)")
        #expect(!general.flat)
        var mismatches = 0
        for a in stream {
            let x = flat.access(address: a.address, length: a.length, isWrite: a.isWrite, dependent: a.dependent,
                                 pageShift: a.pageShift)
            let y = general.access(address: a.address, length: a.length, isWrite: a.isWrite, dependent: a.dependent,
                                   pageShift: a.pageShift)
            if x != y { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(profile.name) \(name)")
        #expect(fingerprint(flat, times: true) == fingerprint(general, times: true), "\(profile.name) \(name)")
        #expect(flat.readLatencies.histogram() == general.readLatencies.histogram(), "\(profile.name) \(name)")
        #expect(flat.writeLatencies.histogram() == general.writeLatencies.histogram(), "\(profile.name) \(name)")
        for k in 0..<flat.levelCount {
            #expect(flat.residentLines(level: k).sorted() == general.residentLines(level: k).sorted(), "\(profile.name) \(name)")
        }
        #expect(flat.counters[0].misses > 0)
        prefetches += flat.counters.reduce(0) { $0 + $1.prefetches }
        prefetchHits += flat.counters.reduce(0) { $0 + $1.prefetchHits }
    }
    // The prefetching profiles' streams did prefetch, and used some of it.
    #expect((prefetches > 1000 && prefetchHits > 1000) == (profile.hardware.prefetchers != nil), "\(profile.name)")
}

@Test func theFlatPathIsTakenOnlyByTheFlatShape() throws {
    var p = MachineProfile.skylakeSP
    #expect(try CacheHierarchy<ProfilePolicy>(profile: p).flat)  // prefetchers on
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: .zen3).flat)  // inclusive L2, victim L3
    p.hardware.prefetchers = nil
    #expect(try CacheHierarchy<ProfilePolicy>(profile: p).flat)
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: p, classifyMisses: true).flat)
    var writeThrough = p
    writeThrough.hardware.caches[0].write = .writeThrough
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: writeThrough).flat)
    var inclusive = p
    inclusive.hardware.caches[2].inclusion = .inclusive
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: inclusive).flat)
    var exclusive = p
    exclusive.hardware.caches[2].inclusion = .exclusive
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: exclusive).flat)
    for kind in ReplacementKind.allCases {  // only exact LRU keeps a recency list per set
        var q = p
        q.hardware.replacement = kind
        #expect(try CacheHierarchy<ProfilePolicy>(profile: q).flat == (kind == .lru))
    }
    var wide = p
    wide.hardware.caches[2].ways = 32  // LRU over 32 ways keeps stamps, not a recency list
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: wide).flat)
}

/// Skylake-SP's geometry takes the flat path's code specialised for it (``SkylakeSPShape``),
/// with or without its prefetchers, so the differential test above checks that code
/// against the general path; any other geometry, even one array's, takes the code that
/// reads the arrays' geometry.
@Test func onlySkylakeSPsGeometryTakesTheCodeSpecialisedForIt() throws {
    var p = MachineProfile.skylakeSP
    let skylake = try CacheHierarchy<ProfilePolicy>(profile: p)
    #expect(skylake.skylakeSPShaped)
    // The constant the shape holds for what its geometry implies.
    #expect(skylake.firstPrefetchedLevel == SkylakeSPShape.firstPrefetchedLevel)
    p.hardware.prefetchers = nil
    #expect(try CacheHierarchy<ProfilePolicy>(profile: p).skylakeSPShaped)
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: p, classifyMisses: true).skylakeSPShaped)  // not flat
    for profile in [MachineProfile.zen3, .zen4, .tiny] {
        #expect(try !CacheHierarchy<ProfilePolicy>(profile: profile).skylakeSPShaped)
    }
    var changes: [(inout MachineProfile) -> Void] = [
        { $0.hardware.caches[2].sizeBytes = 16 << 20 },  // L3 sets
        { $0.hardware.caches[1].ways = 8; $0.hardware.caches[1].sizeBytes = 512 << 10 },  // L2 ways, same sets
        { $0.hardware.caches.removeLast() },  // two levels
        { $0.hardware.tlb.l1[0] = TLBArrayProfile(pageShift: 12, entries: 32, ways: 4) },  // dTLB sets
        { $0.hardware.tlb.l1[1] = TLBArrayProfile(pageShift: 21, entries: 32, ways: 8) },  // 2 MiB dTLB ways
        { $0.hardware.tlb.stlb = STLBProfile(entries: 2048, ways: 16, pageShifts: [12, 21]) },
    ]
    changes.append { $0.hardware.lineBytes = 128 }  // L1 of 32 sets
    for change in changes {
        var q = p
        change(&q)
        let h = try CacheHierarchy<ProfilePolicy>(profile: q)
        #expect(h.flat && !h.skylakeSPShaped)
    }
    // Arrays the shape fixes but the profile lacks are not looked at.
    var noHuge = p
    noHuge.hardware.tlb.l1.removeLast()  // no 1 GiB dTLB
    #expect(try CacheHierarchy<ProfilePolicy>(profile: noHuge).skylakeSPShaped)
}

/// The flat path converts a walk's cycles without rounding only when every read's cycles
/// are whole (skylake-sp: DRAM 90 ns at 3 GHz, 270 cycles); zen3's 85 ns at 3.5 GHz is
/// 297.5 cycles, so its walks round, and the differential test above covers both.
@Test func walkCyclesAreConvertedWithoutRoundingOnlyWhenWhole() throws {
    var skylake = MachineProfile.skylakeSP
    skylake.hardware.prefetchers = nil
    var zen3 = MachineProfile.zen3
    zen3.hardware.prefetchers = nil
    #expect(try CacheHierarchy<ProfilePolicy>(profile: skylake).wholeWalkCycles)
    #expect(try !CacheHierarchy<ProfilePolicy>(profile: zen3).wholeWalkCycles)
}
