import ArgumentParser
import Foundation
import GoMemSimStore

/// `gomemsim merge`: folds shard databases into one.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fold results databases (e.g. the shards of a sweep) into one.",
        discussion: """
        Each input's runs are copied into OUT with every per-run table's rows, run ids \
        renumbered, one input per transaction. A run whose configuration OUT already holds \
        complete (or OOM-killed, or crashed) is skipped, so merging again, or merging shards \
        that overlap, never duplicates a configuration. OUT is created if missing; inputs are \
        only read. Merged shards 1/N … N/N equal the unsharded sweep's database but for run \
        ids, started_at and wall_time_ns.

        Example:
          gomemsim merge sweep.sqlite shard-1.sqlite shard-2.sqlite shard-3.sqlite

        Exit status: 0 success; 1 OUT could not be written; 2 an input is missing or is not \
        a results database of this schema version.
        """
    )

    @Argument(help: "The database to merge into (created if missing).")
    var out: String

    @Argument(help: "The databases to merge from.")
    var inputs: [String]

    func run() throws {
        let target: ResultsDatabase
        do { target = try ResultsDatabase(path: out) } catch {
            FileHandle.standardError.write(Data("gomemsim merge: \(out): \(error)\n".utf8))
            throw ExitCode(1)
        }
        var total = ResultsDatabase.MergeSummary()
        for input in inputs {
            do {
                let summary = try target.merge(from: input)
                print("\(input): merged \(summary.merged) runs, skipped \(summary.skipped) already in \(out)")
                total.merged += summary.merged
                total.skipped += summary.skipped
            } catch let error as StoreError {
                FileHandle.standardError.write(Data("gomemsim merge: \(error)\n".utf8))
                switch error {
                case .databaseMissing, .schemaVersion, .newerSchema, .mergeIntoItself: throw ExitCode(2)
                case let .sqlite(code, _, _) where code & 0xff == 26: throw ExitCode(2)  // SQLITE_NOTADB: not a database file
                default: throw ExitCode(1)
                }
            }
        }
        print("merge: \(total.merged) runs merged, \(total.skipped) skipped, into \(out)")
    }
}
