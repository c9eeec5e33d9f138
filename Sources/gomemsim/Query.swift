import ArgumentParser
import Foundation
import GoMemSimStore

/// `gomemsim query`: read-only SQL over the results database, printed as a table, CSV or JSON.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one read-only SQL statement on the results database and print its rows.",
        discussion: """
        The database is opened read-only: INSERT, UPDATE, DELETE and DDL fail. Tables: runs, \
        checkpoints, samples, event_counts, gc_cycles, checkpoint_mappings, faults, cache_stats, \
        tlb_stats, latency, latency_buckets, size_classes; views: v_runs, v_checkpoints, \
        v_gogc_compare (what `gomemsim compare` prints, in bytes and ns), v_gc_pauses (see \
        schemas/results.sql). Sizes are bytes, times nanoseconds; a figure \
        no model computed is NULL.

        Examples:
          gomemsim query "SELECT * FROM v_runs"
          gomemsim query "SELECT gogc, num_gc, peak_heap_alloc FROM v_gogc_compare"
          gomemsim query --csv --db sweep.sqlite "SELECT * FROM v_gogc_compare"
          gomemsim query --json "SELECT label, vm_rss_mib FROM v_checkpoints"

        Exit status: 0 success; 2 an SQL error, a missing database or --csv with --json \
        (message on stderr).
        """
    )

    @OptionGroup var output: OutputOptions

    @Argument(help: "One SQL statement, e.g. \"SELECT run_id, status FROM runs\".")
    var sql: String

    func run() throws {
        // Bad options are bad input: exit status 2, like the other commands.
        if output.csv && output.json { try fail("--csv and --json exclude each other") }
        let result: QueryResult
        do {
            result = try query(sql, path: output.db)
        } catch let error as StoreError {
            try fail("\(error)")
        }
        let text = output.csv ? result.formattedCSV() : output.json ? result.formattedJSON() : result.formattedTable()
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func fail(_ message: String) throws -> Never {
        FileHandle.standardError.write(Data("gomemsim query: \(message)\n".utf8))
        throw ExitCode(2)
    }
}
