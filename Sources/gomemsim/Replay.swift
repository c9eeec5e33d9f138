import ArgumentParser
import Foundation
import GoMemSimBatch
import GoMemSimCore
import GoMemSimEngine
import GoMemSimStore

/// `gomemsim replay`: replays traces or recorder scripts through the models and stores
/// each as one run.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay traces or recorder scripts through the models and store each as a run.",
        discussion: """
        Each input is a trace (.gmt text or .gmtb binary, either optionally .gz), a recorder \
        script (.gmr), or a synthetic generator (synth:KIND,key=value,...; see `gomemsim synth \
        --help`). Each is replayed as one run: a row in `runs` with its checkpoints, samples \
        and model tables, written in one transaction. The checkpoint table is printed.

        Examples:
          gomemsim replay traces/seed/ex5-5.gmr
          gomemsim replay --gogc 50 --gomemlimit 96MiB trace.gmtb
          gomemsim replay --gctrace synth:gc-grid,L=16MiB,steady=256MiB
          gomemsim replay synth:gc-grid,L=64MiB,S=1024
          gomemsim query "SELECT label, vm_rss_mib, heap_alloc_mib FROM v_checkpoints"

        Exit status: 0 every run complete; 1 a simulated process was OOM-killed or crashed \
        (SIGSEGV), or the database could not be written; 2 bad input (reported as \
        file:line:col: expected X, found Y) — stored as a `failed` run with no figures.
        """
    )

    @Argument(help: "Traces (.gmt, .gmtb, .gz), recorder scripts (.gmr) or synth:KIND,key=value,...")
    var inputs: [String]

    @OptionGroup var runtime: RuntimeOptions

    @Option(help: "The results database (SQLite).")
    var db: String = "results.sqlite"

    @Flag(help: "Print only one line per run, not its checkpoint table.")
    var quiet = false

    @Flag(help: "Print a GODEBUG=gctrace=1 line per GC cycle to stderr, in Go's format.")
    var gctrace = false

    func run() throws {
        let config = try runtime.runConfig()
        let database: ResultsDatabase
        do { database = try ResultsDatabase(path: db) } catch {
            FileHandle.standardError.write(Data("gomemsim replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
        var worst: Int32 = 0
        for input in inputs {
            let traceInput: TraceInput
            do { traceInput = try TraceInput(input) } catch {
                // A malformed spec is bad input like a malformed trace, but no run to store.
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                worst = max(worst, 2)
                continue
            }
            let job = ReplayJob(input: traceInput, config: config)
            let progress = ProgressLine.make(label: input)
            let (runID, outcome): (Int64, ReplayOutcome)
            do {
                (runID, outcome) = try job.runAndRecord(in: database, toolVersion: GoMemSim.version,
                                                        progress: progress.map { p in { p.update(events: $0) } })
            } catch {
                progress?.finish()
                FileHandle.standardError.write(Data("gomemsim replay: \(input): cannot store the run: \(error)\n".utf8))
                worst = max(worst, 1)
                continue
            }
            progress?.finish()
            if gctrace {
                let lines = GCTrace.lines(for: GCCycleRow.rows(of: outcome.result.modelRows), gomaxprocs: config.gomaxprocs)
                FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
            }
            print(RunSummary(runID: runID, outcome: outcome).text(withCheckpoints: !quiet))
            fflush(nil)  // keep the summary ahead of the error line when both are piped
            if let failure = outcome.result.failure, outcome.result.status != .complete {
                FileHandle.standardError.write(Data("\(failure)\n".utf8))
            }
            worst = max(worst, outcome.exitStatus)
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
