import GoMemSimTrace
/// The records one step of a generator produced and `next()` has not handed out yet.
///
/// A generator works in steps (an allocation with the frees and compute it implies, one
/// access, a request); each step appends a few records here. The storage is reused
/// from step to step, so a generator allocates nothing per record once warm.
public struct RecordBatch: Sendable {
    /// Slots `0..<used` hold the batch; slots past `used` are stale and overwritten.
    private var records: [TraceRecord] = []
    private var used = 0
    private var position = 0

    public init() { records.reserveCapacity(64) }

    /// Appends `event` performed by `goroutine`.
    @inline(__always)
    public mutating func append(_ event: TraceEvent, goroutine: UInt32 = 0) {
        append(TraceRecord(goroutine: goroutine, event))
    }

    @inline(__always)
    public mutating func append(_ record: TraceRecord) {
        if used < records.count { records[used] = record } else { records.append(record) }
        used += 1
    }

    /// The oldest record not handed out yet; empties the batch when none is left.
    @inline(__always)
    public mutating func pop() -> TraceRecord? {
        if position < used {
            position += 1
            return records[position - 1]
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
    public private(set) var generator: Generator
    private var batch = RecordBatch()
    /// Records handed out so far.
    public private(set) var recordCount: UInt64 = 0

    public init(_ generator: Generator) { self.generator = generator }

    public var symbols: SymbolTable { generator.symbols }
    public var origin: String { generator.origin }
    public var location: SourceLocation { .record(origin: origin, index: recordCount) }

    public mutating func next() -> TraceRecord? {
        while true {
            if let record = batch.pop() {
                recordCount += 1
                return record
            }
            if !generator.step(into: &batch) { return nil }
        }
    }
}
