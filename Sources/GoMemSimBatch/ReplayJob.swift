import Foundation
import GoMemSimEngine
import GoMemSimRecorder
import GoMemSimStore
import GoMemSimTrace

/// One replay from input to stored run: open the input, replay it through the models
/// the configuration names, write the run in one transaction. `replay` runs one per
/// input; `sweep` runs one per point of its grid.
public struct ReplayJob: Sendable {
    public var input: TraceInput
    public var config: RunConfig
    /// The input's content hash when the caller has computed it already (a sweep hashes
    /// each input once, not once per configuration); nil: hash it when needed.
    public var traceSHA256: String?

    public init(input: TraceInput, config: RunConfig, traceSHA256: String? = nil) {
        self.input = input
        self.config = config
        self.traceSHA256 = traceSHA256
    }

    /// The key a sweep uses to recognise this job's run in a database.
    public func configKey() throws -> String {
        try ResultsDatabase.configKey(traceSHA256: try contentSHA256(), tracePath: input.name, config: config)
    }

    private func contentSHA256() throws(TraceError) -> String {
        if let traceSHA256 { return traceSHA256 }
        return try input.contentSHA256()
    }

    /// Replays the input. Never throws: bad input yields a `failed` result whose
    /// `failure` says where (`file:line:col: expected …`).
    public func run(progress: ((UInt64) -> Void)? = nil) -> ReplayOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = ReplayOutcome(result: RunResult(origin: input.name, config: config))
        // Hashing a trace file reads all of it (~170 MB/s): done on another core while the
        // replay runs, unless the caller hashed it already.
        let hash = traceSHA256.map { known in { () -> Result<String, TraceError> in .success(known) } }
            ?? ConcurrentHash.start(input)
        do {
            let profile = try SimulationProfile.load(config.profile)
            if case let .synth(kind, parameters, seed) = input {
                // The engine specialised for generators too: through `InputTraceSource` each
                // record cost ~120 instructions of optional tests and copies (a churn
                // replay's allocation ~1,700 in all).
                let source = try Synth.make(kind: kind, parameters: parameters, seed: seed)
                outcome.result = try Simulation.run(source: source, config: config, profile: profile, progress: progress)
            } else {
                let source = try input.open()
                outcome.result = try Simulation.run(source: source, config: config, profile: profile, progress: progress)
            }
        } catch let error as TraceError {
            outcome.result.status = .failed
            outcome.result.failure = error.description
        } catch {
            outcome.result.status = .failed
            outcome.result.failure = "\(error)"
        }
        switch hash() {
        case let .success(digest):
            outcome.traceSHA256 = digest
        case let .failure(error) where outcome.result.status != .failed:  // the input changed under the replay
            outcome.result.status = .failed
            outcome.result.failure = error.description
        case .failure:
            break
        }
        let elapsed = clock.now - start
        outcome.wallTimeNs = UInt64(elapsed.components.seconds) * 1_000_000_000
            + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        return outcome
    }

    /// Runs the job and records it in `database`. A failed run (bad input) is stored as
    /// a `failed` row with its message and no figures: nothing half-written.
    @discardableResult
    public func runAndRecord(in database: ResultsDatabase, toolVersion: String,
                             progress: ((UInt64) -> Void)? = nil) throws -> (runID: Int64, outcome: ReplayOutcome) {
        let outcome = run(progress: progress)
        let runID: Int64
        if outcome.result.status == .failed {
            runID = try database.recordFailure(origin: input.name, config: config,
                                               message: outcome.result.failure ?? "failed",
                                               traceSHA256: outcome.traceSHA256, wallTimeNs: outcome.wallTimeNs,
                                               toolVersion: toolVersion)
        } else {
            runID = try database.record(outcome.result, tracePath: input.name, traceSHA256: outcome.traceSHA256,
                                        wallTimeNs: outcome.wallTimeNs, toolVersion: toolVersion)
        }
        return (runID, outcome)
    }
}

/// An input's content hash computed on a thread of its own; the closure waits for it.
enum ConcurrentHash {
    /// The hash's result, written once by the hashing thread before it signals.
    private final class Box: @unchecked Sendable {
        var result: Result<String, TraceError> = .failure(TraceError(.text(file: "", line: 1, column: 1), "not hashed"))
    }

    static func start(_ input: TraceInput) -> () -> Result<String, TraceError> {
        if case .synth = input {  // a generator's hash is of its short spec: no thread for it
            let result = Result { () throws(TraceError) in try input.contentSHA256() }
            return { result }
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { () throws(TraceError) in try input.contentSHA256() }
            done.signal()
        }
        thread.start()
        return {
            done.wait()
            done.signal()  // a second call returns at once too
            return box.result
        }
    }
}

/// A replay's result with what the store needs besides it.
public struct ReplayOutcome: Sendable {
    public var result: RunResult
    public var traceSHA256: String? = nil
    public var wallTimeNs: UInt64 = 0

    /// The process exit status the CLI gives this outcome: 0 complete, 2 bad input,
    /// 1 the simulated process died (OOM kill, SIGSEGV).
    public var exitStatus: Int32 {
        switch result.status {
        case .complete: 0
        case .failed: 2
        case .oom, .segfault: 1
        }
    }
}
