import GoMemSimTrace
/// The parameters of `synth access`: one buffer, then `count` accesses in a pattern.
public struct AccessPatternParameters: Codable, Hashable, Sendable {
    public enum Pattern: String, Codable, Hashable, Sendable, CaseIterable {
        /// `element`-byte steps from offset 0, wrapping at the end of the buffer.
        case sequential
        /// `stride`-byte steps, wrapping.
        case strided
        /// Uniformly random elements.
        case random
        /// Zipf-distributed elements (rank r with probability ∝ r^−exponent); ranks are
        /// scattered over the buffer by a seeded permutation, as hashed keys would be.
        case zipf
        /// A pointer chase: a single random cycle through every `line`-byte slot, each
        /// read `dependent` on the one before.
        case chase
    }

    /// What the buffer is.
    public enum Backing: String, Codable, Hashable, Sendable, CaseIterable {
        /// `alloc` (noscan) … `free`: accesses are `read`/`write` of the object.
        case heap
        /// Anonymous private read-write `mmap` … `munmap`.
        case mmap
        /// No region: `load`/`store` at `baseAddress + offset` (hardware-model benchmarks).
        case raw
    }

    public var pattern: Pattern = .sequential
    public var backing: Backing = .heap
    public var sizeBytes: UInt64 = 1 << 30
    public var count: UInt64 = 1_000_000
    /// Bytes per access (a Go `int64`/pointer: 8).
    public var elementBytes: UInt64 = 8
    public var strideBytes: UInt64 = 64
    /// Slot size of the pointer chase: one cache line (hardware-latency.md: 64 B lines).
    public var lineBytes: UInt64 = 64
    public var exponent: Double = 1.0
    /// Fraction of accesses that are writes (the chase only reads).
    public var writeFraction: Double = 0
    /// Sequential only: emit each pass over the buffer as one range event.
    public var range: Bool = false
    /// Raw backing: the buffer's first address. Default 0xc000000000, where Go's heap
    /// arena hints start on linux/amd64 (runtime/malloc.go `mallocinit`).
    public var baseAddress: UInt64 = 0xC0_0000_0000

    public init() {}

    /// Reads the parameters of `synth access`.
    public init(_ arguments: inout SynthArguments) throws(TraceError) {
        let defaults = Self()
        pattern = Pattern(rawValue: try arguments.choice(
            "pattern", from: Pattern.allCases.map(\.rawValue), default: defaults.pattern.rawValue)) ?? .sequential
        backing = Backing(rawValue: try arguments.choice(
            "backing", from: Backing.allCases.map(\.rawValue), default: defaults.backing.rawValue)) ?? .heap
        sizeBytes = try arguments.size("size", default: defaults.sizeBytes)
        count = try arguments.count("n", default: defaults.count)
        elementBytes = try arguments.size("element", default: defaults.elementBytes)
        strideBytes = try arguments.size("stride", default: defaults.strideBytes)
        lineBytes = try arguments.size("line", default: defaults.lineBytes)
        exponent = try arguments.positive("exponent", default: defaults.exponent)
        writeFraction = try arguments.fraction("writes", default: defaults.writeFraction)
        range = try arguments.flag("range", default: defaults.range)
        baseAddress = try arguments.address("base", default: defaults.baseAddress)
        try validate()
    }

    public func validate() throws(TraceError) {
        try SynthArguments.require(elementBytes >= 1 && elementBytes <= UInt64(UInt32.max),
                                   "an element of 1 B to 4 GiB", found: SynthFormat.size(elementBytes))
        try SynthArguments.require(sizeBytes >= elementBytes, "a buffer size of at least one element (\(SynthFormat.size(elementBytes)))",
                                   found: SynthFormat.size(sizeBytes))
        try SynthArguments.require(strideBytes >= 1, "a stride of at least 1 B", found: "0")
        try SynthArguments.require(pattern != .chase || (lineBytes >= elementBytes && lineBytes <= sizeBytes),
                                   "a chase line between the element size and the buffer size", found: SynthFormat.size(lineBytes))
        try SynthArguments.require(!range || pattern == .sequential, "range=true only with pattern=sequential",
                                   found: "pattern=\(pattern.rawValue)")
        try SynthArguments.require(backing != .raw || baseAddress <= UInt64.max - sizeBytes,
                                   "a buffer that fits in the address space", found: "base=\(baseAddress)")
    }

    /// The `key=value` pairs of the origin string (only those the pattern uses).
    public var originPairs: [(String, String)] {
        var pairs: [(String, String)] = [("pattern", pattern.rawValue), ("backing", backing.rawValue),
                                         ("size", SynthFormat.size(sizeBytes)), ("n", "\(count)"),
                                         ("element", SynthFormat.size(elementBytes))]
        switch pattern {
        case .strided: pairs.append(("stride", SynthFormat.size(strideBytes)))
        case .zipf: pairs.append(("exponent", "\(exponent)"))
        case .chase: pairs.append(("line", SynthFormat.size(lineBytes)))
        case .sequential: pairs.append(("range", "\(range)"))
        case .random: break
        }
        if pattern != .chase { pairs.append(("writes", "\(writeFraction)")) }
        if backing == .raw { pairs.append(("base", "0x" + String(baseAddress, radix: 16))) }
        return pairs
    }
}

/// `synth access`: a buffer of `sizeBytes`, `count` accesses in one of the
/// ``AccessPatternParameters/Pattern``s, a checkpoint `end`, then the buffer is released.
///
/// ```
/// alloc 1 1GiB noscan        (or: mmap 1 1GiB rw anonymous; raw backing: nothing)
/// read 1 <offset> 8          × count (write with probability `writes`; chase: dependent)
/// checkpoint "end"
/// free 1                     (or: munmap 1 0 1GiB)
/// ```
///
/// Memory is O(1) whatever the size and count: the chase order and the Zipf scatter are
/// computed by a ``FeistelPermutation``, ranks by a ``ZipfSampler``.
public struct AccessPatternGenerator: SynthGenerator {
    public let parameters: AccessPatternParameters
    public let origin: String
    public let symbols: SymbolTable
    private let endLabel: Symbol
    private var random: Xoshiro256
    private let permutation: FeistelPermutation
    private let zipf: ZipfSampler?
    /// Offsets a pass can start an access at: `0, step, 2·step, …` while the access fits.
    private let stepBytes: UInt64
    private let elementCount: UInt64
    private var phase: Phase = .setUp
    private var done: UInt64 = 0
    private var offset: UInt64 = 0

    private enum Phase { case setUp, accesses, tearDown, finished }

    static let bufferID: RegionID = 1

    public init(_ parameters: AccessPatternParameters, seed: UInt64) throws(TraceError) {
        try parameters.validate()
        self.parameters = parameters
        origin = SynthFormat.origin("access", parameters.originPairs, seed: seed)
        var symbols = SymbolTable()
        endLabel = symbols.intern("end")
        self.symbols = symbols
        random = Xoshiro256(seed: seed)
        elementCount = parameters.sizeBytes / parameters.elementBytes
        let slots = parameters.pattern == .chase ? parameters.sizeBytes / parameters.lineBytes : elementCount
        permutation = FeistelPermutation(count: slots, seed: seed)
        zipf = parameters.pattern == .zipf ? ZipfSampler(count: elementCount, exponent: parameters.exponent) : nil
        stepBytes = parameters.pattern == .strided ? parameters.strideBytes : parameters.elementBytes
    }

    public mutating func step(into batch: inout RecordBatch) -> Bool {
        switch phase {
        case .setUp:
            phase = .accesses
            switch parameters.backing {
            case .heap: batch.append(.alloc(id: Self.bufferID, size: parameters.sizeBytes, scan: false))
            case .mmap:
                batch.append(.mmap(id: Self.bufferID, length: parameters.sizeBytes, protection: [.read, .write],
                                   flags: [.anonymous], fd: nil, fileOffset: 0))
            case .raw: return step(into: &batch)
            }
        case .accesses:
            guard done < parameters.count else {
                phase = .tearDown
                batch.append(.checkpoint(label: endLabel))
                return true
            }
            if parameters.range { appendPass(into: &batch) } else { appendAccess(into: &batch) }
        case .tearDown:
            phase = .finished
            switch parameters.backing {
            case .heap: batch.append(.free(id: Self.bufferID))
            case .mmap: batch.append(.munmap(id: Self.bufferID, offset: 0, length: parameters.sizeBytes))
            case .raw: return false
            }
        case .finished:
            return false
        }
        return true
    }

    /// One element access.
    private mutating func appendAccess(into batch: inout RecordBatch) {
        let element = parameters.elementBytes
        let accessOffset: UInt64
        var dependent = false
        switch parameters.pattern {
        case .sequential, .strided:
            accessOffset = offset
            offset += stepBytes
            if offset > parameters.sizeBytes - element { offset = 0 }
        case .random:
            accessOffset = random.next(below: elementCount) * element
        case .zipf:
            let rank = zipf?.sample(using: &random) ?? 1
            accessOffset = permutation[rank - 1] * element
        case .chase:
            // Slot σ(k) holds a pointer to slot σ(k+1 mod n): one cycle through them all.
            accessOffset = permutation[done % permutation.count] * parameters.lineBytes
            dependent = true
        }
        done += 1
        let isWrite = !dependent && random.nextBool(probability: parameters.writeFraction)
        switch (parameters.backing, isWrite) {
        case (.raw, false):
            batch.append(.load(address: parameters.baseAddress + accessOffset, length: UInt32(element), dependent: dependent))
        case (.raw, true):
            batch.append(.store(address: parameters.baseAddress + accessOffset, length: UInt32(element)))
        case (_, false):
            batch.append(.read(id: Self.bufferID, offset: accessOffset, length: element, dependent: dependent))
        case (_, true):
            batch.append(.write(id: Self.bufferID, offset: accessOffset, length: element))
        }
    }

    /// A sequential run as one range event: up to the end of the buffer or of `count`.
    private mutating func appendPass(into batch: inout RecordBatch) {
        let element = parameters.elementBytes
        let elementsLeftInBuffer = (parameters.sizeBytes - offset) / element
        let elements = min(elementsLeftInBuffer, parameters.count - done)
        let length = elements * element
        let isWrite = random.nextBool(probability: parameters.writeFraction)
        switch (parameters.backing, isWrite) {
        case (.raw, false):
            // A raw load is at most 4 GiB; split a longer pass into maximal loads.
            appendRawRange(base: parameters.baseAddress + offset, length: length, store: false, into: &batch)
        case (.raw, true):
            appendRawRange(base: parameters.baseAddress + offset, length: length, store: true, into: &batch)
        case (_, false):
            batch.append(.read(id: Self.bufferID, offset: offset, length: length, dependent: false))
        case (_, true):
            batch.append(.write(id: Self.bufferID, offset: offset, length: length))
        }
        done += elements
        offset += length
        if offset > parameters.sizeBytes - element { offset = 0 }
    }

    private func appendRawRange(base: UInt64, length: UInt64, store: Bool, into batch: inout RecordBatch) {
        let chunk = UInt64(UInt32.max) / parameters.elementBytes * parameters.elementBytes
        var start: UInt64 = 0
        while start < length {
            let piece = UInt32(min(chunk, length - start))
            batch.append(store ? .store(address: base + start, length: piece)
                               : .load(address: base + start, length: piece, dependent: false))
            start += UInt64(piece)
        }
    }
}
