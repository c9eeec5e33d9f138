import Foundation
import GoMemSimEngine
import GoMemSimStore
import GoMemSimTrace

/// Runs a list of replay jobs into one results database, several at once, skipping the
/// ones the database already holds.
///
///     let sweep = Sweep(jobs: grid.jobs(shard: shard), databasePath: "sweep.sqlite",
///                       parallelism: 2, toolVersion: "0.1.0")
///     let summary = try sweep.run(cancellation: stop) { finished in print(finished.job.input.name) }
///
/// - Resumable: a job whose `config_key` (trace content + canonical config) already has a
///   `complete`, `oom` or `segfault` run is skipped; `failed` runs are retried.
/// - Parallel: `parallelism` worker threads take jobs in grid order, each with its own
///   database connection; the store's WAL journal, busy timeout and `BEGIN IMMEDIATE`
///   make concurrent writers safe.
/// - Never partial: each run is written in one transaction after its replay, so a job
///   that is interrupted (or its process killed) leaves no row at all. Cancelling stops
///   workers from taking further jobs; jobs in flight finish and commit.
public struct Sweep: Sendable {
    public var jobs: [ReplayJob]
    public var databasePath: String
    /// Worker threads; at least 1.
    public var parallelism: Int
    public var toolVersion: String

    public init(jobs: [ReplayJob], databasePath: String, parallelism: Int, toolVersion: String) {
        self.jobs = jobs
        self.databasePath = databasePath
        self.parallelism = max(1, parallelism)
        self.toolVersion = toolVersion
    }

    /// One configuration that finished: its run, or why it could not be stored.
    public struct Finished: Sendable {
        /// 1-based position among the jobs this sweep runs (not counting skipped ones).
        public var ordinal: Int
        /// How many jobs this sweep runs.
        public var total: Int
        public var job: ReplayJob
        public var runID: Int64?
        public var outcome: ReplayOutcome
        /// Set when the run could not be written to the database.
        public var storeError: String?
    }

    /// What a sweep did.
    public struct Summary: Hashable, Sendable {
        /// Jobs replayed and stored in this invocation (any outcome).
        public var ran = 0
        /// Jobs the database already held (or that repeated an earlier point of the list).
        public var skipped = 0
        /// Jobs that ran but did not reach a reproducible outcome: bad input (a `failed`
        /// run) or a run the database refused.
        public var failed = 0
        /// Of `failed`, the runs the database refused (the others are bad input).
        public var unstored = 0
        /// Jobs never started because the sweep was cancelled.
        public var notStarted = 0

        public init() {}
    }

    /// The input hashes and config keys of `jobs`, hashing each input once. Throws the
    /// first unreadable input's `TraceError` before anything runs.
    public static func keyed(_ jobs: [ReplayJob]) throws -> [(job: ReplayJob, key: String)] {
        var hashes: [TraceInput: String] = [:]
        return try jobs.map { job in
            var job = job
            if job.traceSHA256 == nil {
                if let known = hashes[job.input] {
                    job.traceSHA256 = known
                } else {
                    let hash = try job.input.contentSHA256()
                    hashes[job.input] = hash
                    job.traceSHA256 = hash
                }
            }
            return (job, try job.configKey())
        }
    }

    /// Runs the jobs the database does not hold yet; calls `finished` (serially, from the
    /// worker threads) as each configuration is stored. Throws only when the database
    /// cannot be opened, an input cannot be read or a machine profile cannot be loaded,
    /// before any job starts.
    public func run(cancellation: SweepCancellation = SweepCancellation(),
                    finished: @escaping @Sendable (Finished) -> Void = { _ in }) throws -> Summary {
        let keyed = try Self.keyed(jobs)
        var profiles = Set<String>()
        for job in jobs where profiles.insert(job.config.profile).inserted {
            _ = try SimulationProfile.load(job.config.profile)  // a bad name fails the sweep, not each of its runs
        }
        let done = try ResultsDatabase(path: databasePath).completedConfigKeys()
        var seen = Set<String>()
        var pending: [ReplayJob] = []
        var summary = Summary()
        for (job, key) in keyed {
            if done.contains(key) || !seen.insert(key).inserted {
                summary.skipped += 1
            } else {
                pending.append(job)
            }
        }

        let state = SharedState(summary: summary)
        let group = DispatchGroup()
        let workers = min(parallelism, pending.count)
        let (path, version, queue) = (databasePath, toolVersion, pending)
        let total = queue.count
        for _ in 0..<workers {
            group.enter()
            let thread = Thread {
                Self.work(jobs: queue, total: total, path: path, toolVersion: version,
                          state: state, cancellation: cancellation, finished: finished)
                group.leave()
            }
            thread.stackSize = 8 << 20  // the main thread's usual 8 MiB (ulimit -s): a replay behaves alike on either
            thread.start()
        }
        group.wait()
        return state.finalSummary(total: total)
    }

    /// One worker: takes the next job until none is left or the sweep is cancelled.
    private static func work(jobs: [ReplayJob], total: Int, path: String, toolVersion: String,
                             state: SharedState, cancellation: SweepCancellation,
                             finished: @Sendable (Finished) -> Void) {
        var database: ResultsDatabase?
        var openError: String?
        do { database = try ResultsDatabase(path: path) } catch { openError = "\(error)" }
        while !cancellation.isCancelled, let index = state.take(count: jobs.count) {
            let job = jobs[index]
            var report = Finished(ordinal: index + 1, total: total, job: job, runID: nil,
                                  outcome: ReplayOutcome(result: RunResult(origin: job.input.name, config: job.config)))
            if let database {
                do {
                    (report.runID, report.outcome) = try job.runAndRecord(in: database, toolVersion: toolVersion)
                } catch {
                    report.storeError = "\(error)"
                }
            } else {
                report.storeError = openError
            }
            state.finish(report, finished: finished)
        }
    }

    /// The counters and the next job index the workers share.
    private final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var summary: Summary

        init(summary: Summary) { self.summary = summary }

        func take(count: Int) -> Int? {
            lock.withLock {
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }

        /// Counts the outcome and reports it; under the lock, so reports never interleave.
        func finish(_ report: Finished, finished: (Finished) -> Void) {
            lock.withLock {
                summary.ran += 1
                if report.storeError != nil || report.outcome.result.status == .failed { summary.failed += 1 }
                if report.storeError != nil { summary.unstored += 1 }
                finished(report)
            }
        }

        func finalSummary(total: Int) -> Summary {
            lock.withLock {
                var result = summary
                result.notStarted = total - next
                return result
            }
        }
    }
}
