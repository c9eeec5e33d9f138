/// The figures recorded at a checkpoint or a sample, named as Linux (`/proc/self/status`)
/// and the Go runtime (`runtime.MemStats`, `runtime/metrics`) name them, in bytes.
///
/// Every field is optional: a figure that no attached model computes stays `nil` and is
/// stored as SQL `NULL`, never as 0. The kernel model fills the `/proc` fields, the Go
/// runtime model the runtime fields, the engine its own trace-level counts.
public struct MemoryFigures: Hashable, Sendable {
    // /proc/self/status (kernel model)
    public var vmSize: UInt64?
    public var vmRSS: UInt64?
    public var rssAnon: UInt64?
    public var rssFile: UInt64?
    public var rssShmem: UInt64?
    public var vmHWM: UInt64?
    public var vmSwap: UInt64?
    /// Bytes of the page cache (all files), which `VmRSS` does not include.
    public var pageCache: UInt64?
    public var minorFaults: UInt64?
    public var majorFaults: UInt64?

    // runtime.MemStats (Go runtime model)
    public var heapAlloc: UInt64?
    public var heapSys: UInt64?
    public var heapInuse: UInt64?
    public var heapIdle: UInt64?
    public var heapReleased: UInt64?
    public var heapObjects: UInt64?
    public var stackInuse: UInt64?
    public var sys: UInt64?
    public var totalAlloc: UInt64?
    public var mallocs: UInt64?
    public var frees: UInt64?
    /// `MemStats.NextGC` = `/gc/heap/goal:bytes`.
    public var nextGC: UInt64?
    public var numGC: UInt64?
    public var numForcedGC: UInt64?
    public var pauseTotalNs: UInt64?
    /// `MemStats.GCCPUFraction`.
    public var gcCPUFraction: Double?
    /// `mappedReady`: what GOMEMLIMIT is compared against (`Sys - HeapReleased`).
    public var mappedReady: UInt64?

    // The trace itself (engine): what the program did, whatever the models say.
    public var liveObjects: UInt64?
    public var liveBytes: UInt64?
    public var allocatedBytes: UInt64?
    public var freedBytes: UInt64?

    public init() {}

    /// Column names (snake_case, as stored) and values, in schema order.
    public var columns: [(name: String, value: FigureValue)] {
        func u(_ v: UInt64?) -> FigureValue { v.map { .int(Int64(clamping: $0)) } ?? .null }
        return [
            ("vm_size", u(vmSize)), ("vm_rss", u(vmRSS)), ("rss_anon", u(rssAnon)),
            ("rss_file", u(rssFile)), ("rss_shmem", u(rssShmem)), ("vm_hwm", u(vmHWM)),
            ("vm_swap", u(vmSwap)), ("page_cache", u(pageCache)),
            ("minor_faults", u(minorFaults)), ("major_faults", u(majorFaults)),
            ("heap_alloc", u(heapAlloc)), ("heap_sys", u(heapSys)), ("heap_inuse", u(heapInuse)),
            ("heap_idle", u(heapIdle)), ("heap_released", u(heapReleased)),
            ("heap_objects", u(heapObjects)), ("stack_inuse", u(stackInuse)), ("sys", u(sys)),
            ("total_alloc", u(totalAlloc)), ("mallocs", u(mallocs)), ("frees", u(frees)),
            ("next_gc", u(nextGC)), ("num_gc", u(numGC)), ("num_forced_gc", u(numForcedGC)),
            ("pause_total_ns", u(pauseTotalNs)),
            ("gc_cpu_fraction", gcCPUFraction.map(FigureValue.real) ?? .null),
            ("mapped_ready", u(mappedReady)),
            ("live_objects", u(liveObjects)), ("live_bytes", u(liveBytes)),
            ("allocated_bytes", u(allocatedBytes)), ("freed_bytes", u(freedBytes)),
        ]
    }
}

/// A value bound for the results database.
public enum FigureValue: Hashable, Sendable {
    case int(Int64)
    case real(Double)
    case text(String)
    case null
}
