import GoMemSimHardware
import Testing

/// The chapter's claim, from the model's mechanisms: a sequential pass over 8-byte
/// elements costs at least 10x less per element than uniform random 8-byte accesses over
/// 1 GiB (facts/hardware-latency.md §3 measures ~12x). The pass covers the first 64 MiB
/// of the GiB (twice the L3, so DRAM serves it, in steady state per page) to keep the
/// debug-build test short; `gomemsim-bench hardware` prints the full-GiB figures.
@Test func sequentialPassIsTenTimesCheaperPerAccessThanRandomOnSkylakeSP() throws {
    let base: UInt64 = 0x7f00_0000_0000
    let size: UInt64 = 1 << 30
    let passBytes: UInt64 = 64 << 20
    let elements = Double(passBytes / 8)

    var sequential = try MemoryHierarchy(profile: .skylakeSP)
    let sequentialNs = Double(sequential.access(address: base, length: passBytes, isWrite: false, dependent: false,
                                                pageShift: 12))
    let perElementSequential = sequentialNs / elements

    var random = try MemoryHierarchy(profile: .skylakeSP)
    var state: UInt64 = 2026
    let accesses = 50_000
    var randomNs: UInt64 = 0
    for _ in 0..<accesses {
        let offset = SplitMix64.next(&state) % (size / 8) * 8
        randomNs += random.access(address: base + offset, length: 8, isWrite: false, dependent: false, pageShift: 12)
    }
    let perAccessRandom = Double(randomNs) / Double(accesses)

    #expect(perAccessRandom >= 10 * perElementSequential,
            "sequential \(perElementSequential) ns/element, random \(perAccessRandom) ns/access")

    // Why: the sequential pass is served by prefetched lines and touches a new page every
    // 512 elements; random accesses miss the caches and the TLBs.
    let s = sequential.cacheCounters, r = random.cacheCounters
    let lines = passBytes / 64
    #expect(s[0].prefetchHits > lines * 9 / 10)             // L1 next-line / streamer fed the pass
    #expect(s[0].misses < lines / 10)
    #expect(r[0].prefetchHits < UInt64(accesses) / 100)      // nothing to predict
    #expect(r[2].misses > UInt64(accesses) * 9 / 10)         // 1 GiB does not fit a 32 MiB L3
    let sTLB = sequential.tlbCounters(level: .STLB, pageShift: 12)
    let rTLB = random.tlbCounters(level: .STLB, pageShift: 12)
    #expect(sTLB.walks == passBytes >> 12)                   // one walk per page
    #expect(rTLB.walks > UInt64(accesses) * 9 / 10)          // 6 MiB of STLB reach over 1 GiB
    #expect(Double(rTLB.walkCycles) / Double(rTLB.walks) > 2 * Double(sTLB.walkCycles) / Double(sTLB.walks))

    // THP: the same random accesses with 2 MiB pages walk once per huge page at most.
    var huge = try MemoryHierarchy(profile: .skylakeSP)
    state = 2026
    var hugeNs: UInt64 = 0
    for _ in 0..<accesses {
        let offset = SplitMix64.next(&state) % (size / 8) * 8
        hugeNs += huge.access(address: base + offset, length: 8, isWrite: false, dependent: false, pageShift: 21)
    }
    #expect(huge.tlbCounters(level: .STLB, pageShift: 21).walks <= 512)
    #expect(hugeNs < randomNs)
}

/// Memory-level parallelism: a pointer chase (each access dependent on the last) pays
/// every miss whole; the same addresses as independent loads overlap.
@Test func dependentMissesDoNotOverlap() throws {
    let base: UInt64 = 0x7f00_0000_0000
    func total(dependent: Bool) throws -> UInt64 {
        var hw = try MemoryHierarchy(profile: .skylakeSP)
        var state: UInt64 = 7
        var ns: UInt64 = 0
        for _ in 0..<20_000 {
            let offset = SplitMix64.next(&state) % (1 << 27) * 8
            ns += hw.access(address: base + offset, length: 8, isWrite: false, dependent: dependent, pageShift: 21)
        }
        return ns
    }
    let chased = try total(dependent: true)
    let independent = try total(dependent: false)
    #expect(Double(chased) / 20_000 > 85)   // ≈ DRAM latency each (90 ns on skylake-sp)
    #expect(Double(chased) > 5 * Double(independent))
}
