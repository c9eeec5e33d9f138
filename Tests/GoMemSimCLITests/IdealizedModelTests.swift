import Foundation
import GoMemSimStore
import Testing

/// The gc-guide's graph 1 (go.dev/doc/gc-guide) replayed as a trace through the idealised
/// model gives the guide's own outputs (facts/go-gc-pacer.md §9): GOGC=100 → 6.4 % GC
/// CPU, 40.0 MiB peak, 12 cycles; GOGC=50 → 11.2 %, 30.0 MiB, 22 cycles.
@Test func idealizedModelReproducesTheGCGuideGraph1() throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("r.sqlite").path
    for gogc in ["100", "50"] {
        let run = try CLI.run(["replay", "synth:gc-guide,preset=graph1", "--gogc", gogc, "--runtime-model", "idealized",
                               "--db", db, "--no-hardware", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
    }
    let rows = try query("""
        SELECT r.gogc, s.cycles, round(100 * s.gc_cpu_fraction, 1), round(s.peak_memory / 1048576.0, 1)
        FROM gc_summary s JOIN runs r USING (run_id) ORDER BY r.gogc DESC
        """, path: db).rows
    #expect(rows == [[.int(100), .int(12), .real(6.4), .real(40.0)],
                     [.int(50), .int(22), .real(11.2), .real(30.0)]])
}
