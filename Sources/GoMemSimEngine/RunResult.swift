import GoMemSimCore

/// What a replay produced; the store writes it as one run, in one transaction.
public struct RunResult: Sendable {
    /// Where the trace came from (a path, or `synth:churn …`).
    public var origin: String
    public var config: RunConfig
    public var status: RunStatus = .complete
    /// Why the run did not complete, with the trace location where it stopped.
    public var failure: String? = nil
    /// Records replayed.
    public var events: UInt64 = 0
    /// Records by event kind (`alloc`, `free`, …), sorted by kind name.
    public var eventCounts: [(kind: String, count: UInt64)] = []
    /// Virtual time at the end of the run, in nanoseconds.
    public var virtualTimeNs: UInt64 = 0
    public var checkpoints: [Checkpoint] = []
    public var samples: [Sample] = []
    /// Rows the models add (per checkpoint and per run).
    public var modelRows = ModelRows()
    /// Names of the attached models; `nil` where no model is attached.
    public var kernelModel: String? = nil
    public var runtimeModel: String? = nil
    public var hardwareModel: String? = nil

    public init(origin: String, config: RunConfig) {
        self.origin = origin
        self.config = config
    }
}

/// How a run ended.
public enum RunStatus: String, Codable, Hashable, Sendable {
    case complete
    /// Bad input or an error while writing results.
    case failed
    /// The kernel model's OOM killer ended the simulated process.
    case oom
    /// The simulated process accessed memory it had no right to (SIGSEGV).
    case segfault
}

/// The figures at a labelled point of the trace.
public struct Checkpoint: Hashable, Sendable {
    /// 0-based order of the checkpoint within the run.
    public var seq: Int
    public var label: String
    public var timeNs: UInt64
    public var figures: MemoryFigures

    public init(seq: Int, label: String, timeNs: UInt64, figures: MemoryFigures) {
        self.seq = seq
        self.label = label
        self.timeNs = timeNs
        self.figures = figures
    }
}

/// The figures at one periodic sample.
public struct Sample: Hashable, Sendable {
    public var timeNs: UInt64
    public var figures: MemoryFigures

    public init(timeNs: UInt64, figures: MemoryFigures) {
        self.timeNs = timeNs
        self.figures = figures
    }
}
