import Foundation
import GoMemSimStore
import Testing

/// A machine profile from a JSON file: the tiny test machine with a 64 MiB cgroup
/// `memory.max`. Writing 128 MiB of anonymous memory gets the process OOM-killed: the run
/// ends `oom` (exit status 1) and records the figures at that moment.
@Test func cgroupMemoryMaxOOMKillsTheRunAndKeepsItsFigures() throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    var profile = try JSONSerialization.jsonObject(
        with: Data(contentsOf: CLI.root.appendingPathComponent("profiles/tiny.json"))) as! [String: Any]
    profile["name"] = "tiny-64MiB"
    profile["kernel"] = ["memory_max": 64 << 20]
    try JSONSerialization.data(withJSONObject: profile).write(to: directory.appendingPathComponent("p.json"))
    try """
        gomemsim-trace 1
        mmap 1 128MiB rw private
        checkpoint "mapped"
        write 1 0 128MiB
        checkpoint "written"
        """.write(to: directory.appendingPathComponent("big.gmt"), atomically: true, encoding: .utf8)
    let run = try CLI.run(["replay", "big.gmt", "--profile", "p.json", "--db", "r.sqlite", "--quiet"], in: directory)
    #expect(run.status == 1)
    let db = directory.appendingPathComponent("r.sqlite").path
    let rows = try query("""
        SELECT r.status, c.label, c.vm_rss <= 64 * 1048576, c.vm_rss > 32 * 1048576
        FROM runs r JOIN checkpoints c USING (run_id) ORDER BY c.seq
        """, path: db).rows
    #expect(rows.map { $0[0] } == [.text("oom"), .text("oom")])
    #expect(rows.map { $0[1] } == [.text("mapped"), .text("oom")])
    // At the kill, RSS stands at the limit, not at the 128 MiB the program wanted.
    #expect(rows.last?[2] == .int(1) && rows.last?[3] == .int(1))
}

/// A profile section that does not decode is reported as the hardware section's errors
/// are: the file, the field as the file spells it, what was expected (before, a kernel
/// cost of 2^64 - 1 trapped mid-replay, and a runtime cost's error named no file).
@Test func badKernelOrRuntimeSectionIsBadInputNamingFileAndField() throws {
    let directory = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let tiny = try Data(contentsOf: CLI.root.appendingPathComponent("profiles/tiny.json"))
    try "gomemsim-trace 1\nalloc 1 64KiB noscan\nwrite 1 0 64KiB\n"
        .write(to: directory.appendingPathComponent("t.gmt"), atomically: true, encoding: .utf8)
    for (section, expected) in [
        (["kernel": ["fault_ns": UInt64.max]] as [String: Any],
         "p.json: kernel.fault_ns: expected a cost of at most 4294967296 ns, found 18446744073709551615"),
        (["runtime": ["costs": ["small_alloc_ns": UInt64(1) << 33]]],
         "p.json: runtime.costs.small_alloc_ns: expected a cost of at most 4294967296 ns, found 8589934592"),
    ] {
        var profile = try JSONSerialization.jsonObject(with: tiny) as! [String: Any]
        profile.merge(section) { $1 }
        try JSONSerialization.data(withJSONObject: profile).write(to: directory.appendingPathComponent("p.json"))
        let run = try CLI.run(["replay", "t.gmt", "--profile", "p.json", "--db", "r.sqlite", "--quiet"], in: directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains(expected), "stderr: \(run.stderr)")
    }
}
