extension HardwareProfile {
    /// Checks the rules of `schemas/machine-profile.schema.json` and those JSON Schema
    /// cannot say (a level's size divides into a power-of-two number of sets, latencies
    /// grow outwards). The message names the field: `hardware.caches[1].ways: expected …`.
    public func validate() throws(HardwareConfigError) {
        func fail(_ field: String, _ expected: String, _ found: Any) throws(HardwareConfigError) -> Never {
            throw HardwareConfigError("hardware.\(field): expected \(expected), found \(found)")
        }
        func isPowerOfTwo(_ n: Int) -> Bool { n > 0 && n & (n - 1) == 0 }

        if !(coreGHz > 0 && coreGHz <= 10) { try fail("core_ghz", "a frequency in (0, 10] GHz", coreGHz) }
        if !(isPowerOfTwo(lineBytes) && lineBytes >= 8 && lineBytes <= 4096) {
            try fail("line_bytes", "a power of two in 8...4096", lineBytes)
        }
        if caches.isEmpty || caches.count > 8 { try fail("caches", "1 to 8 levels", caches.count) }
        var previousLatency = 0
        for (i, level) in caches.enumerated() {
            let field = "caches[\(i)]"
            if level.name.isEmpty { try fail(field + ".name", "a name such as L1D", "\"\"") }
            if !(level.ways >= 1 && level.ways <= 64) { try fail(field + ".ways", "1...64", level.ways) }
            if replacement == .treePLRU && !isPowerOfTwo(level.ways) {
                try fail(field + ".ways", "a power of two for tree-plru replacement", level.ways)
            }
            let lineBytesPerSet = lineBytes * level.ways
            if level.sizeBytes <= 0 || level.sizeBytes % lineBytesPerSet != 0
                || !isPowerOfTwo(level.sizeBytes / lineBytesPerSet) {
                try fail(field + ".size_bytes",
                         "a power-of-two number of sets of \(level.ways) x \(lineBytes) B lines", level.sizeBytes)
            }
            if level.latencyCycles < 1 || level.latencyCycles < previousLatency {
                try fail(field + ".latency_cycles", "at least 1 and at least the level above (\(previousLatency))",
                         level.latencyCycles)
            }
            if i == 0 && level.inclusion == .exclusive {
                try fail(field + ".inclusion", "inclusive or non-inclusive for the first level", "exclusive")
            }
            previousLatency = level.latencyCycles
        }
        if !(dram.latencyNs > 0 && dram.latencyNs < 10_000) { try fail("dram.latency_ns", "(0, 10000) ns", dram.latencyNs) }
        if !(dram.bandwidthGBps > 0 && dram.bandwidthGBps < 10_000) {
            try fail("dram.bandwidth_gbps", "(0, 10000) GB/s", dram.bandwidthGBps)
        }
        if !(1...256).contains(maxOutstandingMisses) { try fail("max_outstanding_misses", "1...256", maxOutstandingMisses) }
        if let p = prefetchers {
            if !(1...64).contains(p.streamerDistanceLines) {
                try fail("prefetchers.streamer_distance_lines", "1...64", p.streamerDistanceLines)
            }
            if !(1...256).contains(p.streamerStreams) { try fail("prefetchers.streamer_streams", "1...256", p.streamerStreams) }
        }
        let pageShifts = [12, 21, 30]
        var seen: Set<Int> = []
        for (i, array) in tlb.l1.enumerated() {
            let field = "tlb.l1[\(i)]"
            if !pageShifts.contains(array.pageShift) { try fail(field + ".page_shift", "12, 21 or 30", array.pageShift) }
            if !seen.insert(array.pageShift).inserted { try fail(field + ".page_shift", "one array per page size", array.pageShift) }
            try validateArray(field, entries: array.entries, ways: array.ways)
        }
        if let stlb = tlb.stlb {
            try validateArray("tlb.stlb", entries: stlb.entries, ways: stlb.ways)
            if stlb.pageShifts.isEmpty || !stlb.pageShifts.allSatisfy(pageShifts.contains) {
                try fail("tlb.stlb.page_shifts", "a non-empty list of 12, 21, 30", stlb.pageShifts)
            }
        }
        if !(0...1000).contains(tlb.stlbHitCycles) { try fail("tlb.stlb_hit_cycles", "0...1000", tlb.stlbHitCycles) }
        if !(1...16).contains(tlb.pageWalkers) { try fail("tlb.page_walkers", "1...16", tlb.pageWalkers) }
        if let psc = tlb.pagingStructureCaches {
            for (name, n) in [("pml4e", psc.pml4e), ("pdpte", psc.pdpte), ("pde", psc.pde)] where !(0...64).contains(n) {
                try fail("tlb.paging_structure_caches.\(name)", "0...64 entries", n)
            }
        }

        func validateArray(_ field: String, entries: Int, ways: Int) throws(HardwareConfigError) {
            if !(ways >= 1 && ways <= 128) { try fail(field + ".ways", "1...128", ways) }
            if entries <= 0 || entries % ways != 0 || !isPowerOfTwo(entries / ways) {
                try fail(field + ".entries", "a power-of-two number of sets of \(ways) ways", entries)
            }
        }
    }
}

extension MachineProfile {
    /// Validates the hardware section; the name must be non-empty.
    public func validate() throws(HardwareConfigError) {
        if name.isEmpty { throw HardwareConfigError("name: expected a profile name, found \"\"") }
        try hardware.validate()
    }
}
