// Built-in presets. Numbers from facts/hardware-latency.md (§ cited per line); the JSON
// files in profiles/ are these same values (a test keeps them equal).

extension MachineProfile {
    /// The presets by name; `default` is `skylake-sp`.
    public static let presets: [MachineProfile] = [skylakeSP, zen3, zen4, tiny]

    /// A preset by name (`default` = skylake-sp), or `nil`.
    public static func preset(named name: String) -> MachineProfile? {
        let wanted = name == "default" ? "skylake-sp" : name
        return presets.first { $0.name == wanted }
    }

    /// Intel Xeon Scalable (Skylake-SP / Cascade Lake), one core's view.
    public static let skylakeSP = MachineProfile(
        name: "skylake-sp",
        description: "Intel Xeon Skylake-SP: 32 KiB L1D, 1 MiB L2, non-inclusive shared L3, 4 prefetchers",
        hardware: HardwareProfile(
            coreGHz: 3.0,  // all-core turbo of a Gold 61xx (†)
            replacement: .lru,
            caches: [
                CacheLevelProfile(name: "L1D", sizeBytes: 32 << 10, ways: 8, latencyCycles: 4),        // §1
                CacheLevelProfile(name: "L2", sizeBytes: 1 << 20, ways: 16, latencyCycles: 14),        // §1 (Intel quotes 14)
                // §1: 1.375 MiB/core 11-way non-inclusive, ~77 cycles; 24 slices ≈ 33 MiB, modelled as
                // 32 MiB 16-way because the slice hash is not modelled and sets are a power of two.
                CacheLevelProfile(name: "L3", sizeBytes: 32 << 20, ways: 16, latencyCycles: 77, inclusion: .nonInclusive),
            ],
            dram: DRAMProfile(latencyNs: 90, bandwidthGBps: 15),  // §1: 90–130 ns server; 10–20 GB/s per core
            maxOutstandingMisses: 10,                              // §1: ~10–16 L1 fill buffers
            prefetchers: PrefetcherProfile(l1NextLine: true, l2AdjacentPair: true, l2Streamer: true, stride: true,
                                           streamerDistanceLines: 16, streamerStreams: 32),  // §4
            tlb: TLBProfile(
                l1: [TLBArrayProfile(pageShift: 12, entries: 64, ways: 4),   // §5 Skylake
                     TLBArrayProfile(pageShift: 21, entries: 32, ways: 4),
                     TLBArrayProfile(pageShift: 30, entries: 4, ways: 4)],
                stlb: STLBProfile(entries: 1536, ways: 12, pageShifts: [12, 21]),  // §5
                stlbHitCycles: 9,                                                // §5: +7–12 cycles
                pageWalkers: 2,                                                  // §5
                pagingStructureCaches: PagingStructureCachesProfile(pml4e: 2, pdpte: 4, pde: 32)))  // (†)
    )

    /// AMD Zen 3 (EPYC Milan / Ryzen 5000): L3 is a victim cache of the L2s.
    public static let zen3 = MachineProfile(
        name: "zen3",
        description: "AMD Zen 3: 32 KiB L1D, 512 KiB inclusive L2, 32 MiB victim L3 per CCD",
        hardware: HardwareProfile(
            coreGHz: 3.5,  // (†)
            replacement: .lru,
            caches: [
                CacheLevelProfile(name: "L1D", sizeBytes: 32 << 10, ways: 8, latencyCycles: 4),                         // §1
                CacheLevelProfile(name: "L2", sizeBytes: 512 << 10, ways: 8, latencyCycles: 12, inclusion: .inclusive), // §1
                CacheLevelProfile(name: "L3", sizeBytes: 32 << 20, ways: 16, latencyCycles: 46, inclusion: .exclusive), // §1 victim
            ],
            dram: DRAMProfile(latencyNs: 85, bandwidthGBps: 20),  // §1: 75–90 ns
            maxOutstandingMisses: 12,
            prefetchers: PrefetcherProfile(l1NextLine: true, l2AdjacentPair: true, l2Streamer: true, stride: true,
                                           streamerDistanceLines: 16, streamerStreams: 32),
            tlb: TLBProfile(
                // §5: 64 entries fully associative, all page sizes (modelled as one array per size).
                l1: [TLBArrayProfile(pageShift: 12, entries: 64, ways: 64),
                     TLBArrayProfile(pageShift: 21, entries: 64, ways: 64),
                     TLBArrayProfile(pageShift: 30, entries: 64, ways: 64)],
                // §5: 2048 entries (12-way on the part; 16-way here so sets are a power of two).
                stlb: STLBProfile(entries: 2048, ways: 16, pageShifts: [12, 21]),
                stlbHitCycles: 7,
                pageWalkers: 2,
                pagingStructureCaches: PagingStructureCachesProfile(pml4e: 2, pdpte: 4, pde: 32)))
    )

    /// AMD Zen 4 (EPYC Genoa / Ryzen 7000).
    public static let zen4 = MachineProfile(
        name: "zen4",
        description: "AMD Zen 4: 32 KiB L1D, 1 MiB inclusive L2, 32 MiB victim L3 per CCD, DDR5",
        hardware: HardwareProfile(
            coreGHz: 4.0,  // (†)
            replacement: .lru,
            caches: [
                CacheLevelProfile(name: "L1D", sizeBytes: 32 << 10, ways: 8, latencyCycles: 5),                         // §1
                CacheLevelProfile(name: "L2", sizeBytes: 1 << 20, ways: 8, latencyCycles: 14, inclusion: .inclusive),   // §1
                CacheLevelProfile(name: "L3", sizeBytes: 32 << 20, ways: 16, latencyCycles: 50, inclusion: .exclusive), // §1
            ],
            dram: DRAMProfile(latencyNs: 90, bandwidthGBps: 25),  // §1: 75–100 ns DDR5
            maxOutstandingMisses: 16,
            prefetchers: PrefetcherProfile(l1NextLine: true, l2AdjacentPair: true, l2Streamer: true, stride: true,
                                           streamerDistanceLines: 20, streamerStreams: 32),
            tlb: TLBProfile(
                l1: [TLBArrayProfile(pageShift: 12, entries: 72, ways: 72),  // §5: 72 entries, fully associative
                     TLBArrayProfile(pageShift: 21, entries: 72, ways: 72),
                     TLBArrayProfile(pageShift: 30, entries: 72, ways: 72)],
                stlb: STLBProfile(entries: 3072, ways: 12, pageShifts: [12, 21]),  // §5: 3072 entries
                stlbHitCycles: 7,
                pageWalkers: 2,
                pagingStructureCaches: PagingStructureCachesProfile(pml4e: 2, pdpte: 4, pde: 32)))
    )

    /// A deliberately small machine for tests: effects show after a few accesses.
    public static let tiny = MachineProfile(
        name: "tiny",
        description: "Test machine: 1 KiB L1, 4 KiB L2, small TLBs, no prefetchers",
        hardware: HardwareProfile(
            coreGHz: 1.0,
            replacement: .lru,
            caches: [
                CacheLevelProfile(name: "L1D", sizeBytes: 1 << 10, ways: 2, latencyCycles: 1),
                CacheLevelProfile(name: "L2", sizeBytes: 4 << 10, ways: 4, latencyCycles: 10),
            ],
            dram: DRAMProfile(latencyNs: 100, bandwidthGBps: 10),
            maxOutstandingMisses: 4,
            prefetchers: nil,
            tlb: TLBProfile(
                l1: [TLBArrayProfile(pageShift: 12, entries: 8, ways: 2),
                     TLBArrayProfile(pageShift: 21, entries: 4, ways: 2)],
                stlb: STLBProfile(entries: 32, ways: 4, pageShifts: [12, 21]),
                stlbHitCycles: 5,
                pageWalkers: 1,
                pagingStructureCaches: nil))
    )
}
