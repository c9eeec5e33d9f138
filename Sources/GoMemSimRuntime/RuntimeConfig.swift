/// The Go runtime a run models: version, GOMAXPROCS, GOGC, GOMEMLIMIT, GODEBUG knobs and
/// the CPU cost of each allocator path. Recorded whole with every run.
public struct RuntimeConfig: Codable, Hashable, Sendable {
    /// The runtime version. go1.19 is the validated one; later versions are the same model
    /// with the differences listed in ``GoVersion``.
    public var goVersion: GoVersion = .go1_19
    /// `GOMAXPROCS`: the number of Ps, hence of mcaches. A goroutine runs on P
    /// `goroutine % gomaxprocs` (the model has no scheduler).
    public var gomaxprocs: Int = 2
    /// `GOGC`; `nil` is `GOGC=off`.
    public var gcPercent: Int32? = 100
    /// `GOMEMLIMIT` in bytes; `nil` is no limit (`math.MaxInt64`).
    public var memoryLimit: UInt64? = nil
    /// `GODEBUG=madvdontneed=1` (the Linux default since Go 1.16): release with
    /// MADV_DONTNEED; `false` uses MADV_FREE (mem_linux.go:104-116).
    public var madvdontneed: Bool = true
    /// Start collections on the pacer's trigger (heapLive reaching it on a refill or a
    /// large allocation, malloc.go:1147) and every 2 minutes; `false` leaves only
    /// `runtime.GC()`.
    public var automaticGC: Bool = true
    /// Initial stack of a goroutine. Go's `_StackMin` is 2 KiB but 1.19 starts stacks at
    /// the average stack size seen so far (`adaptivestackstart`); 8 KiB is what the
    /// examples' goroutines settle at.
    public var initialStackBytes: UInt64 = 8192
    /// CPU cost of each path, in virtual nanoseconds.
    public var costs: CostTable = CostTable()
    /// The process image before `main` runs.
    public var image: ProcessImage = ProcessImage()
    /// `runtime.MemProfileRate`: the heap profiler samples about one allocation per this
    /// many bytes (512 KiB by default, 0 = off). The first sample maps the profiler's bucket
    /// hash table (mprof.go `stkbucket`: 1.4 MB, counted by GOMEMLIMIT).
    public var memProfileRate: UInt64 = 512 << 10

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case goVersion, gomaxprocs, gcPercent, memoryLimit, madvdontneed, automaticGC, initialStackBytes, costs, image
        case memProfileRate
    }

    /// Decodes a partial configuration: missing fields keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RuntimeConfig()
        goVersion = try c.decodeIfPresent(GoVersion.self, forKey: .goVersion) ?? d.goVersion
        gomaxprocs = try c.decodeIfPresent(Int.self, forKey: .gomaxprocs) ?? d.gomaxprocs
        gcPercent = c.contains(.gcPercent) ? try c.decodeIfPresent(Int32.self, forKey: .gcPercent) : d.gcPercent
        memoryLimit = try c.decodeIfPresent(UInt64.self, forKey: .memoryLimit) ?? d.memoryLimit
        madvdontneed = try c.decodeIfPresent(Bool.self, forKey: .madvdontneed) ?? d.madvdontneed
        automaticGC = try c.decodeIfPresent(Bool.self, forKey: .automaticGC) ?? d.automaticGC
        initialStackBytes = try c.decodeIfPresent(UInt64.self, forKey: .initialStackBytes) ?? d.initialStackBytes
        costs = try c.decodeIfPresent(CostTable.self, forKey: .costs) ?? d.costs
        image = try c.decodeIfPresent(ProcessImage.self, forKey: .image) ?? d.image
        memProfileRate = try c.decodeIfPresent(UInt64.self, forKey: .memProfileRate) ?? d.memProfileRate
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(goVersion, forKey: .goVersion)
        try c.encode(gomaxprocs, forKey: .gomaxprocs)
        try c.encode(gcPercent, forKey: .gcPercent)  // null = GOGC=off
        try c.encodeIfPresent(memoryLimit, forKey: .memoryLimit)
        try c.encode(madvdontneed, forKey: .madvdontneed)
        try c.encode(automaticGC, forKey: .automaticGC)
        try c.encode(initialStackBytes, forKey: .initialStackBytes)
        try c.encode(costs, forKey: .costs)
        try c.encode(image, forKey: .image)
        try c.encode(memProfileRate, forKey: .memProfileRate)
    }
}

/// Go versions the model knows, and the differences between them that change memory.
public enum GoVersion: String, Codable, Hashable, Sendable, CaseIterable {
    case go1_19 = "go1.19"
    case go1_20 = "go1.20"
    case go1_22 = "go1.22"

    /// Go 1.19 clears the 2-bit heap bitmap of every span it allocates, large ones
    /// included (mcache.go:254 → mbitmap.go:774-799): 1/32 of the span is written.
    /// Go 1.20 stopped initialising the bitmap of large spans.
    public var clearsHeapBitmapOfLargeSpans: Bool { self == .go1_19 }

    /// Go 1.22 heap bitmaps live in the span (small) or a header (large): no separate
    /// bitmap mapping at all. Before, 2 MiB per 64 MiB arena.
    public var hasArenaHeapBitmap: Bool { self != .go1_22 }

    /// Go 1.22 allocation headers: scan objects > 512 B get an 8-byte type header, so the
    /// class is chosen for `size + 8` (`mallocHeaderSize`, `minSizeForMallocHeader`).
    public var mallocHeaderBytes: UInt64 { self == .go1_22 ? 8 : 0 }

    /// Go 1.19 computes the memory-limit scavenge goal as `limit * 95` instead of
    /// `limit * 95 / 100` (golang/go#62449), so the background scavenger never works for
    /// the memory limit. Fixed in 1.20.
    public var memoryLimitScavengeGoalBug: Bool { self == .go1_19 }
}

/// Virtual CPU time of the runtime's own work, in nanoseconds. Kernel costs (faults,
/// syscalls) come from the kernel model and are added on top.
///
/// Defaults are estimates for a 3 GHz x86-64 core from Go's runtime benchmarks
/// (`BenchmarkMalloc8/16`, `BenchmarkMallocLargeStruct`) and the runtime's own
/// assumptions (mgcscavenge.go: ~10 µs per released 4 KiB page when untimed).
public struct CostTable: Codable, Hashable, Sendable {
    /// A tiny allocation that fits the current 16-byte block.
    public var tinyAllocNs: UInt64 = 4
    /// A small object from the span the mcache holds (`nextFreeFast`).
    public var smallAllocNs: UInt64 = 12
    /// `mcache.refill`: swap the full span for one from the mcentral.
    public var mcacheRefillNs: UInt64 = 120
    /// `mheap.alloc` of a run of pages (heap lock, page allocator search, span init).
    public var pageAllocNs: UInt64 = 200
    /// `largeAlloc` bookkeeping on top of the page allocation.
    public var largeAllocNs: UInt64 = 150
    /// `mheap.grow` bookkeeping on top of the kernel calls it makes.
    public var heapGrowNs: UInt64 = 1_500
    /// `memclrNoHeapPointers`, per KiB zeroed (~40 GB/s).
    public var zeroingNsPerKiB: UInt64 = 25
    /// Sweeping one span.
    public var sweepSpanNs: UInt64 = 80
    /// Unused since the collector is modelled phase by phase (kept so older
    /// configuration files still decode).
    public var gcCycleNs: UInt64 = 50_000
    /// One `scavengeOne` call: lock, find the candidate, account (the madvise itself is
    /// the kernel's cost).
    public var scavengeCallNs: UInt64 = 1_000
    /// `stackalloc` of a goroutine stack.
    public var stackAllocNs: UInt64 = 100
    /// The mutator's own work per KiB of each small object it allocates, on top of the
    /// allocator paths: initialising and storing the object in an allocation-bound loop.
    /// Calibrated once on the gc-grid run (calibration/README.md): the real program
    /// allocates 1 GiB of 1 KiB objects in ~3.3 s with ~7 % GC CPU, i.e. ~3 ns per byte
    /// of mutator time on that machine (schemas/runtime.md, "GC costs").
    public var mutatorNsPerKiB: UInt64 = 2_900
    /// Scanning pointerful memory (`scanobject`), per KiB of scan work: 1 byte per ns,
    /// the scan rate of Go's own pacer simulation (mgcpacer_test.go: 1024 KiB per CPU-ms).
    public var scanNsPerKiB: UInt64 = 1_000
    /// Marking one reachable object found through a pointer (`greyobject`: span lookup,
    /// mark bit, a cache and TLB miss in a large heap). Calibrated once on the gc-grid
    /// GOGC=100 row (schemas/runtime.md, "GC costs").
    public var markObjectNs: UInt64 = 250
    /// A stop-the-world pause (sweep termination or mark termination): the fixed part
    /// and the part per P stopped (gc-guide: proportional to GOMAXPROCS, dominated by
    /// the time to stop running goroutines). Calibrated on the gc-grid sample's
    /// PauseTotalNs (median ~1 ms per cycle, two pauses, GOMAXPROCS=2).
    public var stwNs: UInt64 = 100_000
    public var stwPerProcNs: UInt64 = 200_000
    /// The write barrier while marking, per pointer-sized word written into a pointerful
    /// object: Go 1.19's buffered barrier (mwbbuf.go) stores the old and the new pointer
    /// in the P's `wbBuf` (~10 instructions) and flushes a full buffer (256 pairs) by
    /// greying them, ~2 ns plus the flush's share. Not calibrated (no facts figure).
    public var writeBarrierNs: UInt64 = 5

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case tinyAllocNs, smallAllocNs, mcacheRefillNs, pageAllocNs, largeAllocNs, heapGrowNs, zeroingNsPerKiB,
             sweepSpanNs, gcCycleNs, scavengeCallNs, stackAllocNs, mutatorNsPerKiB, scanNsPerKiB, markObjectNs,
             stwNs, stwPerProcNs, writeBarrierNs
    }

    /// The largest value a cost may take: 2³² ns (4.3 s), far above any per-operation
    /// cost. Bounded so that the allocation path adds its costs with no overflow check:
    /// a per-KiB cost times a small object's size (at most 2¹⁶ bytes) stays below 2⁴⁸.
    public static let maxNs: UInt64 = 1 << 32

    /// The table with every cost at most ``maxNs`` (a larger one taken as ``maxNs``):
    /// what the runtime model uses. A decoded table is already bounded.
    public var bounded: CostTable {
        var t = self
        for path in [\CostTable.tinyAllocNs, \.smallAllocNs, \.mcacheRefillNs, \.pageAllocNs, \.largeAllocNs,
                     \.heapGrowNs, \.zeroingNsPerKiB, \.sweepSpanNs, \.gcCycleNs, \.scavengeCallNs, \.stackAllocNs,
                     \.mutatorNsPerKiB, \.scanNsPerKiB, \.markObjectNs, \.stwNs, \.stwPerProcNs, \.writeBarrierNs] {
            t[keyPath: path] = min(t[keyPath: path], Self.maxNs)
        }
        return t
    }

    /// Decodes a partial table: missing entries keep their defaults; a cost above
    /// ``maxNs`` is an error.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CostTable()
        func value(_ key: CodingKeys, _ fallback: UInt64) throws -> UInt64 {
            let ns = try c.decodeIfPresent(UInt64.self, forKey: key) ?? fallback
            guard ns <= Self.maxNs else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                       debugDescription: "expected a cost of at most \(Self.maxNs) ns, found \(ns)")
            }
            return ns
        }
        tinyAllocNs = try value(.tinyAllocNs, d.tinyAllocNs)
        smallAllocNs = try value(.smallAllocNs, d.smallAllocNs)
        mcacheRefillNs = try value(.mcacheRefillNs, d.mcacheRefillNs)
        pageAllocNs = try value(.pageAllocNs, d.pageAllocNs)
        largeAllocNs = try value(.largeAllocNs, d.largeAllocNs)
        heapGrowNs = try value(.heapGrowNs, d.heapGrowNs)
        zeroingNsPerKiB = try value(.zeroingNsPerKiB, d.zeroingNsPerKiB)
        sweepSpanNs = try value(.sweepSpanNs, d.sweepSpanNs)
        gcCycleNs = try value(.gcCycleNs, d.gcCycleNs)
        scavengeCallNs = try value(.scavengeCallNs, d.scavengeCallNs)
        stackAllocNs = try value(.stackAllocNs, d.stackAllocNs)
        mutatorNsPerKiB = try value(.mutatorNsPerKiB, d.mutatorNsPerKiB)
        scanNsPerKiB = try value(.scanNsPerKiB, d.scanNsPerKiB)
        markObjectNs = try value(.markObjectNs, d.markObjectNs)
        stwNs = try value(.stwNs, d.stwNs)
        stwPerProcNs = try value(.stwPerProcNs, d.stwPerProcNs)
        writeBarrierNs = try value(.writeBarrierNs, d.writeBarrierNs)
    }

    /// One stop-the-world pause with `gomaxprocs` Ps.
    func stopTheWorldNs(gomaxprocs: Int) -> UInt64 { stwNs + stwPerProcNs * UInt64(max(gomaxprocs, 1)) }
}
