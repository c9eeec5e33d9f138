import ArgumentParser
import GoMemSimTrace

/// `gomemsim convert IN OUT`: re-encodes a trace between text and binary, losslessly.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a trace between the text (.gmt) and binary (.gmtb) formats.",
        discussion: """
        The input format is detected from the content (text or binary, gzip-compressed \
        or not); the output format comes from OUT's extension (.gmt or .gmtb) unless \
        --to is given. Conversion is lossless: converting back gives the same records, \
        and text output is in canonical form (sizes as exact KiB/MiB/GiB, durations in \
        the largest exact unit, no comments).

        Examples:
          gomemsim convert run.gmt run.gmtb
          gomemsim convert run.gmtb.gz run.gmt
          gomemsim convert messy.gmt canonical.gmt

        A malformed input is reported as file:line:col (text) or file: byte N (binary) \
        and exits with status 2; OUT is then left untouched (the output is written to a \
        temporary file and renamed into place only on success).
        """
    )

    @Argument(help: "The trace to read (.gmt, .gmtb, optionally .gz).")
    var input: String

    @Argument(help: "The trace to write (.gmt or .gmtb).")
    var output: String

    @Option(help: "The output format (text or binary), overriding OUT's extension.")
    var to: OutputFormat?

    func run() throws {
        let reader: TraceFileReader
        do { reader = try TraceFileReader(path: input) } catch {
            TraceOutput.fail("\(error)")
            throw ExitCode(2)
        }
        var source = reader
        _ = try TraceOutput.write(&source, to: output, format: to?.traceFormat, command: "convert")
    }
}
