import GoMemSimTrace

/// The parameters of `synth leak`: a live set that only grows.
public struct LeakParameters: Codable, Hashable, Sendable {
    public var sizes: SizeDistribution = .fixed(1024)
    /// Fraction of allocated objects kept forever (never freed).
    public var keepFraction: Double = 0.05
    /// How many short-lived objects are alive at once: each dies after this many
    /// later allocations.
    public var youngCount: UInt64 = 64
    public var scanFraction: Double = 0
    /// Allocation rate in bytes per CPU-second, paced by `compute` events; 0 = none.
    public var bytesPerSecond: UInt64 = 64 << 20
    public var totalBytes: UInt64 = 1 << 30

    public init() {}

    public init(_ arguments: inout SynthArguments) throws(TraceError) {
        let defaults = Self()
        sizes = try arguments.sizes("size", default: defaults.sizes)
        keepFraction = try arguments.fraction("keep", default: defaults.keepFraction)
        youngCount = try arguments.count("young", default: defaults.youngCount)
        scanFraction = try arguments.fraction("scan", default: defaults.scanFraction)
        bytesPerSecond = try arguments.rate("rate", default: defaults.bytesPerSecond)
        totalBytes = try arguments.size("total", default: defaults.totalBytes)
        try validate()
    }

    public func validate() throws(TraceError) {
        try sizes.validate()
        try SynthArguments.require(youngCount <= 1 << 24, "at most 16M young objects", found: "\(youngCount)")
    }

    public var originPairs: [(String, String)] {
        [("size", sizes.description), ("keep", "\(keepFraction)"), ("young", "\(youngCount)"),
         ("scan", "\(scanFraction)"), ("rate", SynthFormat.size(bytesPerSecond)),
         ("total", SynthFormat.size(totalBytes))]
    }
}

/// `synth leak`: allocates `totalBytes` at `bytesPerSecond`; each object is kept forever
/// with probability `keepFraction`, otherwise freed after `youngCount` further
/// allocations. The live set grows by about `keepFraction × totalBytes`.
///
/// ```
/// alloc 1 1KiB noscan; compute …
/// alloc 2 1KiB noscan; compute …; free <object allocated 64 steps ago, unless kept>
/// …
/// free <the last young objects>
/// checkpoint "end"
/// ```
/// Kept objects are never referenced again, so memory is O(`youngCount`).
public struct LeakGenerator: SynthGenerator {
    public let parameters: LeakParameters
    public let origin: String
    public let symbols: SymbolTable
    private let end: Symbol
    private var random: Xoshiro256
    private var pacer: AllocationPacer
    private var young = LiveObjectQueue()
    private var nextID: RegionID = 1
    private var finished = false
    /// Bytes allocated and never to be freed.
    public private(set) var keptBytes: UInt64 = 0

    public init(_ parameters: LeakParameters, seed: UInt64) throws(TraceError) {
        try parameters.validate()
        self.parameters = parameters
        origin = SynthFormat.origin("leak", parameters.originPairs, seed: seed)
        var symbols = SymbolTable()
        end = symbols.intern("end")
        self.symbols = symbols
        random = Xoshiro256(seed: seed)
        pacer = AllocationPacer(bytesPerSecond: parameters.bytesPerSecond)
    }

    public mutating func step(into batch: inout RecordBatch) -> Bool {
        if finished { return false }
        guard pacer.allocatedBytes < parameters.totalBytes else {
            while let object = young.removeOldest() { batch.append(.free(id: object.id)) }
            batch.append(.checkpoint(label: end))
            finished = true
            return true
        }
        let size = parameters.sizes.sample(using: &random)
        let scan = random.nextBool(probability: parameters.scanFraction)
        let id = nextID
        nextID += 1
        batch.append(.alloc(id: id, size: size, scan: scan))
        let computeNs = pacer.computeAfter(allocating: size)
        if computeNs > 0 { batch.append(.compute(ns: computeNs)) }
        if random.nextBool(probability: parameters.keepFraction) {
            keptBytes += size
        } else {
            young.append(id: id, bytes: size)
            if UInt64(young.count) > parameters.youngCount, let dead = young.removeOldest() {
                batch.append(.free(id: dead.id))
            }
        }
        return true
    }
}
