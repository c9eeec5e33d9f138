import ArgumentParser
import Foundation
import GoMemSimBatch
import GoMemSimEngine
import GoMemSimStore

/// `gomemsim sweep`: every input × GOGC × GOMEMLIMIT × GOMAXPROCS × profile, in parallel,
/// resumable, shardable.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Replay inputs over a grid of GOGC, GOMEMLIMIT, GOMAXPROCS and profiles, in parallel, into one database.",
        discussion: """
        The grid is every input × --gogc × --gomemlimit × --gomaxprocs × --profile (each a \
        comma-separated list), in that order, or comes from a JSON file (--grid; schema: \
        schemas/sweep-grid.schema.json), whose axes an option given on the command line \
        replaces. Configurations run --jobs at a time, each as one run written in one \
        transaction. A configuration the database already holds (same trace content, same \
        settings, status complete, oom or segfault) is skipped, so a sweep resumes where it \
        stopped; failed runs are retried. SIGINT/SIGTERM starts no further configurations and \
        lets the running ones commit; a second signal abandons them (nothing of them is written).

        --shard K/N runs grid points K-1, K-1+N, K-1+2N, ... so N machines given the same grid \
        cover it exactly once; fold their databases with `gomemsim merge`.

        Examples:
          gomemsim sweep synth:gc-grid --gogc 25,50,100,200,400,off --gomemlimit none,96MiB --db sweep.sqlite
          gomemsim sweep --grid grid.json --db shard-$SLURM_ARRAY_TASK_ID.sqlite --shard $SLURM_ARRAY_TASK_ID/8
          gomemsim compare synth:gc-grid --db sweep.sqlite

        Exit status: 0 every configuration ran or was skipped (an OOM kill or crash of the \
        simulated process is a result, not a failure); 1 a run could not be stored; 2 bad input \
        (an option, the grid file, or a malformed trace, stored as a failed run); 128+N when \
        stopped by signal N (130 for SIGINT).
        """
    )

    @Argument(help: "Traces (.gmt, .gmtb, .gz), recorder scripts (.gmr) or synth:KIND,key=value,...")
    var inputs: [String] = []

    @Option(help: "A JSON grid file (schemas/sweep-grid.schema.json).")
    var grid: String?

    @OptionGroup var runtime: RuntimeOptions

    @Option(help: "The results database (SQLite).")
    var db: String = "results.sqlite"

    @Option(help: "Configurations run at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Run only shard K of N of the grid, e.g. 2/8.")
    var shard: String?

    func run() throws {
        let file = try grid.map(SweepGridFile.load(path:))
        let grid = try runtime.grid(inputs: inputs, file: file)
        guard !grid.inputs.isEmpty else { throw ValidationError("expected at least one input (an argument or the grid file's \"inputs\")") }
        let parallelism = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        guard parallelism >= 1 else { throw ValidationError("--jobs: expected at least 1, found \(parallelism)") }
        var part = Shard.whole
        if let shard {
            guard let parsed = Shard(shard) else { throw ValidationError("--shard: expected K/N with 1 ≤ K ≤ N, found \"\(shard)\"") }
            part = parsed
        }

        let points = grid.jobs(shard: part)
        let cancellation = SweepCancellation()
        let interruption = Interruption(cancelling: cancellation, command: "gomemsim sweep")
        let shardText = part == .whole ? "" : " (shard \(part) of \(grid.count))"
        say("sweep: \(points.count) configurations\(shardText), up to \(parallelism) at a time, into \(db)")

        let sweep = GoMemSimBatch.Sweep(jobs: points, databasePath: db, parallelism: parallelism,
                                        toolVersion: GoMemSim.version)
        let summary: GoMemSimBatch.Sweep.Summary
        do {
            summary = try sweep.run(cancellation: cancellation) { finished in
                say(Self.line(for: finished))
                if let failure = finished.outcome.result.failure, finished.outcome.result.status == .failed {
                    FileHandle.standardError.write(Data("\(failure)\n".utf8))
                }
                if let error = finished.storeError {
                    FileHandle.standardError.write(Data("gomemsim sweep: cannot store the run: \(error)\n".utf8))
                }
            }
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("gomemsim sweep: \(error)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("gomemsim sweep: \(error)\n".utf8))
            throw ExitCode(2)
        }

        var text = "sweep: ran \(summary.ran), skipped \(summary.skipped), failed \(summary.failed)"
        if summary.notStarted > 0 { text += ", not started \(summary.notStarted) (run the same command again to resume)" }
        say(text)
        if let signal = interruption.signal { throw ExitCode(128 + signal) }
        if summary.unstored > 0 { throw ExitCode(1) }
        if summary.failed > 0 { throw ExitCode(2) }
    }

    /// `[3/12] run 7: synth:gc-grid,… GOGC=50 GOMEMLIMIT=96MiB GOMAXPROCS=2 profile=default: complete, 31 GC, 1.204 s virtual, 0.311 s wall`
    static func line(for finished: GoMemSimBatch.Sweep.Finished) -> String {
        let config = finished.job.config
        let result = finished.outcome.result
        let settings = "GOGC=\(config.gogc.map(String.init) ?? "off") GOMEMLIMIT=\(config.memoryLimit.map(Self.bytes) ?? "none") "
            + "GOMAXPROCS=\(config.gomaxprocs) profile=\(config.profile)"
        let run = finished.runID.map { "run \($0)" } ?? "not stored"
        var outcome = result.status.rawValue
        if finished.storeError == nil, result.status != .failed {
            if let gcs = result.checkpoints.last?.figures.numGC { outcome += ", \(gcs) GC" }
            outcome += ", \(RunSummary.seconds(result.virtualTimeNs)) s virtual, \(RunSummary.seconds(finished.outcome.wallTimeNs)) s wall"
        }
        return "[\(finished.ordinal)/\(finished.total)] \(run): \(finished.job.input.name) \(settings): \(outcome)"
    }

    /// A byte count as the options spell it: the largest binary unit that divides it.
    static func bytes(_ n: UInt64) -> String {
        for (suffix, shift) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)] as [(String, UInt64)]
            where n != 0 && n & ((1 << shift) - 1) == 0 {
            return "\(n >> shift)\(suffix)"
        }
        return "\(n)"
    }
}

/// Prints a line to stdout at once, so a reader of a pipe (a batch log, a test) sees
/// each configuration as it finishes.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
