import ArgumentParser
import GoMemSimTrace

/// `gomemsim import lackey in.trace -o out.gmtb`: converts other tools' traces.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert another tool's trace into a gomemsim trace.",
        subcommands: [Lackey.self]
    )

    /// valgrind `--tool=lackey --trace-mem=yes` output.
    struct Lackey: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a valgrind lackey memory trace (I, L, S, M lines) as raw load/store events.",
            discussion: """
            ` L addr,size` becomes a load, ` S addr,size` a store, ` M addr,size` a load then a \
            store of the same bytes. Instruction fetches (`I`) are dropped unless \
            --instruction-fetches is given.

            Example:
              valgrind --tool=lackey --trace-mem=yes ./prog 2> prog.lackey
              gomemsim import lackey prog.lackey -o prog.gmtb
            """
        )

        @Argument(help: "The lackey trace.")
        var input: String

        @Option(name: .shortAndLong, help: "The trace to write (.gmt or .gmtb).")
        var output: String

        @Option(help: "The output format (text or binary), overriding the output's extension.")
        var to: OutputFormat?

        @Flag(help: "Keep instruction fetches as loads.")
        var instructionFetches = false

        func run() throws {
            var source: LackeyReader
            do { source = try LackeyReader(path: input, instructionFetches: instructionFetches) } catch {
                TraceOutput.fail("\(error)")
                throw ExitCode(2)
            }
            _ = try TraceOutput.write(&source, to: output, format: to?.traceFormat, command: "import lackey")
        }
    }
}
