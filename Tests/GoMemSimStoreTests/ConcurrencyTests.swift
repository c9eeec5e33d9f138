import Foundation
import Testing
@testable import GoMemSimStore

/// Errors collected from worker threads.
private final class ErrorLog: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: Error) { lock.withLock { errors.append("\(error)") } }
    var all: [String] { lock.withLock { errors } }
}

@Suite struct ConcurrencyTests {
    @Test func twoWritersOnOneFileLoseNoRun() throws {
        let path = try temporaryDatabasePath()
        let log = ErrorLog()
        // Both connections open the new file at once: the schema is created once.
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            do {
                let store = try ResultsDatabase(path: path)
                for i in 0..<50 {
                    try store.record(sampleRun(gogc: Int32(writer * 1000 + i)), tracePath: "writer\(writer)",
                                     traceSHA256: nil, wallTimeNs: 0, toolVersion: "t")
                }
            } catch {
                log.add(error)
            }
        }
        #expect(log.all == [])
        let database = try Database(path: path, mode: .readOnly)
        #expect(try database.scalar("SELECT count(*) FROM runs") == .int(100))
        #expect(try database.scalar("SELECT count(DISTINCT gogc) FROM runs") == .int(100))
        #expect(try database.scalar("SELECT count(*) FROM samples") == .int(300))
        #expect(try database.scalar("SELECT count(*) FROM runs WHERE trace_path = 'writer1'") == .int(50))
        #expect(try database.scalar("PRAGMA integrity_check") == .text("ok"))
        #expect(try database.scalar("SELECT count(*) FROM pragma_foreign_key_check") == .int(0))
    }
}
