import ArgumentParser
import Foundation

/// The `gomemsim` command: thin — it parses, calls the library, prints.
@main
struct GoMemSim: ParsableCommand {
    /// The tool version stored with every run.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "gomemsim",
        abstract: "Replay Go allocation and memory-access traces through models of Linux paging, the Go allocator and GC, and caches; store the results in SQLite.",
        discussion: """
        Exit status: 0 success; 1 the run failed (the simulated process crashed or was \
        OOM-killed, or the database could not be written); 2 bad input (a malformed trace, \
        script, option or configuration), reported as file:line:col.
        """,
        version: GoMemSim.version,
        subcommands: [
            Replay.self,
            SweepCommand.self,
            Compare.self,
            Merge.self,
            Query.self,
            Record.self,
            Synthesize.self,
            Convert.self,
            Import.self,
            CacheSim.self,
        ]
    )

    /// As `ParsableCommand.main()`, but a bad option is bad input: exit status 2, as the
    /// discussion above says, not ArgumentParser's EX_USAGE (64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
