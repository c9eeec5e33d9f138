import Foundation
import GoMemSimStore

/// Runs the built `gomemsim` executable, as a user would, and captures what it prints.
struct CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable beside the test bundle in the build folder.
    static let executable: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("gomemsim").path),
              url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("gomemsim")
    }()

    /// The repository root (for `traces/`).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh scratch folder for one test.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gomemsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `trace` (text format) to `directory`, replays it with `gomemsim replay` into a
    /// database there, and returns the database's path with what the command printed.
    static func replay(trace: String, in directory: URL) throws -> (db: String, output: Output) {
        try trace.write(to: directory.appendingPathComponent("t.gmt"), atomically: true, encoding: .utf8)
        let db = directory.appendingPathComponent("r.sqlite").path
        return (db, try run(["replay", "t.gmt", "--db", db, "--quiet"], in: directory))
    }

    /// Every run's status and how many checkpoint rows it has.
    static func runs(in database: URL) throws -> [(status: String, checkpoints: Int64)] {
        let result = try query("""
            SELECT status, (SELECT count(*) FROM checkpoints c WHERE c.run_id = r.run_id)
            FROM runs r ORDER BY run_id
            """, path: database.path)
        return result.rows.map { row in
            guard case let .text(status) = row[0], case let .int(count) = row[1] else { return ("?", -1) }
            return (status, count)
        }
    }
}
