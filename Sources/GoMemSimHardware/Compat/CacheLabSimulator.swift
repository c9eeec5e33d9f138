import GoMemSimTrace

/// The CMU Cache Lab cache simulator (`csim`), bit for bit: one cache of `2^s` sets,
/// `E` lines per set, `2^b`-byte blocks, LRU, write-allocate.
///
/// Semantics of the reference `csim-ref` (CS:APP 3e, Cache Lab handout §Part A):
/// instruction fetches (`I`) are ignored; `L` and `S` are one access each; `M` is a
/// load then a store of the same address (so the store always hits); an access is never
/// split even if it straddles blocks — only its start address counts.
public struct CacheLabSimulator {
    /// What one data access did, for `-v` output.
    public struct Outcome: Hashable, Sendable {
        public var hit: Bool
        public var eviction: Bool
    }

    public private(set) var hits: UInt64 = 0
    public private(set) var misses: UInt64 = 0
    public private(set) var evictions: UInt64 = 0

    private var cache: Cache<LRUPolicy>
    private let blockBits: UInt64

    /// Fails for geometries no cache can have (more than 2^26 lines, or `s + b > 64`).
    public init(setBits s: Int, linesPerSet e: Int, blockBits b: Int) throws(HardwareConfigError) {
        guard s >= 0, b >= 0, s + b <= 64 else {
            throw HardwareConfigError("cachesim: expected s >= 0, b >= 0 and s + b <= 64, found s=\(s) b=\(b)")
        }
        guard e >= 1 else { throw HardwareConfigError("cachesim: expected E >= 1, found E=\(e)") }
        guard s <= 26, e <= 1 << 26, (1 << s) * e <= 1 << 26 else {
            throw HardwareConfigError("cachesim: expected at most 2^26 lines, found 2^\(s) sets x \(e) lines")
        }
        cache = Cache(sets: 1 << s, ways: e)
        blockBits = UInt64(b)
    }

    /// One data access at `address` (the size does not matter in Cache Lab).
    public mutating func access(_ address: UInt64) -> Outcome {
        let block = blockBits >= 64 ? 0 : address >> blockBits
        if cache.lookup(block) != nil {
            hits += 1
            return Outcome(hit: true, eviction: false)
        }
        misses += 1
        let evicted = cache.insert(block, flags: 0, victimLineNeeded: false).evicted
        if evicted { evictions += 1 }
        return Outcome(hit: false, eviction: evicted)
    }

    /// A lackey reference: `I` does nothing and returns no outcomes, `M` returns two.
    public mutating func reference(_ reference: LackeyAccess) -> (Outcome?, Outcome?) {
        let address = reference.address
        switch reference.kind {
        case .instruction: return (nil, nil)
        case .load, .store: return (self.access(address), nil)
        case .modify:
            let load = self.access(address)
            return (load, self.access(address))
        }
    }

    /// `hits:N misses:N evictions:N`, as `printSummary` prints it.
    public var summary: String { "hits:\(hits) misses:\(misses) evictions:\(evictions)" }
}
