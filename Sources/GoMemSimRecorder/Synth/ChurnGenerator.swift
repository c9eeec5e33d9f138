import GoMemSimTrace

/// The parameters of `synth churn`: allocation at a constant live set.
public struct ChurnParameters: Codable, Hashable, Sendable {
    /// Which live object dies when a new one needs room.
    public enum Victim: String, Codable, Hashable, Sendable, CaseIterable { case oldest, random }

    /// The live set the generator holds once filled.
    public var liveBytes: UInt64 = 64 << 20
    public var sizes: SizeDistribution = .fixed(1024)
    /// Fraction of objects that hold pointers (`scan`); the rest are `noscan`.
    public var scanFraction: Double = 0
    /// Allocation rate in bytes per CPU-second, paced by `compute` events; 0 = none.
    public var bytesPerSecond: UInt64 = 0
    /// Bytes to allocate in all, the fill included.
    public var totalBytes: UInt64 = 1 << 30
    public var victim: Victim = .oldest

    public init() {}

    public init(_ arguments: inout SynthArguments) throws(TraceError) {
        let defaults = Self()
        liveBytes = try arguments.size("live", default: defaults.liveBytes)
        sizes = try arguments.sizes("size", default: defaults.sizes)
        scanFraction = try arguments.fraction("scan", default: defaults.scanFraction)
        bytesPerSecond = try arguments.rate("rate", default: defaults.bytesPerSecond)
        totalBytes = try arguments.size("total", default: defaults.totalBytes)
        victim = Victim(rawValue: try arguments.choice(
            "victim", from: Victim.allCases.map(\.rawValue), default: defaults.victim.rawValue)) ?? .oldest
        try validate()
    }

    public func validate() throws(TraceError) {
        try sizes.validate()
        try SynthArguments.require(sizes.maxBytes <= liveBytes,
                                   "a live set of at least the largest object (\(SynthFormat.size(sizes.maxBytes)))",
                                   found: SynthFormat.size(liveBytes))
    }

    public var originPairs: [(String, String)] {
        [("live", SynthFormat.size(liveBytes)), ("size", sizes.description), ("scan", "\(scanFraction)"),
         ("rate", SynthFormat.size(bytesPerSecond)), ("total", SynthFormat.size(totalBytes)),
         ("victim", victim.rawValue)]
    }
}

/// `synth churn`: allocates until `liveBytes` are live, then keeps the live set at that
/// size by freeing a victim (the oldest, or a random one) whenever a new object would
/// not fit, until `totalBytes` have been allocated.
///
/// ```
/// alloc 1 1KiB noscan; compute …     (fill, while live + size ≤ live target)
/// checkpoint "after_fill"
/// free 1; alloc 65537 1KiB noscan; compute …
/// …
/// checkpoint "end"
/// ```
/// With a fixed size the live set after the fill is exactly ⌊live/size⌋ objects; with
/// varying sizes it stays within one largest object of the target. Memory: the live
/// objects' ids and sizes.
public struct ChurnGenerator: SynthGenerator {
    public let parameters: ChurnParameters
    public let origin: String
    public let symbols: SymbolTable
    private let afterFill: Symbol
    private let end: Symbol
    private var random: Xoshiro256
    private var pacer: AllocationPacer
    private var live = LiveObjectQueue()
    private var nextID: RegionID = 1
    private var filled = false
    private var finished = false

    public init(_ parameters: ChurnParameters, seed: UInt64) throws(TraceError) {
        try parameters.validate()
        self.parameters = parameters
        origin = SynthFormat.origin("churn", parameters.originPairs, seed: seed)
        var symbols = SymbolTable()
        afterFill = symbols.intern("after_fill")
        end = symbols.intern("end")
        self.symbols = symbols
        random = Xoshiro256(seed: seed)
        pacer = AllocationPacer(bytesPerSecond: parameters.bytesPerSecond)
    }

    /// Bytes currently live (allocated and not freed).
    public var liveBytes: UInt64 { live.totalBytes }

    public mutating func step(into batch: inout RecordBatch) -> Bool {
        if finished { return false }
        guard pacer.allocatedBytes < parameters.totalBytes else {
            if !filled { batch.append(.checkpoint(label: afterFill)) }
            batch.append(.checkpoint(label: end))
            finished = true
            return true
        }
        let size = parameters.sizes.sample(using: &random)
        let scan = random.nextBool(probability: parameters.scanFraction)
        if live.totalBytes + size > parameters.liveBytes {
            if !filled {
                filled = true
                batch.append(.checkpoint(label: afterFill))
            }
            while live.totalBytes + size > parameters.liveBytes, let victim = takeVictim() {
                batch.append(.free(id: victim.id))
            }
        }
        let id = nextID
        nextID += 1
        batch.append(.alloc(id: id, size: size, scan: scan))
        live.append(id: id, bytes: size)
        let computeNs = pacer.computeAfter(allocating: size)
        if computeNs > 0 { batch.append(.compute(ns: computeNs)) }
        return true
    }

    private mutating func takeVictim() -> LiveObjectQueue.Object? {
        switch parameters.victim {
        case .oldest: live.removeOldest()
        case .random: live.remove(at: Int(random.next(below: UInt64(live.count))))
        }
    }
}
