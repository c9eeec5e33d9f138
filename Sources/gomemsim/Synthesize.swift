import ArgumentParser
import GoMemSimRecorder
import GoMemSimTrace

/// `gomemsim synth KIND key=value… -o out.gmt`: writes a synthetic trace.
struct Synthesize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic trace: access patterns, allocation churn, the gc-grid workload, leaks, a request server, the gc-guide workloads.",
        discussion: """
        Generators are seeded and deterministic (the same parameters and seed give the same \
        trace) and stream, so any length works. Sizes take B/KiB/MiB/GiB suffixes, durations \
        ns/us/ms/s. `replay` also accepts a generator directly as synth:KIND,key=value,...

        Kinds and their parameters (defaults in brackets):
        \(Synthesize.catalog)
        Examples:
          gomemsim synth gc-grid L=64MiB S=1024 -o gc-grid.gmtb
          gomemsim synth access pattern=random size=1GiB n=100000000 -o random.gmtb
          gomemsim synth churn live=256MiB -o churn.gmt --seed 7

        Bad parameters exit with status 2.
        """
    )

    @Argument(help: "The generator: access, churn, gc-grid, leak, server or gc-guide.")
    var kind: String

    @Argument(help: "Parameters as key=value.")
    var parameters: [String] = []

    @Option(name: .shortAndLong, help: "The trace to write (.gmt or .gmtb).")
    var output: String

    @Option(help: "The output format (text or binary), overriding the output's extension.")
    var to: OutputFormat?

    @Option(help: "Seed of the generator's random choices.")
    var seed: UInt64 = 1

    func run() throws {
        var source: SynthTraceSource
        do {
            source = try Synth.make(kind: kind, parameters: try Synth.parameters(parameters), seed: seed)
        } catch {
            TraceOutput.fail("\(error)")
            throw ExitCode(2)
        }
        _ = try TraceOutput.write(&source, to: output, format: to?.traceFormat, command: "synth")
    }

    static var catalog: String {
        Synth.kinds.map { kind in
            "  \(kind.name): \(kind.summary)\n"
                + kind.parameters.map { "      \($0.name) [\($0.default)]: \($0.help)\n" }.joined()
        }.joined()
    }
}
