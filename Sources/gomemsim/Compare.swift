import ArgumentParser
import Foundation
import GoMemSimBatch
import GoMemSimStore

/// `gomemsim compare`: one trace's runs side by side.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare one trace's stored runs across configurations, one line per configuration.",
        discussion: """
        Columns: GOGC, GOMEMLIMIT, GOMAXPROCS, profile, status; gc_cycles (NumGC); gc_cpu_pct \
        (GCCPUFraction × 100 at the end); peak and mean heap (HeapAlloc over samples and \
        checkpoints), peak RSS (VmHWM) and mean goal (NextGC), in MiB; p50/p99/max \
        stop-the-world pause per GC cycle (sweep + mark termination) in µs; p99 allocation \
        latency in ns; slowdown: virtual time over the fastest complete configuration's. NULL \
        where the models did not compute a figure. The same figures, in bytes and ns, are the \
        view v_gogc_compare (gomemsim query "SELECT * FROM v_gogc_compare"); pauses per cycle \
        are v_gc_pauses.

        INPUT is matched by content (the file's SHA-256, or the generator spec and seed), so \
        a moved trace still finds its runs.

        Examples:
          gomemsim compare synth:gc-grid --db sweep.sqlite
          gomemsim compare traces/app.gmtb --db sweep.sqlite --csv > app.csv

        Exit status: 0 success; 2 no such database, no runs of INPUT in it, or --csv with --json.
        """
    )

    @Argument(help: "The trace, script or synth:… spec whose runs to compare.")
    var input: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        if output.csv && output.json { try fail("--csv and --json exclude each other") }
        let traceInput: TraceInput
        let table: QueryResult
        do {
            traceInput = try TraceInput(input)
            table = try Comparison.table(for: traceInput, databasePath: output.db)
        } catch {
            try fail("\(error)")
        }
        if table.rows.isEmpty {
            try fail("no runs of \(traceInput.name) in \(output.db) (run `gomemsim sweep` or `replay` on it first)")
        }
        let text = output.csv ? table.formattedCSV() : output.json ? table.formattedJSON() : table.formattedTable()
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func fail(_ message: String) throws -> Never {
        FileHandle.standardError.write(Data("gomemsim compare: \(message)\n".utf8))
        throw ExitCode(2)
    }
}
