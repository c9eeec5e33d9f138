import Foundation
import GoMemSimStore
import Testing

/// Replays a seed script through the whole pipeline (DSL → engine → kernel and runtime
/// models → SQLite) and reads the figures back with SQL, as a user would.
private func replaySeed(_ script: String) throws -> (directory: URL, database: String) {
    let directory = try CLI.scratch()
    let output = try CLI.run(["replay", CLI.root.appendingPathComponent("traces/seed/\(script)").path,
                              "--db", directory.appendingPathComponent("r.sqlite").path, "--no-hardware", "--quiet"])
    #expect(output.status == 0, "\(output.stderr)")
    return (directory, directory.appendingPathComponent("r.sqlite").path)
}

private func integers(_ sql: String, _ database: String) throws -> [Int64?] {
    try query(sql, path: database).rows.map { row in
        if case let .int(value) = row[0] { return value }
        return nil
    }
}

@Test(arguments: ["ex5-3-cold.gmr", "ex5-3-warm.gmr"])
func example5_3MapsFaultAroundBlocksOfTheFile(script: String) throws {
    let (directory, db) = try replaySeed(script)
    defer { try? FileManager.default.removeItem(at: directory) }
    // The file mapping's RSS after each step (calibration: 0, 64, 128, 128 KiB; gone after munmap).
    let rss = try integers("""
        SELECT (SELECT m.rss FROM checkpoint_mappings m WHERE m.run_id = c.run_id AND m.seq = c.seq
                AND m.kind = 'file' AND m.size = 600 * 1048576)
        FROM checkpoints c ORDER BY c.seq
        """, db)
    #expect(rss == [nil, nil, 0, 64 << 10, 128 << 10, 128 << 10, nil])
    let vsz = try integers("SELECT vm_size FROM checkpoints ORDER BY seq", db)
    #expect(vsz[2]! - vsz[1]! == 600 << 20)
    #expect(vsz[6] == vsz[1])
    let major = try integers("SELECT major_faults FROM checkpoints WHERE label = 'after_read_b[5000]'", db)
    #expect(major == [script.contains("cold") ? 1 : 0])
}

@Test func example5_5SplitsTheHeapMappingAndKeepsTheBufferNonResident() throws {
    let (directory, db) = try replaySeed("ex5-5.gmr")
    defer { try? FileManager.default.removeItem(at: directory) }
    // Around the buffer: 2 MiB nohugepage / 598 MiB hugepage / 4 MiB, as measured.
    let split = try query("""
        SELECT size / 1024, rss / 1024, flags LIKE '%nh%', flags LIKE '%hg%' FROM checkpoint_mappings
        WHERE seq = 5 AND start >= 0xc000000000 AND start < 0xc000000000 + 1024 * 1048576 ORDER BY start
        """, path: db).rows
    let sizes = split.compactMap { row -> Int64? in if case let .int(v) = row[0] { v } else { nil } }
    #expect(sizes.contains([2048, 612352, 4096]) || sizes.split(separator: 612352).count == 2)
    let hugeRow = split.first { $0[0] == .int(612352) }
    #expect(hugeRow?[3] == .int(1))
    let rss = try integers("SELECT vm_rss FROM checkpoints ORDER BY seq", db).map { Double($0!) / 1_048_576 }
    // Calibration: 1.88 MiB idle, 21.47 after make (bitmap clearing), 621.51 after writing it all.
    #expect(abs(rss[0] - 1.88) < 0.2)
    #expect(abs(rss[1] - 21.47) < 1.0)
    #expect(abs(rss[4] - 21.52) < 1.0)
    #expect(abs(rss[5] - 621.51) < 2.0)
    let heap = try integers("SELECT heap_alloc FROM checkpoints WHERE label = 'after_make_600MiB'", db)
    #expect(abs(Double(heap[0]!) / 1_048_576 - 600.05) < 0.01)
}

@Test func recordedTraceReplaysLikeTheScript() throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = CLI.root.appendingPathComponent("traces/seed/ex5-6.gmr").path
    let gmt = directory.appendingPathComponent("ex.gmt").path
    let gmtb = directory.appendingPathComponent("ex.gmtb").path
    #expect(try CLI.run(["record", script, "-o", gmt]).status == 0)
    #expect(try CLI.run(["convert", gmt, gmtb]).status == 0)
    let db = directory.appendingPathComponent("r.sqlite").path
    for input in [script, gmt, gmtb] {
        #expect(try CLI.run(["replay", input, "--db", db, "--no-hardware", "--quiet"]).status == 0)
    }
    // The same events give the same figures, bit for bit, whatever the encoding.
    let distinct = try integers("""
        SELECT count(DISTINCT label || t_ns || vm_rss || heap_alloc || heap_released) FROM checkpoints GROUP BY seq
        """, db)
    #expect(distinct.allSatisfy { $0 == 1 })
    #expect(try integers("SELECT count(*) FROM runs WHERE status = 'complete'", db) == [3])
}

@Test func queryPrintsCSVAndRefusesWrites() throws {
    let (directory, db) = try replaySeed("ex5-3-warm.gmr")
    defer { try? FileManager.default.removeItem(at: directory) }
    let csv = try CLI.run(["query", "--db", db, "--csv", "SELECT seq, label FROM checkpoints WHERE seq < 2 ORDER BY seq"])
    #expect(csv.status == 0)
    #expect(csv.stdout == "seq,label\r\n0,start\r\n1,after_open\r\n")
    let write = try CLI.run(["query", "--db", db, "DELETE FROM runs"])
    #expect(write.status == 2)
    #expect(try integers("SELECT count(*) FROM runs", db) == [1])
}
