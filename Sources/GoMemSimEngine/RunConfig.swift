/// Everything besides the trace that decides a run's results: the Go runtime settings,
/// named as Go names them, and the machine profile. Recorded whole (as JSON) in the
/// run row, so every result says what produced it.
public struct RunConfig: Codable, Hashable, Sendable {
    /// GOGC; `nil` is `off`.
    public var gogc: Int32? = 100
    /// GOMEMLIMIT in bytes; `nil` is no limit.
    public var memoryLimit: UInt64? = nil
    public var gomaxprocs: Int = 2
    /// GODEBUG settings, e.g. `["madvdontneed": "0"]`.
    public var godebug: [String: String] = [:]
    /// The Go runtime the runtime model imitates.
    public var goVersion: String = "go1.19"
    /// Machine profile preset name or JSON path.
    public var profile: String = "default"
    /// Interval of the periodic samples, in virtual nanoseconds.
    public var sampleIntervalNs: UInt64 = 10_000_000
    /// Seed of every random choice a model makes.
    public var seed: UInt64 = 1
    /// Which Go runtime model replays the trace.
    public var runtimeModel: RuntimeModelKind = .go
    /// Whether accesses go through the cache/TLB model of the profile (off: faster
    /// replays when only memory figures matter; accesses then cost no modelled time).
    public var hardware: Bool = true

    public init() {}
}

/// The Go runtime model of a run.
public enum RuntimeModelKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// The Go allocator, scavenger and collector of `goVersion` (go1.19 validated).
    case go
    /// The gc-guide's idealised cost model: the application pauses for each cycle.
    case idealized
}
