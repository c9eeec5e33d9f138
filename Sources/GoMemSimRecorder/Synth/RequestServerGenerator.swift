import Foundation
import GoMemSimTrace

/// The parameters of `synth server`: a request-serving process.
public struct RequestServerParameters: Codable, Hashable, Sendable {
    public var requests: UInt64 = 100_000
    /// Goroutines 1…workers serve requests round-robin.
    public var workers: UInt32 = 8
    /// Mean requests per burst (geometric distribution, at least 1).
    public var meanBurst: Double = 32
    /// Mean idle time between bursts (exponential distribution).
    public var meanGapNs: UInt64 = 10_000_000
    /// Garbage objects each request allocates and drops when it ends.
    public var objectsPerRequest: UInt64 = 8
    public var objectSizes: SizeDistribution = .uniform(min: 64, max: 4096)
    public var scanFraction: Double = 0.5
    /// CPU work per request.
    public var computeNs: UInt64 = 50_000
    /// Probability that a request adds an entry to the cache.
    public var cacheFraction: Double = 0.1
    public var cacheEntryBytes: UInt64 = 4096
    /// Entries the cache holds before it evicts the oldest.
    public var cacheCapacity: UInt64 = 10_000

    public init() {}

    public init(_ arguments: inout SynthArguments) throws(TraceError) {
        let defaults = Self()
        requests = try arguments.count("requests", default: defaults.requests)
        let workers = try arguments.count("workers", default: UInt64(defaults.workers))
        meanBurst = try arguments.positive("burst", default: defaults.meanBurst)
        meanGapNs = try arguments.duration("gap", default: defaults.meanGapNs)
        objectsPerRequest = try arguments.count("objects", default: defaults.objectsPerRequest)
        objectSizes = try arguments.sizes("size", default: defaults.objectSizes)
        scanFraction = try arguments.fraction("scan", default: defaults.scanFraction)
        computeNs = try arguments.duration("compute", default: defaults.computeNs)
        cacheFraction = try arguments.fraction("cache", default: defaults.cacheFraction)
        cacheEntryBytes = try arguments.size("entry", default: defaults.cacheEntryBytes)
        cacheCapacity = try arguments.count("capacity", default: defaults.cacheCapacity)
        try SynthArguments.require(workers >= 1 && workers <= 1 << 20, "between 1 and 2²⁰ workers", found: "\(workers)")
        self.workers = UInt32(workers)
        try validate()
    }

    public func validate() throws(TraceError) {
        try objectSizes.validate()
        try SynthArguments.require(workers >= 1 && workers <= 1 << 20, "between 1 and 2²⁰ workers", found: "\(workers)")
        try SynthArguments.require(meanBurst >= 1, "a mean burst of at least 1 request", found: "\(meanBurst)")
        try SynthArguments.require(objectsPerRequest <= 1 << 16, "at most 65536 objects per request",
                                   found: "\(objectsPerRequest)")
        try SynthArguments.require(cacheEntryBytes >= 1, "a cache entry of at least 1 B", found: "0")
        try SynthArguments.require(cacheCapacity <= 1 << 26, "a cache of at most 2²⁶ entries", found: "\(cacheCapacity)")
    }

    public var originPairs: [(String, String)] {
        [("requests", "\(requests)"), ("workers", "\(workers)"), ("burst", "\(meanBurst)"),
         ("gap", SynthFormat.duration(meanGapNs)), ("objects", "\(objectsPerRequest)"),
         ("size", objectSizes.description), ("scan", "\(scanFraction)"),
         ("compute", SynthFormat.duration(computeNs)), ("cache", "\(cacheFraction)"),
         ("entry", SynthFormat.size(cacheEntryBytes)), ("capacity", "\(cacheCapacity)")]
    }
}

/// `synth server`: requests arrive in bursts; worker goroutines serve them.
///
/// ```
/// spawn 1 … spawn <workers>                      (goroutine 0)
/// per request, on worker w = 1 + (request mod workers):
///   alloc × objects (per-request garbage); compute <compute>
///   with probability `cache`: alloc <entry> scan; free <oldest entry> once over capacity
///   free × objects                               (the request ends)
/// between bursts: sleep <gap> on every worker    (they wait for the next burst)
/// exit on every worker; checkpoint "end"
/// ```
/// Burst sizes are geometric with mean `burst`, gaps exponential with mean `gap`,
/// both from the seed. The cache grows to `capacity` entries, then holds steady.
/// Memory: the cache's ids and one request's objects.
public struct RequestServerGenerator: SynthGenerator {
    public let parameters: RequestServerParameters
    public let origin: String
    public let symbols: SymbolTable
    private let end: Symbol
    private var random: Xoshiro256
    private var cache = LiveObjectQueue()
    private var requestObjects: [RegionID] = []
    private var nextID: RegionID = 1
    private var served: UInt64 = 0
    private var leftInBurst: UInt64 = 0
    private var phase: Phase = .start
    private let workers: UInt32

    private enum Phase { case start, serving, finishing, finished }

    public init(_ parameters: RequestServerParameters, seed: UInt64) throws(TraceError) {
        try parameters.validate()
        self.parameters = parameters
        origin = SynthFormat.origin("server", parameters.originPairs, seed: seed)
        var symbols = SymbolTable()
        end = symbols.intern("end")
        self.symbols = symbols
        random = Xoshiro256(seed: seed)
        workers = parameters.workers
        requestObjects.reserveCapacity(Int(parameters.objectsPerRequest))
    }

    /// Bytes held by the cache now.
    public var cacheBytes: UInt64 { cache.totalBytes }

    public mutating func step(into batch: inout RecordBatch) -> Bool {
        switch phase {
        case .start:
            for worker in 1...workers { batch.append(.spawn(goroutine: worker)) }
            phase = .serving
            leftInBurst = burstSize()
        case .serving:
            guard served < parameters.requests else {
                phase = .finishing
                return step(into: &batch)
            }
            if leftInBurst == 0 {
                let gap = gapNs()
                for worker in 1...workers { batch.append(.sleep(ns: gap), goroutine: worker) }
                leftInBurst = burstSize()
                return true
            }
            serveRequest(into: &batch)
            leftInBurst -= 1
        case .finishing:
            for worker in 1...workers { batch.append(.exit, goroutine: worker) }
            batch.append(.checkpoint(label: end))
            phase = .finished
        case .finished:
            return false
        }
        return true
    }

    private mutating func serveRequest(into batch: inout RecordBatch) {
        let worker = UInt32(served % UInt64(workers)) + 1
        served += 1
        requestObjects.removeAll(keepingCapacity: true)
        for _ in 0..<parameters.objectsPerRequest {
            let size = parameters.objectSizes.sample(using: &random)
            let scan = random.nextBool(probability: parameters.scanFraction)
            requestObjects.append(allocate(size, scan: scan, on: worker, into: &batch))
        }
        if parameters.computeNs > 0 { batch.append(.compute(ns: parameters.computeNs), goroutine: worker) }
        if random.nextBool(probability: parameters.cacheFraction) {
            let entry = allocate(parameters.cacheEntryBytes, scan: true, on: worker, into: &batch)
            cache.append(id: entry, bytes: parameters.cacheEntryBytes)
            if UInt64(cache.count) > parameters.cacheCapacity, let evicted = cache.removeOldest() {
                batch.append(.free(id: evicted.id), goroutine: worker)
            }
        }
        for id in requestObjects { batch.append(.free(id: id), goroutine: worker) }
    }

    private mutating func allocate(_ size: UInt64, scan: Bool, on worker: UInt32, into batch: inout RecordBatch) -> RegionID {
        let id = nextID
        nextID += 1
        batch.append(.alloc(id: id, size: size, scan: scan), goroutine: worker)
        return id
    }

    /// Geometric on 1, 2, … with mean `meanBurst`: ⌈ln(U) / ln(1 − p)⌉ with p = 1/mean.
    private mutating func burstSize() -> UInt64 {
        let p = 1 / parameters.meanBurst
        guard p < 1 else { return 1 }
        let u = 1 - random.nextDouble()  // (0, 1]
        let draw = (log(u) / log(1 - p)).rounded(.up)
        return draw.isFinite && draw >= 1 ? UInt64(min(draw, 0x1p40)) : 1
    }

    /// Exponential with mean `meanGapNs`.
    private mutating func gapNs() -> UInt64 {
        let u = 1 - random.nextDouble()  // (0, 1]
        let gap = (-log(u) * Double(parameters.meanGapNs)).rounded()
        return gap.isFinite ? UInt64(min(gap, 0x1p62)) : parameters.meanGapNs
    }
}
