import ArgumentParser
import GoMemSimRecorder
import GoMemSimTrace

/// `gomemsim record x.gmr -o x.gmt`: compiles a recorder script into a trace file.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile a recorder script (.gmr) into a trace (.gmt text or .gmtb binary).",
        discussion: """
        The recorder language reads like the Go it stands for (schemas/dsl.md): make, new, \
        &T{}, indexing, range and counted loops, runtime.GC(), debug.SetGCPercent, \
        os.Open/f.Read, syscall.Mmap, go func(){}, time.Sleep, work(d), checkpoint("label"). \
        Objects die, as in Go, when nothing reachable points to them any more. `replay` \
        accepts .gmr scripts directly; `record` is for keeping or sharing the trace.

        Examples:
          gomemsim record traces/seed/ex5-5.gmr -o ex5-5.gmt
          gomemsim record churn.gmr -o churn.gmtb

        A script error is reported as file:line:col and exits with status 2.
        """
    )

    @Argument(help: "The recorder script (.gmr).")
    var script: String

    @Option(name: .shortAndLong, help: "The trace to write (.gmt or .gmtb).")
    var output: String

    @Option(help: "The output format (text or binary), overriding the output's extension.")
    var to: OutputFormat?

    func run() throws {
        var source: ScriptTraceSource
        do { source = try Script.compile(path: script) } catch {
            TraceOutput.fail("\(error)")
            throw ExitCode(2)
        }
        _ = try TraceOutput.write(&source, to: output, format: to?.traceFormat, command: "record")
    }
}
