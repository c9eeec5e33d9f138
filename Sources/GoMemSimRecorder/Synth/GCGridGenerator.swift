import GoMemSimTrace

/// The parameters of `synth gc-grid`, the GC pacing grid workload measured on real
/// Go 1.19.8 (calibration/README.md, gc-grid-sample.tsv).
public struct GCGridParameters: Codable, Hashable, Sendable {
    /// L: the live set of ring objects.
    public var liveBytes: UInt64 = 64 << 20
    /// S: the size of each ring object.
    public var objectBytes: UInt64 = 1024
    /// Whether ring objects hold pointers (`scan`); the calibration runs used `noscan`.
    public var pointers: Bool = false
    /// Bytes allocated in the steady phase: 1 GiB / S allocations.
    public var steadyBytes: UInt64 = 1 << 30
    /// Optional pacing in bytes per CPU-second; the calibration program has no think time.
    public var bytesPerSecond: UInt64 = 0

    public init() {}

    public init(_ arguments: inout SynthArguments) throws(TraceError) {
        let defaults = Self()
        liveBytes = try arguments.size("L", default: defaults.liveBytes)
        objectBytes = try arguments.size("S", default: defaults.objectBytes)
        pointers = try arguments.flag("ptr", default: defaults.pointers)
        steadyBytes = try arguments.size("steady", default: defaults.steadyBytes)
        bytesPerSecond = try arguments.rate("rate", default: defaults.bytesPerSecond)
        try validate()
    }

    public func validate() throws(TraceError) {
        try SynthArguments.require(objectBytes >= 1, "an object size S of at least 1 B", found: "0")
        try SynthArguments.require(liveBytes >= objectBytes, "a live set L of at least one object (\(SynthFormat.size(objectBytes)))",
                                   found: SynthFormat.size(liveBytes))
        try SynthArguments.require(liveBytes / objectBytes <= UInt64(Int32.max), "at most 2³¹ ring slots",
                                   found: "\(liveBytes / objectBytes)")
    }

    /// L/S: the ring's slots, each holding one live object.
    public var slotCount: UInt64 { liveBytes / objectBytes }
    /// 1 GiB / S by default: the steady-phase allocations.
    public var steadyCount: UInt64 { steadyBytes / objectBytes }

    public var originPairs: [(String, String)] {
        [("L", SynthFormat.size(liveBytes)), ("S", SynthFormat.size(objectBytes)), ("ptr", "\(pointers)"),
         ("steady", SynthFormat.size(steadyBytes)), ("rate", SynthFormat.size(bytesPerSecond))]
    }
}

/// `synth gc-grid`: exactly the Go program of the calibration grid, one goroutine:
///
/// ```go
/// anchor = make([]byte, 64)              // lives forever
/// ring   = make([]unsafe.Pointer, L/S)   // lives forever
/// fill:   for i in 0..<L/S { ring[i] = make([]byte, S) }
/// steady: for j in 0..<(1 GiB / S) { ring[j % (L/S)] = make([]byte, S) }  // oldest dies
/// ```
/// as events:
/// ```
/// alloc 1 64 noscan                  # anchor
/// alloc 2 <8·L/S> scan               # ring: L/S pointer slots
/// alloc 3… S noscan                  # fill, L/S objects
/// checkpoint "after_fill"
/// alloc k S noscan; free <old>       # steady: the new object is allocated while the
///                                    # slot still holds the old one, as in Go
/// checkpoint "end"
/// ```
/// Allocations: 2 + L/S + steady/S; frees: steady/S. Between steps the live set is
/// exactly anchor + ring + L/S objects.
public struct GCGridGenerator: SynthGenerator {
    public let parameters: GCGridParameters
    public let origin: String
    public let symbols: SymbolTable
    @usableFromInline let afterFill: Symbol
    @usableFromInline let end: Symbol
    @usableFromInline var pacer: AllocationPacer
    @usableFromInline var nextID: RegionID = 1
    @usableFromInline var stepIndex: UInt64 = 0
    /// `parameters.slotCount` and `.steadyCount`, divided once, not per step.
    @usableFromInline let slotCount: UInt64
    @usableFromInline let steadyCount: UInt64

    public static let anchorID: RegionID = 1
    public static let ringID: RegionID = 2
    /// Bytes of the anchor object.
    public static let anchorBytes: UInt64 = 64
    /// Bytes per ring slot: one unsafe.Pointer on a 64-bit machine.
    public static let slotBytes: UInt64 = 8

    public init(_ parameters: GCGridParameters, seed: UInt64) throws(TraceError) {
        try parameters.validate()
        self.parameters = parameters
        origin = SynthFormat.origin("gc-grid", parameters.originPairs, seed: seed)
        var symbols = SymbolTable()
        afterFill = symbols.intern("after_fill")
        end = symbols.intern("end")
        self.symbols = symbols
        pacer = AllocationPacer(bytesPerSecond: parameters.bytesPerSecond)
        slotCount = parameters.slotCount
        steadyCount = parameters.steadyCount
    }

    /// Inlinable: the replay engine, specialised for this generator, then runs a step
    /// in its own loop and the records go straight into the batch (the generator was
    /// ~6 % of a gc-grid S=64 replay as calls across modules). Always inlined: left to
    /// itself the compiler called it, and `allocate`, out of line — ~25 instructions
    /// of calls and spills per record of ~50 (callgrind, S=64).
    @inline(__always)
    @inlinable public mutating func step(into batch: inout RecordBatch) -> Bool {
        let slots = slotCount
        let s = stepIndex
        stepIndex += 1
        if s == 0 {
            allocate(Self.anchorBytes, scan: false, into: &batch)
        } else if s == 1 {
            allocate(slots * Self.slotBytes, scan: true, into: &batch)
        } else if s < 2 + slots {
            allocate(parameters.objectBytes, scan: parameters.pointers, into: &batch)
        } else if s == 2 + slots {
            batch.append(.checkpoint(label: afterFill))
        } else if s < 3 + slots + steadyCount {
            // Ids are handed out in order and the slots are visited in order, so the
            // object the new one replaces is the one allocated L/S allocations ago:
            // no ring of ids to keep (8 MiB at S=64).
            let new = allocate(parameters.objectBytes, scan: parameters.pointers, into: &batch)
            batch.append(.free(id: new - slots))
        } else if s == 3 + slots + steadyCount {
            batch.append(.checkpoint(label: end))
        } else {
            return false
        }
        return true
    }

    @discardableResult
    @inline(__always)
    @inlinable mutating func allocate(_ size: UInt64, scan: Bool, into batch: inout RecordBatch) -> RegionID {
        let id = nextID
        nextID += 1
        batch.append(.alloc(id: id, size: size, scan: scan))
        let computeNs = pacer.computeAfter(allocating: size)
        if computeNs > 0 { batch.append(.compute(ns: computeNs)) }
        return id
    }
}
