import GoMemSimTrace
/// The records one step of a generator produced and `next()` has not handed out yet.
///
/// A generator works in steps (an allocation with the frees and compute it implies, one
/// access, a request); each step appends a few records here. The storage is reused
/// from step to step, so a generator allocates nothing per record once warm.
///
/// `pop()` and ``SynthStream/next()`` are inlinable: the replay engine, specialised for
/// its source, then reads each record straight out of the batch instead of receiving
/// it copied through three calls (whose returned copies stalled on store forwarding).
public struct RecordBatch: Sendable {
    /// Records a step keeps in place: most steps append one to three.
    @inlinable static var inlineCapacity: Int { 8 }
    /// Slots `0..<min(used, 8)` hold the batch's first records: stored inline, so a
    /// write is a plain store (an `Array` checks uniqueness on every write — a runtime
    /// call per record, measured at 2 % of a gc-grid replay).
    @usableFromInline var inline: InlineArray<8, TraceRecord>
    /// Records past the eighth of a step (a request that allocates many objects).
    @usableFromInline var overflow: [TraceRecord] = []
    @usableFromInline var used = 0
    @usableFromInline var position = 0

    public init() { inline = InlineArray(repeating: TraceRecord(.exit)) }

    /// Appends `event` performed by `goroutine`. (Inlinable, as `pop()`: a generator
    /// specialised into the engine then builds each record in place in the batch.)
    @inline(__always)
    @inlinable public mutating func append(_ event: TraceEvent, goroutine: UInt32 = 0) {
        append(TraceRecord(goroutine: goroutine, event))
    }

    @inline(__always)
    @inlinable public mutating func append(_ record: TraceRecord) {
        if used < Self.inlineCapacity {
            inline[used] = record
        } else if used - Self.inlineCapacity < overflow.count {
            overflow[used - Self.inlineCapacity] = record
        } else {
            overflow.append(record)
        }
        used += 1
    }

    /// The oldest record not handed out yet; empties the batch when none is left.
    @inline(__always)
    @inlinable public mutating func pop() -> TraceRecord? {
        if position < used {
            position += 1
            return position <= Self.inlineCapacity ? inline[position - 1] : overflow[position - 1 - Self.inlineCapacity]
        }
        used = 0
        position = 0
        return nil
    }
}

/// A synthetic workload that produces its trace in steps. ``SynthStream`` turns one
/// into a ``TraceSource``.
public protocol SynthGenerator {
    /// `synth:KIND key=value… seed=N`: every parameter, so the origin names the trace.
    var origin: String { get }
    /// The checkpoint labels the generator uses, interned up front.
    var symbols: SymbolTable { get }
    /// Appends the records of the next step to `batch`; returns `false` at the end of
    /// the trace (and appends nothing then).
    mutating func step(into batch: inout RecordBatch) -> Bool
}

/// A ``SynthGenerator`` read as a ``TraceSource``: hands out the records of each step
/// in order and counts them for ``location``.
public struct SynthStream<Generator: SynthGenerator>: TraceSource {
    @usableFromInline var stepper: Generator
    @usableFromInline var batch = RecordBatch()
    @usableFromInline var handedOut: UInt64 = 0

    public init(_ generator: Generator) { stepper = generator }

    public var generator: Generator { stepper }
    /// Records handed out so far.
    public var recordCount: UInt64 { handedOut }

    public var symbols: SymbolTable { stepper.symbols }
    public var origin: String { stepper.origin }
    public var location: SourceLocation { .record(origin: origin, index: recordCount) }

    @inline(__always)
    @inlinable public mutating func next() -> TraceRecord? {
        while true {
            if let record = batch.pop() {
                handedOut += 1
                return record
            }
            if !stepper.step(into: &batch) { return nil }
        }
    }
}
