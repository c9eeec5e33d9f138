import GoMemSimCore
import GoMemSimTrace

/// The hardware model the engine attaches: one ``CacheHierarchy`` whose caches use the
/// replacement policy the profile names (``ProfilePolicy``, chosen once at init: no
/// existential and no per-access test of which hierarchy is live).
///
/// ```
/// var hw = try MemoryHierarchy(profile: .skylakeSP)
/// let ns = hw.access(address: a, length: 600 << 20, isWrite: true, dependent: false, pageShift: 21)
/// var rows = ModelRows(); hw.runRows(into: &rows)   // cache_stats, tlb_stats, latency
/// ```
public struct MemoryHierarchy: HardwareModel {
    private var hierarchy: CacheHierarchy<ProfilePolicy>
    public let profile: MachineProfile

    /// Validates `profile` and builds its hierarchy; `classifyMisses` turns on the 3C
    /// classification (slower; the `compulsory`/`capacity`/`conflict` columns are NULL without it).
    public init(profile: MachineProfile, classifyMisses: Bool = false) throws(HardwareConfigError) {
        self.profile = profile
        hierarchy = try CacheHierarchy(profile: profile, classifyMisses: classifyMisses)
    }

    public var modelName: String? { profile.name }

    /// One function, not an inlinable wrapper around an internal one: the optimiser merged
    /// the two identical bodies and every access went through two jump thunks.
    public mutating func access(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                                pageShift: UInt8) -> UInt64 {
        hierarchy.access(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: pageShift)
    }

    /// Every access of `run` (a raw-address trace's loads and stores, e.g. a batch from
    /// `BinaryTraceReader.readAccesses(into:)`), in order, with pages of `1 << pageShift`
    /// bytes: the same figures as calling ``access(address:length:isWrite:dependent:pageShift:)``
    /// for each, and the sum of what those calls return, in one call per batch (the
    /// same-line repeats of a sequential pass then run with the hierarchy's state in
    /// registers, not reloaded per access).
    ///
    /// ```
    /// while true {  // batch: an UnsafeMutableBufferPointer<RawAccess>
    ///     let n = try reader.readAccesses(into: batch)
    ///     if n == 0 { guard let record = try reader.next() else { break }; handle(record); continue }
    ///     ns &+= hw.access(UnsafeBufferPointer(rebasing: batch[..<n]), pageShift: 12)
    /// }
    /// ```
    public mutating func access(_ run: UnsafeBufferPointer<RawAccess>, pageShift: UInt8) -> UInt64 {
        hierarchy.access(run, pageShift: pageShift)
    }

    /// Per-level counters, L1 first.
    public var cacheCounters: [CacheCounters] { hierarchy.counters }

    public var levelNames: [String] { profile.hardware.caches.map(\.name) }

    public func tlbCounters(level: TLBLevel, pageShift: UInt8) -> TLBCounters {
        hierarchy.tlbCounters(level: level, pageShift: pageShift)
    }

    /// Line accesses and total modelled ns of reads and writes.
    public var latencyTotals: (reads: UInt64, readNs: Double, writes: UInt64, writeNs: Double) {
        hierarchy.latencyTotals
    }

    public func checkpointRows(seq: Int, into rows: inout ModelRows) {
        hierarchy.checkpointRows(seq: seq, into: &rows)
    }

    public func runRows(into rows: inout ModelRows) {
        hierarchy.runRows(into: &rows)
    }
}
