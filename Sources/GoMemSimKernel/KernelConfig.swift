/// The machine and kernel settings a `LinuxKernel` models, and the cost of each kernel
/// operation in virtual nanoseconds.
///
/// Defaults describe the machine the calibration figures were measured on: x86-64 Linux
/// 6.x, 4 KiB pages, THP `enabled=madvise`, `defrag=madvise`, no swap, no cgroup limit
/// (../shared/calibration/README.md). Costs are orders of magnitude from
/// facts/linux-paging.md §9; they are defaults, not constants.
public struct KernelConfig: Codable, Hashable, Sendable {
    /// `/sys/kernel/mm/transparent_hugepage/enabled`.
    public enum THPMode: String, Codable, Hashable, Sendable, CaseIterable {
        case always, madvise, never
    }

    /// `/sys/kernel/mm/transparent_hugepage/defrag`: whether a huge-page fault may
    /// stall in direct reclaim to get a 2 MiB page, or falls back to 4 KiB pages.
    public enum THPDefrag: String, Codable, Hashable, Sendable, CaseIterable {
        case always, defer_ = "defer", deferMadvise = "defer+madvise", madvise, never
    }

    /// Base page size: 4 KiB (x86-64), the only one modelled; huge pages are 2 MiB (PMD).
    public var pageSize: UInt64 { 4096 }
    public var thpMode: THPMode = .madvise
    public var thpDefrag: THPDefrag = .madvise
    /// `transparent_hugepage/use_zero_page`: a read fault in a THP-eligible range maps
    /// the huge zero page (no RSS).
    public var thpUseZeroPage = true
    /// `fault_around_bytes` (mm/memory.c): 64 KiB, 16 pages.
    public var faultAroundBytes: UInt64 = 64 << 10
    /// `read_ahead_kb` / `VM_READAHEAD_PAGES`: 128 KiB.
    public var readaheadBytes: UInt64 = 128 << 10
    /// Where top-down `mmap` placement starts (Linux's `mmap_base`, below the stack).
    public var mmapBase: UInt64 = 0x7f00_0000_0000
    /// Physical memory available to the process.
    public var ramBytes: UInt64 = 16 << 30
    /// Swap space; 0 = no swap (anonymous memory is then unreclaimable).
    public var swapBytes: UInt64 = 0
    /// cgroup v2 `memory.max`: above it reclaim, and OOM kill when reclaim fails.
    public var memoryMax: UInt64?
    /// cgroup v2 `memory.high`: above it reclaim and throttle, never OOM.
    public var memoryHigh: UInt64?

    // Costs in virtual ns (facts/linux-paging.md §9).
    /// Trap + fault handling without zeroing or I/O; with `zeroPageNs` ≈ 1 µs per anon fault.
    public var faultNs: UInt64 = 880
    /// Clearing 4 KiB (≈ 34 GB/s); a 2 MiB THP fault clears 512 of them: ≈ 62 µs.
    public var zeroPageNs: UInt64 = 120
    /// Copying 4 KiB for a copy-on-write fault (read + write of the page).
    public var copyPageNs: UInt64 = 240
    /// Mapping one more page-cache page during fault-around.
    public var mapPageNs: UInt64 = 20
    /// A major fault or one readahead I/O from SSD (NVMe 4 KiB random read ≈ 20–150 µs).
    public var majorFaultNs: UInt64 = 100_000
    /// Writing one page to swap (SSD) during reclaim.
    public var swapOutNs: UInt64 = 100_000
    /// Entering and leaving the kernel for a system call (not measured; order of magnitude).
    public var syscallNs: UInt64 = 250
    /// Zapping one 4 KiB PTE and freeing its page (munmap, MADV_DONTNEED): an assumption
    /// far below Go's pessimistic 10 µs/page scavenger pacing estimate (facts §3).
    public var releasePageNs: UInt64 = 100
    /// Zapping one PMD-mapped 2 MiB transparent huge page wholly inside the range
    /// (`zap_huge_pmd`): one PMD, but freeing the order-9 folio walks its 512 struct pages
    /// and flushes the TLB — ≈ 10 µs, far less than 512 PTE zaps. The calibration's 5-6
    /// `wait` run implies more: Go's first ≥ 1 ms scavenger run released 133.9 MiB (67 huge
    /// pages, ≈ 15 µs each with the runtime's own 1 µs per step), which 14 µs here would
    /// reproduce; but its `book` run had released 208 MiB by the 300 MiB `make` (a second
    /// burst the model does not start), and 14 µs would put that step's RSS out of the real
    /// range (322–458 MiB). 10 µs keeps `book` in range and `wait` at 500 ms at 445 MiB
    /// (real 479–545).
    public var releaseHugePageNs: UInt64 = 10_000
    /// read(2)'s copy from the page cache, per byte (≈ 10 GB/s memcpy).
    public var copyByteNs: Double = 0.1
    /// Direct reclaim of one page (LRU scan and free), charged to the faulting task.
    public var reclaimPageNs: UInt64 = 200
    /// `memory.high` throttling per page still over the limit after reclaim; the penalty
    /// of one call is capped at 2 s (MEMCG_MAX_HIGH_DELAY_JIFFIES, mm/memcontrol.c).
    public var highThrottlePageNs: UInt64 = 10_000

    public init() {}

    /// The largest value a cost in ns may take: 2³² ns (4.3 s), as for the runtime's
    /// costs (`CostTable.maxNs`). The fault paths add costs with overflow-checked
    /// arithmetic, so an unbounded one (`UInt64.max`) would trap in the middle of a replay.
    public static let maxCostNs: UInt64 = 1 << 32
    /// The largest ``copyByteNs``: 1 µs a byte, far slower than any copy, and small enough
    /// that a read of the whole address space (2⁴⁷ bytes) costs less than 2⁶⁴ ns.
    public static let maxCopyByteNs: Double = 1_000

    /// Decodes a profile; a missing field keeps its default, so a profile names only
    /// what differs from the measured machine (e.g. `{"thpMode": "always"}`). A cost
    /// above ``maxCostNs``, or a ``copyByteNs`` that is not a number in
    /// 0...``maxCopyByteNs``, is an error naming the field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        func cost(_ key: CodingKeys, _ value: inout UInt64) throws {
            try read(key, &value)
            guard value <= Self.maxCostNs else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "expected a cost of at most \(Self.maxCostNs) ns, found \(value)")
            }
        }
        try read(.thpMode, &thpMode)
        try read(.thpDefrag, &thpDefrag)
        try read(.thpUseZeroPage, &thpUseZeroPage)
        try read(.faultAroundBytes, &faultAroundBytes)
        try read(.readaheadBytes, &readaheadBytes)
        try read(.mmapBase, &mmapBase)
        try read(.ramBytes, &ramBytes)
        try read(.swapBytes, &swapBytes)
        memoryMax = try c.decodeIfPresent(UInt64.self, forKey: .memoryMax)
        memoryHigh = try c.decodeIfPresent(UInt64.self, forKey: .memoryHigh)
        try cost(.faultNs, &faultNs)
        try cost(.zeroPageNs, &zeroPageNs)
        try cost(.copyPageNs, &copyPageNs)
        try cost(.mapPageNs, &mapPageNs)
        try cost(.majorFaultNs, &majorFaultNs)
        try cost(.swapOutNs, &swapOutNs)
        try cost(.syscallNs, &syscallNs)
        try cost(.releasePageNs, &releasePageNs)
        try cost(.releaseHugePageNs, &releaseHugePageNs)
        try read(.copyByteNs, &copyByteNs)
        guard copyByteNs >= 0 && copyByteNs <= Self.maxCopyByteNs else {  // false for NaN too
            throw DecodingError.dataCorruptedError(
                forKey: .copyByteNs, in: c,
                debugDescription: "expected a cost per byte in 0...\(Self.maxCopyByteNs) ns, found \(copyByteNs)")
        }
        try cost(.reclaimPageNs, &reclaimPageNs)
        try cost(.highThrottlePageNs, &highThrottlePageNs)
    }

    /// The short name the run records, e.g. `linux-4k-thp-madvise`.
    public var modelName: String {
        var name = "linux-4k-thp-\(thpMode.rawValue)"
        if swapBytes > 0 { name += "-swap" }
        if memoryMax != nil { name += "-memmax" }
        if memoryHigh != nil { name += "-memhigh" }
        return name
    }
}
