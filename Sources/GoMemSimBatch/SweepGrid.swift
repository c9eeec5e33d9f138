import GoMemSimEngine

/// The configurations a sweep runs: every input crossed with every GOGC, GOMEMLIMIT,
/// GOMAXPROCS and machine profile, in that nesting order (inputs outermost, profiles
/// innermost).
///
///     var grid = SweepGrid(inputs: [try TraceInput("synth:gc-grid")])
///     grid.gogc = [25, 50, 100, 200, 400, nil]   // nil: GOGC=off
///     grid.memoryLimits = [nil, 96 << 20]        // nil: no limit
///     grid.jobs.count                             // 12
///     grid.jobs(shard: Shard(index: 1, count: 2)) // points 0, 2, 4, …
///
/// The order is a pure function of the axes, so every machine of a batch array that is
/// given the same grid computes the same list and `--shard K/N` picks disjoint points
/// that together cover the grid exactly once.
public struct SweepGrid: Hashable, Sendable {
    public var inputs: [TraceInput]
    /// GOGC values; `nil` is `off`.
    public var gogc: [Int32?] = [100]
    /// GOMEMLIMIT values in bytes; `nil` is no limit.
    public var memoryLimits: [UInt64?] = [nil]
    public var gomaxprocs: [Int] = [2]
    /// Machine profile presets or JSON paths.
    public var profiles: [String] = ["default"]
    /// Every other setting (runtime model, hardware model on/off, GODEBUG, sample
    /// interval, seed) shared by all points; its own GOGC, limit, procs and profile are
    /// replaced by each point's.
    public var base = RunConfig()

    public init(inputs: [TraceInput]) {
        self.inputs = inputs
    }

    /// Every point of the grid, in the deterministic order.
    public var jobs: [ReplayJob] {
        var jobs: [ReplayJob] = []
        jobs.reserveCapacity(count)
        for input in inputs {
            for gogc in gogc {
                for limit in memoryLimits {
                    for procs in gomaxprocs {
                        for profile in profiles {
                            var config = base
                            config.gogc = gogc
                            config.memoryLimit = limit
                            config.gomaxprocs = procs
                            config.profile = profile
                            jobs.append(ReplayJob(input: input, config: config))
                        }
                    }
                }
            }
        }
        return jobs
    }

    /// The points of one shard: every `shard.count`-th point from `shard.index − 1`.
    public func jobs(shard: Shard) -> [ReplayJob] {
        jobs.enumerated().filter { shard.contains(position: $0.offset) }.map(\.element)
    }

    /// How many points the grid has.
    public var count: Int {
        inputs.count * gogc.count * memoryLimits.count * gomaxprocs.count * profiles.count
    }
}

/// One of `count` slices of a sweep grid, numbered from 1 as `--shard K/N` writes it and
/// as batch schedulers number array tasks (`$SLURM_ARRAY_TASK_ID` from 1 with
/// `--array=1-N`; Kubernetes' `$JOB_COMPLETION_INDEX` from 0, so pass index + 1).
/// Shard K of N holds the grid points at positions K−1, K−1+N, K−1+2N, …: round-robin, so
/// shards get similar mixes of cheap and expensive configurations.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int

    public static let whole = Shard(index: 1, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N` with 1 ≤ K ≤ N; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else {
            return nil
        }
        self.init(index: k, count: n)
    }

    /// Whether the grid point at 0-based `position` belongs to this shard.
    public func contains(position: Int) -> Bool {
        position % count == index - 1
    }

    public var description: String { "\(index)/\(count)" }
}
