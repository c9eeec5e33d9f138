import ArgumentParser
import GoMemSimTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, binary
    }

    func run() throws {
        let format: TraceFormat? = switch to {
        case .text: .text
        case .binary: .binary
        case nil: nil
        }
        // A bad output name is bad input too: exit status 2, like a malformed trace.
        if format == nil && TraceFormat(path: output) == nil {
            printToStandardError("gomemsim convert: cannot tell the output format from '\(output)': use a .gmt or .gmtb extension, or --to")
            throw ExitCode(2)
        }
        if output.hasSuffix(".gz") {
            printToStandardError("gomemsim convert: writing gzip-compressed traces is not supported; compress '\(output)' afterwards")
            throw ExitCode(2)
        }
        let temporary = "\(output).tmp-\(getpid())"
        do {
            var reader = try TraceFileReader(path: input)
            var writer = try TraceFileWriter(path: temporary, format: format ?? TraceFormat(path: output))
            _ = try copyTrace(&reader, to: &writer)
            try writer.close()
            guard rename(temporary, output) == 0 else {
                throw TraceWriteError("\(output): cannot rename \(temporary) into place: \(String(cString: strerror(errno)))")
            }
        } catch let error as TraceError {
            unlink(temporary)
            printToStandardError("\(error)")
            throw ExitCode(2)
        } catch {
            unlink(temporary)
            printToStandardError("gomemsim convert: \(error)")
            throw ExitCode(1)
        }
    }

    private func printToStandardError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
