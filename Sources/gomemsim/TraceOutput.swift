import ArgumentParser
import GoMemSimTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a trace file the way every command that produces one must: the output format
/// from `--to` or the extension, the records into a temporary file renamed into place
/// only on success (never a half-written trace), bad input reported as
/// `file:line:col: …` with exit status 2, other failures with status 1.
enum TraceOutput {
    static func write<Source: TraceSource>(_ source: inout Source, to output: String, format: TraceFormat?,
                                           command: String) throws -> UInt64 {
        let format = format ?? TraceFormat(path: output)
        guard let format else {
            fail("gomemsim \(command): cannot tell the output format from '\(output)': use a .gmt or .gmtb extension, or --to")
            throw ExitCode(2)
        }
        if output.hasSuffix(".gz") {
            fail("gomemsim \(command): writing gzip-compressed traces is not supported; compress '\(output)' afterwards")
            throw ExitCode(2)
        }
        let temporary = "\(output).tmp-\(getpid())"
        do {
            var writer = try TraceFileWriter(path: temporary, format: format)
            let count = try copyTrace(&source, to: &writer)
            try writer.close()
            guard rename(temporary, output) == 0 else {
                throw TraceWriteError("\(output): cannot rename \(temporary) into place: \(String(cString: strerror(errno)))")
            }
            return count
        } catch let error as TraceError {
            unlink(temporary)
            fail("\(error)")
            throw ExitCode(2)
        } catch {
            unlink(temporary)
            fail("gomemsim \(command): \(error)")
            throw ExitCode(1)
        }
    }

    /// Prints a line on standard error.
    static func fail(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// `--to text|binary`, shared by the commands that write traces.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, binary

    var traceFormat: TraceFormat {
        switch self {
        case .text: .text
        case .binary: .binary
        }
    }
}
