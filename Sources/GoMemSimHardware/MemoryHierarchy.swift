import GoMemSimCore

/// The hardware model the engine attaches: a ``CacheHierarchy`` specialised for the
/// profile's replacement policy, chosen once here so each access is one switch followed
/// by specialised code (no existential per access).
///
/// ```
/// var hw = try MemoryHierarchy(profile: .skylakeSP)
/// let ns = hw.access(address: a, length: 600 << 20, isWrite: true, dependent: false, pageShift: 21)
/// var rows = ModelRows(); hw.runRows(into: &rows)   // cache_stats, tlb_stats, latency
/// ```
public struct MemoryHierarchy: HardwareModel {
    private var lru: CacheHierarchy<LRUPolicy>?
    private var plru: CacheHierarchy<TreePLRUPolicy>?
    private var fifo: CacheHierarchy<FIFOPolicy>?
    private var random: CacheHierarchy<RandomPolicy>?
    public let profile: MachineProfile

    /// Validates `profile` and builds its hierarchy; `classifyMisses` turns on the 3C
    /// classification (slower; the `compulsory`/`capacity`/`conflict` columns are NULL without it).
    public init(profile: MachineProfile, classifyMisses: Bool = false) throws(HardwareConfigError) {
        self.profile = profile
        switch profile.hardware.replacement {
        case .lru: lru = try CacheHierarchy(profile: profile, classifyMisses: classifyMisses)
        case .treePLRU: plru = try CacheHierarchy(profile: profile, classifyMisses: classifyMisses)
        case .fifo: fifo = try CacheHierarchy(profile: profile, classifyMisses: classifyMisses)
        case .random: random = try CacheHierarchy(profile: profile, classifyMisses: classifyMisses)
        }
    }

    public var modelName: String? { profile.name }

    @inlinable
    public mutating func access(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                                pageShift: UInt8) -> UInt64 {
        _access(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
    }

    @usableFromInline
    mutating func _access(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool, pageShift: UInt8) -> UInt64 {
        if lru != nil {
            return lru!.access(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
        } else if plru != nil {
            return plru!.access(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
        } else if fifo != nil {
            return fifo!.access(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
        } else {
            return random!.access(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
        }
    }

    /// Per-level counters, L1 first.
    public var cacheCounters: [CacheCounters] {
        lru?.counters ?? plru?.counters ?? fifo?.counters ?? random?.counters ?? []
    }

    public var levelNames: [String] { profile.hardware.caches.map(\.name) }

    public func tlbCounters(level: TLBLevel, pageShift: UInt8) -> TLBCounters {
        lru?.tlbCounters(level: level, pageShift: pageShift) ?? plru?.tlbCounters(level: level, pageShift: pageShift)
            ?? fifo?.tlbCounters(level: level, pageShift: pageShift)
            ?? random?.tlbCounters(level: level, pageShift: pageShift) ?? TLBCounters()
    }

    /// Line accesses and total modelled ns of reads and writes.
    public var latencyTotals: (reads: UInt64, readNs: Double, writes: UInt64, writeNs: Double) {
        lru?.latencyTotals ?? plru?.latencyTotals ?? fifo?.latencyTotals ?? random?.latencyTotals ?? (0, 0, 0, 0)
    }

    public func checkpointRows(seq: Int, into rows: inout ModelRows) {}

    public func runRows(into rows: inout ModelRows) {
        lru?.runRows(into: &rows)
        plru?.runRows(into: &rows)
        fifo?.runRows(into: &rows)
        random?.runRows(into: &rows)
    }
}
