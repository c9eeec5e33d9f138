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

    public init() {}
}
