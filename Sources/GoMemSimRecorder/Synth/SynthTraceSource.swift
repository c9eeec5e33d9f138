import GoMemSimTrace

/// Any synthetic generator as one concrete ``TraceSource`` type, so the CLI and the
/// engine can hold "whatever `gomemsim synth KIND` built" without an existential.
///
/// Exactly one stream is set; `next()` is one switch and an in-place call (optional
/// chaining mutates the stored stream, so no copy and no reference counting per record).
public struct SynthTraceSource: TraceSource {
    public enum Kind: String, Sendable, CaseIterable {
        case access, churn, gcGrid = "gc-grid", leak, server, gcGuide = "gc-guide"
    }

    public let kind: Kind
    @usableFromInline var access: SynthStream<AccessPatternGenerator>?
    @usableFromInline var churn: SynthStream<ChurnGenerator>?
    @usableFromInline var gcGrid: SynthStream<GCGridGenerator>?
    @usableFromInline var leak: SynthStream<LeakGenerator>?
    @usableFromInline var server: SynthStream<RequestServerGenerator>?
    @usableFromInline var gcGuide: SynthStream<GCGuideGenerator>?

    public init(_ generator: AccessPatternGenerator) { kind = .access; access = SynthStream(generator) }
    public init(_ generator: ChurnGenerator) { kind = .churn; churn = SynthStream(generator) }
    public init(_ generator: GCGridGenerator) { kind = .gcGrid; gcGrid = SynthStream(generator) }
    public init(_ generator: LeakGenerator) { kind = .leak; leak = SynthStream(generator) }
    public init(_ generator: RequestServerGenerator) { kind = .server; server = SynthStream(generator) }
    public init(_ generator: GCGuideGenerator) { kind = .gcGuide; gcGuide = SynthStream(generator) }

    /// Inlinable, so the engine specialised for this source reads records from the
    /// generator's batch in place (see ``RecordBatch``).
    @inline(__always)
    @inlinable public mutating func next() -> TraceRecord? {
        switch kind {
        case .access: access?.next()
        case .churn: churn?.next()
        case .gcGrid: gcGrid?.next()
        case .leak: leak?.next()
        case .server: server?.next()
        case .gcGuide: gcGuide?.next()
        }
    }

    public var symbols: SymbolTable {
        access?.symbols ?? churn?.symbols ?? gcGrid?.symbols ?? leak?.symbols ?? server?.symbols
            ?? gcGuide?.symbols ?? SymbolTable()
    }

    public var origin: String {
        access?.origin ?? churn?.origin ?? gcGrid?.origin ?? leak?.origin ?? server?.origin
            ?? gcGuide?.origin ?? "synth"
    }

    public var location: SourceLocation {
        access?.location ?? churn?.location ?? gcGrid?.location ?? leak?.location ?? server?.location
            ?? gcGuide?.location ?? .record(origin: "synth", index: 0)
    }

    /// Records handed out so far.
    public var recordCount: UInt64 {
        access?.recordCount ?? churn?.recordCount ?? gcGrid?.recordCount ?? leak?.recordCount
            ?? server?.recordCount ?? gcGuide?.recordCount ?? 0
    }
}
