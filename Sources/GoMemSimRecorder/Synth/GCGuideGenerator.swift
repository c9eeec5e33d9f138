import GoMemSimTrace

/// One phase of a gc-guide workload (go-gc-pacer.md §9; `gc-guide.js` `gcModel`).
public struct GCGuidePhase: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Mutator CPU time of the phase.
    public var durationNs: UInt64
    /// Allocation rate in bytes per CPU-second.
    public var bytesPerSecond: UInt64
    /// Fraction of this phase's allocation that stays live.
    public var newSurvivalRate: Double
    /// Fraction of the live heap at phase start that dies during the phase.
    public var oldDeathRate: Double

    public init(durationNs: UInt64, bytesPerSecond: UInt64, newSurvivalRate: Double, oldDeathRate: Double) {
        self.durationNs = durationNs
        self.bytesPerSecond = bytesPerSecond
        self.newSurvivalRate = newSurvivalRate
        self.oldDeathRate = oldDeathRate
    }

    /// `1s:20MiB:1:0` — duration : rate per CPU-second : newSurvivalRate : oldDeathRate.
    public var description: String {
        "\(SynthFormat.duration(durationNs)):\(SynthFormat.size(bytesPerSecond)):\(newSurvivalRate):\(oldDeathRate)"
    }

    init?(_ text: Substring) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4,
              let duration = SynthFormat.parseDuration(String(parts[0])),
              let rate = SynthFormat.parseSize(String(parts[1].hasSuffix("/s") ? parts[1].dropLast(2) : parts[1])),
              let survival = Double(parts[2]), survival >= 0, survival <= 1,
              let death = Double(parts[3]), death >= 0, death <= 1 else { return nil }
        self.init(durationNs: duration, bytesPerSecond: rate, newSurvivalRate: survival, oldDeathRate: death)
    }
}

/// The parameters of `synth gc-guide`: the phase workloads of the Go GC guide's
/// interactive graphs, as alloc/free/compute events.
public struct GCGuideParameters: Codable, Hashable, Sendable {
    public var phases: [GCGuidePhase] = GCGuideParameters.graph1
    /// Every object has this size; 64 KiB makes 20 MiB/s 320 objects per CPU-second.
    public var objectBytes: UInt64 = 64 << 10
    /// Objects hold pointers, so the live heap is scanned as the guide's model assumes.
    public var pointers: Bool = true
    /// Non-heap memory (`otherMem`): an anonymous mapping written at the start.
    public var otherBytes: UInt64 = 0

    public init() {}

    private static func phase(_ seconds: Double, _ mibPerSecond: UInt64, _ survival: Double, _ death: Double) -> GCGuidePhase {
        GCGuidePhase(durationNs: UInt64(seconds * 1e9), bytesPerSecond: mibPerSecond << 20,
                     newSurvivalRate: survival, oldDeathRate: death)
    }

    /// Graph 1: 1 s building 20 MiB of live heap, then 9 s of pure garbage at 20 MiB/s
    /// (gc-guide.html, first `gc-guide-graph`).
    public static let graph1 = [phase(1, 20, 1, 0), phase(9, 20, 0, 0)]
    /// Graph 2: the live heap shifts (half dies, half regrows) for 4 s, then 5 s at
    /// 200 MiB/s replacing the whole live heap.
    public static let graph2 = [
        phase(1, 20, 1, 0), phase(1, 20, 0, 0.5), phase(1, 20, 0.5, 0),
        phase(1, 20, 0, 0.5), phase(1, 20, 0.5, 0), phase(5, 200, 0.02, 1),
    ]
    /// Graph 3: a transient spike: +10 MiB live for 0.5 s at t = 5 s, then half of the
    /// live heap dies.
    public static let graph3 = [
        phase(1, 20, 1, 0), phase(4, 20, 0, 0), phase(0.5, 20, 1, 0),
        phase(0.5, 20, 0, 0), phase(0.5, 20, 0, 0.5), phase(3.5, 20, 0, 0),
    ]
    /// Graph 4: graph 1 with 10 MiB of non-heap memory (`otherMem`).
    public static let graph4 = graph1
    public static let graph4OtherBytes: UInt64 = 10 << 20

    public static let presets = ["graph1", "graph2", "graph3", "graph4"]

    public init(_ arguments: inout SynthArguments) throws(TraceError) {
        let preset = try arguments.choice("preset", from: Self.presets, default: "graph1")
        switch preset {
        case "graph2": phases = Self.graph2
        case "graph3": phases = Self.graph3
        case "graph4": phases = Self.graph4; otherBytes = Self.graph4OtherBytes
        default: phases = Self.graph1
        }
        if let text = arguments.text("phases") {
            var parsed: [GCGuidePhase] = []
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let phase = GCGuidePhase(item) else {
                    throw .expected("a phase DURATION:RATE:SURVIVAL:DEATH (e.g. 1s:20MiB:1:0) for \"phases\"",
                                    found: "\"\(item)\"", at: SynthArguments.location)
                }
                parsed.append(phase)
            }
            phases = parsed
        }
        objectBytes = try arguments.size("object", default: objectBytes)
        pointers = try arguments.flag("ptr", default: pointers)
        otherBytes = try arguments.size("other", default: otherBytes)
        try validate()
    }

    public func validate() throws(TraceError) {
        try SynthArguments.require(objectBytes >= 1, "an object size of at least 1 B", found: "0")
        try SynthArguments.require(!phases.isEmpty, "at least one phase", found: "none")
        for phase in phases {
            try SynthArguments.require((0...1).contains(phase.newSurvivalRate) && (0...1).contains(phase.oldDeathRate),
                                       "survival and death rates between 0 and 1", found: phase.description)
        }
    }

    public var originPairs: [(String, String)] {
        [("phases", phases.map(\.description).joined(separator: ",")), ("object", SynthFormat.size(objectBytes)),
         ("ptr", "\(pointers)"), ("other", SynthFormat.size(otherBytes))]
    }
}

/// `synth gc-guide`: each phase allocates `duration × rate / object` objects, paced by
/// `compute` so the phase takes exactly `duration` of CPU. Survival is spread evenly:
/// after i allocations ⌊i × newSurvivalRate⌋ of them survive (kept live), the others
/// are freed right after their compute; of the D = round(live-at-phase-start ×
/// oldDeathRate) objects that die, ⌊i × D / count⌋ (oldest first) are freed by then.
///
/// ```
/// mmap 1 <other> rw anonymous; write 1 0 <other>     (only when other > 0)
/// alloc k 64KiB scan; compute 3.125ms; [free k]; [free <oldest>…]
/// checkpoint "phase1" … checkpoint "phaseN"; checkpoint "end"
/// ```
/// Graph 1 thus allocates 200 MiB (3200 objects) over 10 CPU-s, with 20 MiB live
/// after the first phase and at the end — the guide's "200 MiB in total, with 20 MiB
/// live at a time". Memory: the live objects' ids.
public struct GCGuideGenerator: SynthGenerator {
    public let parameters: GCGuideParameters
    public let origin: String
    public let symbols: SymbolTable
    private let phaseLabels: [Symbol]
    private let end: Symbol
    private var live = LiveObjectQueue()
    private var nextID: RegionID = 2
    private var started = false
    private var phaseIndex = 0
    private var objectIndex: UInt64 = 0
    private var objectCount: UInt64 = 0
    private var deaths: UInt64 = 0
    private var died: UInt64 = 0
    private var survivors: UInt64 = 0
    private var finished = false

    public static let otherMemoryID: RegionID = 1

    public init(_ parameters: GCGuideParameters, seed: UInt64) throws(TraceError) {
        try parameters.validate()
        self.parameters = parameters
        origin = SynthFormat.origin("gc-guide", parameters.originPairs, seed: seed)
        var symbols = SymbolTable()
        phaseLabels = parameters.phases.indices.map { symbols.intern("phase\($0 + 1)") }
        end = symbols.intern("end")
        self.symbols = symbols
    }

    /// Bytes of heap objects live now.
    public var liveBytes: UInt64 { live.totalBytes }

    /// Objects phase `phase` allocates: round(duration × rate / object size).
    public static func objectCount(of phase: GCGuidePhase, objectBytes: UInt64) -> UInt64 {
        let product = phase.durationNs.multipliedFullWidth(by: phase.bytesPerSecond)
        let divisor = (1_000_000_000 as UInt64).multipliedReportingOverflow(by: objectBytes)
        guard !divisor.overflow, product.high < divisor.partialValue else { return UInt64(Int32.max) }
        let (quotient, remainder) = divisor.partialValue.dividingFullWidth(product)
        return quotient + (remainder >= divisor.partialValue - remainder ? 1 : 0)
    }

    public mutating func step(into batch: inout RecordBatch) -> Bool {
        if finished { return false }
        if !started {
            started = true
            if parameters.otherBytes > 0 {
                batch.append(.mmap(id: Self.otherMemoryID, length: parameters.otherBytes, protection: [.read, .write],
                                   flags: [.anonymous], fd: nil, fileOffset: 0))
                batch.append(.write(id: Self.otherMemoryID, offset: 0, length: parameters.otherBytes))
            }
            startPhase()
            return true
        }
        let phase = parameters.phases[phaseIndex]
        if objectIndex == objectCount {
            if objectCount == 0 && phase.durationNs > 0 { batch.append(.compute(ns: phase.durationNs)) }
            freeOld(upTo: deaths, into: &batch)
            batch.append(.checkpoint(label: phaseLabels[phaseIndex]))
            phaseIndex += 1
            if phaseIndex == parameters.phases.count {
                batch.append(.checkpoint(label: end))
                finished = true
            } else {
                startPhase()
            }
            return true
        }
        let i = objectIndex
        objectIndex += 1
        let id = nextID
        nextID += 1
        batch.append(.alloc(id: id, size: parameters.objectBytes, scan: parameters.pointers))
        // Compute so that object i ends at ⌊(i+1)·duration/count⌋: exactly `duration` in all.
        let computeNs = share(phase.durationNs, i + 1, objectCount) - share(phase.durationNs, i, objectCount)
        if computeNs > 0 { batch.append(.compute(ns: computeNs)) }
        let survivorsDue = UInt64((Double(objectIndex) * phase.newSurvivalRate).rounded(.down))
        if survivorsDue > survivors {
            survivors += 1
            freeOld(upTo: share(deaths, objectIndex, objectCount), into: &batch)
            live.append(id: id, bytes: parameters.objectBytes)
        } else {
            batch.append(.free(id: id))
            freeOld(upTo: share(deaths, objectIndex, objectCount), into: &batch)
        }
        return true
    }

    private mutating func startPhase() {
        let phase = parameters.phases[phaseIndex]
        objectIndex = 0
        objectCount = Self.objectCount(of: phase, objectBytes: parameters.objectBytes)
        deaths = UInt64((Double(live.count) * phase.oldDeathRate).rounded())
        died = 0
        survivors = 0
    }

    /// Frees the oldest live objects until `target` of this phase's deaths happened.
    private mutating func freeOld(upTo target: UInt64, into batch: inout RecordBatch) {
        while died < target, let object = live.removeOldest() {
            died += 1
            batch.append(.free(id: object.id))
        }
    }

    /// ⌊total × part / whole⌋ without overflow (0 when whole is 0).
    private func share(_ total: UInt64, _ part: UInt64, _ whole: UInt64) -> UInt64 {
        guard whole > 0 else { return 0 }
        let product = total.multipliedFullWidth(by: part)
        return product.high >= whole ? total : whole.dividingFullWidth(product).quotient
    }
}
