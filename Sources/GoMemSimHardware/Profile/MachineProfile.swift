/// A machine as data: the hardware part of a profile (caches, TLBs, prefetchers, DRAM,
/// core frequency). Profiles are JSON files (`profiles/*.json`, schema
/// `schemas/machine-profile.schema.json`) or the built-in presets
/// (``MachineProfile/preset(named:)``).
///
/// ```json
/// { "name": "tiny", "hardware": { "core_ghz": 1.0, "line_bytes": 64, … },
///   "kernel": { … }, "runtime": { … } }
/// ```
/// The top level may carry other sections (`kernel`, `runtime`) that other models read;
/// this type decodes `name`, `description` and `hardware` and ignores the rest.
public struct MachineProfile: Codable, Hashable, Sendable {
    public var name: String
    public var description: String?
    public var hardware: HardwareProfile

    public init(name: String, description: String? = nil, hardware: HardwareProfile) {
        self.name = name
        self.description = description
        self.hardware = hardware
    }
}

/// Caches, TLBs, prefetchers and DRAM of one core's view of memory.
public struct HardwareProfile: Codable, Hashable, Sendable {
    /// Core clock, GHz: converts the cycles below to nanoseconds.
    public var coreGHz: Double
    /// Cache line size of every level, bytes (64 on all x86 parts: facts/hardware-latency.md §1).
    public var lineBytes: Int
    /// Replacement policy of every cache level (TLBs are LRU).
    public var replacement: ReplacementKind
    /// Levels from the one closest to the core (L1D) outwards.
    public var caches: [CacheLevelProfile]
    public var dram: DRAMProfile
    /// Misses one core keeps in flight (L1 fill buffers, ~10–16: facts §1); independent
    /// misses overlap this many ways, dependent ones (pointer chases) do not overlap.
    public var maxOutstandingMisses: Int
    /// Hardware prefetchers; absent = all off (Cache Lab and Cachegrind validation).
    public var prefetchers: PrefetcherProfile?
    public var tlb: TLBProfile
    /// Seed of the random replacement policy.
    public var seed: UInt64?

    public init(coreGHz: Double, lineBytes: Int = 64, replacement: ReplacementKind = .lru,
                caches: [CacheLevelProfile], dram: DRAMProfile, maxOutstandingMisses: Int,
                prefetchers: PrefetcherProfile?, tlb: TLBProfile, seed: UInt64? = nil) {
        self.coreGHz = coreGHz
        self.lineBytes = lineBytes
        self.replacement = replacement
        self.caches = caches
        self.dram = dram
        self.maxOutstandingMisses = maxOutstandingMisses
        self.prefetchers = prefetchers
        self.tlb = tlb
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case coreGHz = "core_ghz", lineBytes = "line_bytes", replacement, caches, dram
        case maxOutstandingMisses = "max_outstanding_misses", prefetchers, tlb, seed
    }
}

/// One cache level.
public struct CacheLevelProfile: Codable, Hashable, Sendable {
    /// `L1D`, `L2`, `L3`: the name rows carry.
    public var name: String
    public var sizeBytes: Int
    public var ways: Int
    /// Load-to-use latency of a hit at this level, cycles.
    public var latencyCycles: Int
    public var write: WritePolicy
    /// How this level relates to the levels above it (ignored for the first level).
    public var inclusion: Inclusion

    public init(name: String, sizeBytes: Int, ways: Int, latencyCycles: Int,
                write: WritePolicy = .writeBack, inclusion: Inclusion = .nonInclusive) {
        self.name = name
        self.sizeBytes = sizeBytes
        self.ways = ways
        self.latencyCycles = latencyCycles
        self.write = write
        self.inclusion = inclusion
    }

    enum CodingKeys: String, CodingKey {
        case name, sizeBytes = "size_bytes", ways, latencyCycles = "latency_cycles", write, inclusion
    }
}

public enum WritePolicy: String, Codable, Hashable, Sendable {
    /// Writes dirty the line; it is written to the next level when evicted; a write miss
    /// fills the line first.
    case writeBack = "write-back"
    /// Writes go on to the next level at once; a write miss does not fill the line.
    case writeThrough = "write-through"
}

public enum Inclusion: String, Codable, Hashable, Sendable {
    /// Holds every line of the levels above; evicting here evicts there (Skylake client L3).
    case inclusive
    /// Filled on misses like the levels above but evicts independently (Skylake-SP L3).
    case nonInclusive = "non-inclusive"
    /// A victim cache: filled only by lines the level above evicts; a hit moves the line
    /// up (AMD Zen L3).
    case exclusive
}

public struct DRAMProfile: Codable, Hashable, Sendable {
    /// Load-to-use latency of a DRAM access, ns.
    public var latencyNs: Double
    /// Bandwidth one core sustains, GB/s (= bytes/ns): the floor under streaming cost.
    public var bandwidthGBps: Double

    public init(latencyNs: Double, bandwidthGBps: Double) {
        self.latencyNs = latencyNs
        self.bandwidthGBps = bandwidthGBps
    }

    enum CodingKeys: String, CodingKey {
        case latencyNs = "latency_ns", bandwidthGBps = "bandwidth_gbps"
    }
}

/// The four prefetchers of Intel cores since Sandy Bridge (facts §4).
public struct PrefetcherProfile: Codable, Hashable, Sendable {
    /// L1 DCU next-line: a miss (or first use of a prefetched line) fetches the next line into L1.
    public var l1NextLine: Bool
    /// L2 spatial: an L2 miss fetches the other line of its 128-byte pair.
    public var l2AdjacentPair: Bool
    /// L2 streamer: streams within a 4 KiB page, running `streamerDistanceLines` ahead.
    public var l2Streamer: Bool
    /// IP-less stride detector on L1 misses (strides up to 2 KiB), into L1.
    public var stride: Bool
    public var streamerDistanceLines: Int
    /// Pages the streamer tracks at once (16–32 on Intel, facts §4).
    public var streamerStreams: Int

    public init(l1NextLine: Bool = false, l2AdjacentPair: Bool = false, l2Streamer: Bool = false,
                stride: Bool = false, streamerDistanceLines: Int = 16, streamerStreams: Int = 32) {
        self.l1NextLine = l1NextLine
        self.l2AdjacentPair = l2AdjacentPair
        self.l2Streamer = l2Streamer
        self.stride = stride
        self.streamerDistanceLines = streamerDistanceLines
        self.streamerStreams = streamerStreams
    }

    enum CodingKeys: String, CodingKey {
        case l1NextLine = "l1_next_line", l2AdjacentPair = "l2_adjacent_pair", l2Streamer = "l2_streamer"
        case stride, streamerDistanceLines = "streamer_distance_lines", streamerStreams = "streamer_streams"
    }
}

/// Translation: first-level data TLBs per page size, a shared second-level TLB, walks.
public struct TLBProfile: Codable, Hashable, Sendable {
    /// One L1 dTLB per page size (`page_shift` 12, 21, 30).
    public var l1: [TLBArrayProfile]
    /// The shared STLB and the page sizes it holds.
    public var stlb: STLBProfile?
    /// Extra cycles of an access that misses the L1 dTLB and hits the STLB (≈ 7–12: facts §5).
    public var stlbHitCycles: Int
    /// Walks in flight at once (2 page-miss handlers on Skylake and Zen: facts §5).
    public var pageWalkers: Int
    /// Paging-structure caches (Intel SDM vol. 3 §4.10.3); absent = every walk reads all levels.
    public var pagingStructureCaches: PagingStructureCachesProfile?

    public init(l1: [TLBArrayProfile], stlb: STLBProfile?, stlbHitCycles: Int, pageWalkers: Int,
                pagingStructureCaches: PagingStructureCachesProfile?) {
        self.l1 = l1
        self.stlb = stlb
        self.stlbHitCycles = stlbHitCycles
        self.pageWalkers = pageWalkers
        self.pagingStructureCaches = pagingStructureCaches
    }

    enum CodingKeys: String, CodingKey {
        case l1, stlb, stlbHitCycles = "stlb_hit_cycles", pageWalkers = "page_walkers"
        case pagingStructureCaches = "paging_structure_caches"
    }
}

public struct TLBArrayProfile: Codable, Hashable, Sendable {
    /// log2 of the page size: 12 (4 KiB), 21 (2 MiB), 30 (1 GiB).
    public var pageShift: Int
    public var entries: Int
    public var ways: Int

    public init(pageShift: Int, entries: Int, ways: Int) {
        self.pageShift = pageShift
        self.entries = entries
        self.ways = ways
    }

    enum CodingKeys: String, CodingKey { case pageShift = "page_shift", entries, ways }
}

public struct STLBProfile: Codable, Hashable, Sendable {
    public var entries: Int
    public var ways: Int
    /// Page sizes it holds (Skylake: 4 KiB and 2 MiB share 1536 entries).
    public var pageShifts: [Int]

    public init(entries: Int, ways: Int, pageShifts: [Int]) {
        self.entries = entries
        self.ways = ways
        self.pageShifts = pageShifts
    }

    enum CodingKeys: String, CodingKey { case entries, ways, pageShifts = "page_shifts" }
}

/// Entries of the caches of upper paging-structure entries, each fully associative, LRU.
public struct PagingStructureCachesProfile: Codable, Hashable, Sendable {
    public var pml4e: Int
    public var pdpte: Int
    public var pde: Int

    public init(pml4e: Int, pdpte: Int, pde: Int) {
        self.pml4e = pml4e
        self.pdpte = pdpte
        self.pde = pde
    }
}
