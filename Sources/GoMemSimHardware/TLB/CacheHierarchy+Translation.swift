extension CacheHierarchy {
    /// Where the page tables of each level live, so their entries occupy cache lines of
    /// their own: level 0 = PTE, 1 = PDE, 2 = PDPTE, 3 = PML4E. An entry of level `L` for
    /// `address` is at `base(L) + (address >> (12 + 9L)) * 8`: neighbouring pages share
    /// page-table lines as in a real radix tree (8 entries per 64-byte line). The tables sit
    /// above the 47-bit user address space, below 2^50 (lines must stay below 2^62).
    @inline(__always)
    static func pageTableEntryAddress(level: Int, address: UInt64) -> UInt64 {
        let base: UInt64 = 1 << 48 &+ UInt64(level) << 45
        return base &+ (address &>> (12 &+ 9 &* UInt64(level))) << 3
    }

    /// `UInt64(x.rounded())` (half away from zero) for `x >= 0`, without a call to libm's
    /// `round` (baseline x86-64 has no rounding instruction): below 2^52 the truncation and
    /// the fraction `x - trunc(x)` are exact, and above it `x` is a whole number already.
    @inline(__always)
    static func rounded(_ x: Double) -> UInt64 {
        guard x < 0x1p52 else { return UInt64(x.rounded()) }
        let whole = Int64(x)
        return UInt64(x - Double(whole) >= 0.5 ? whole &+ 1 : whole)
    }

    /// A 4-level x86-64 walk for a page of class `c` (leaf PTE, PDE or PDPTE): reads one
    /// entry per level below the longest paging-structure-cache match, each through the
    /// data caches, one after the other. Returns the cycles it took.
    mutating func walk(_ address: UInt64, pageClass c: Int) -> Double {
        // The PSC of level L caches entries of level L (PML4E = 3 … PDE = 1): a hit means
        // the walk starts at level L - 1.
        var start = 3
        if translation.hasPSC[2] && c < 1 && translation.pdeCache.lookupOutOfLine(address >> 21) {
            start = 0
        } else if translation.hasPSC[1] && c < 2 && translation.pdpteCache.lookupOutOfLine(address >> 30) {
            start = 1
        } else if translation.hasPSC[0] && translation.pml4eCache.lookupOutOfLine(address >> 39) {
            start = 2
        }
        var cycles = 0.0
        var level = start
        while level >= c {
            let entry = Self.pageTableEntryAddress(level: level, address: address)
            let served = demand(entry &>> lineShift, isWrite: false).level  // flat: flatWalk
            cycles += served < levelCount ? latencyCycles[served] : dramNs * ghz
            level -= 1
        }
        // Remember the upper entries just read.
        if start >= 3 && c < 3 && translation.hasPSC[0] { translation.pml4eCache.insert(address >> 39) }
        if start >= 2 && c < 2 && translation.hasPSC[1] { translation.pdpteCache.insert(address >> 30) }
        if start >= 1 && c < 1 && translation.hasPSC[2] { translation.pdeCache.insert(address >> 21) }
        return cycles
    }
}
