import Foundation
import GoMemSimCore
import GoMemSimStore
import Testing

/// `sweep`, `merge`, `compare` and `replay --gctrace` as a user runs them.
@Suite struct SweepCLITests {
    /// The gc-grid workload scaled for a debug build: 6 GOGC × 2 GOMEMLIMIT.
    static let input = "synth:gc-grid,L=1MiB,S=1KiB,steady=8MiB"
    static let grid = [input, "--gogc", "25,50,100,200,400,off", "--gomemlimit", "none,96MiB",
                       "--no-hardware", "--sample-interval", "100us"]

    static func count(_ sql: String, _ database: String) throws -> Int64 {
        if case let .int(n)? = try query(sql, path: database).rows.first?.first { return n }
        return -1
    }

    /// Every run is whole (its two checkpoints) and no configuration is there twice.
    static func expectWholeDistinctRuns(_ database: String) throws {
        #expect(try count("SELECT count(*) FROM runs WHERE status <> 'complete'", database) == 0)
        #expect(try count("SELECT count(*) - count(DISTINCT config_key) FROM runs", database) == 0)
        #expect(try count("SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM checkpoints c WHERE c.run_id = r.run_id) <> 2",
                          database) == 0)
    }

    /// Starts a sweep, waits for its first finished configuration, sends `signal`, and
    /// returns its exit status and output.
    static func interruptedSweep(database: String, signal: Int32) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["sweep"] + grid + ["--db", database, "--jobs", "1"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        var text = ""
        while !text.contains("] run ") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }  // exited before finishing one: the test fails below
            text += String(decoding: data, as: UTF8.self)
        }
        kill(process.processIdentifier, signal)
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, text)
    }

    @Test func interruptedSweepKeepsOnlyWholeRunsAndResumesToTwelve() throws {
        let directory = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("sweep.sqlite").path
        let (status, stdout) = try Self.interruptedSweep(database: db, signal: SIGINT)
        #expect(status == 130, "\(stdout)")
        #expect(stdout.contains("not started"))
        let stored = try Self.count("SELECT count(*) FROM runs", db)
        #expect(stored >= 1 && stored < 12)  // the running configuration finished; no further one started
        try Self.expectWholeDistinctRuns(db)

        let resumed = try CLI.run(["sweep"] + Self.grid + ["--db", db])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("sweep: ran \(12 - stored), skipped \(stored), failed 0"))
        #expect(try Self.count("SELECT count(*) FROM runs", db) == 12)
        try Self.expectWholeDistinctRuns(db)
    }

    @Test func killedSweepLeavesNoPartialRun() throws {
        let directory = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("sweep.sqlite").path
        let (status, _) = try Self.interruptedSweep(database: db, signal: SIGKILL)
        #expect(status == 128 + SIGKILL)
        let stored = try Self.count("SELECT count(*) FROM runs", db)
        #expect(stored >= 1 && stored < 12)
        try Self.expectWholeDistinctRuns(db)  // the run replaying at the kill never committed
        let resumed = try CLI.run(["sweep"] + Self.grid + ["--db", db])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.count("SELECT count(*) FROM runs", db) == 12)
        try Self.expectWholeDistinctRuns(db)
    }

    @Test func shardsMergedByTheCommandHoldTheWholeGridAndCompareTabulatesIt() throws {
        let directory = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shards = (1...2).map { directory.appendingPathComponent("shard-\($0).sqlite").path }
        for (k, shard) in shards.enumerated() {
            let run = try CLI.run(["sweep"] + Self.grid + ["--db", shard, "--shard", "\(k + 1)/2"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("sweep: 6 configurations (shard \(k + 1)/2 of 12)"))
        }
        let merged = directory.appendingPathComponent("merged.sqlite").path
        let merge = try CLI.run(["merge", merged] + shards)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.hasSuffix("merge: 12 runs merged, 0 skipped, into \(merged)\n"))
        try Self.expectWholeDistinctRuns(merged)
        let again = try CLI.run(["merge", merged, shards[0]])
        #expect(again.status == 0 && again.stdout.contains("merged 0 runs, skipped 6 already in"))
        let notADatabase = directory.appendingPathComponent("notes.txt")
        try Data("not a database, but long enough to have a header page of its own ....................".utf8)
            .write(to: notADatabase)
        let refused = try CLI.run(["merge", merged, notADatabase.path])
        #expect(refused.status == 2, "\(refused.stderr)")

        let table = try CLI.run(["compare", Self.input, "--db", merged])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == 14)  // header, rule, 12 configurations
        #expect(lines[0].hasPrefix("gogc  gomemlimit  gomaxprocs  profile  status    gc_cycles  gc_cpu_pct"))
        #expect(lines[2].hasPrefix("25    96MiB                2  default  complete"))
        #expect(lines[13].hasPrefix("off   none                 2  default  complete          0"))
        // The GOGC=100, no-limit row's cycle count is the stored NumGC.
        let cycles = try Self.count("""
            SELECT max(c.num_gc) FROM checkpoints c JOIN runs r USING (run_id) WHERE r.gogc = 100 AND r.gomemlimit IS NULL
            """, merged)
        let fields = lines[7].split(separator: " ")
        #expect(fields.prefix(2) == ["100", "none"] && fields[5] == "\(cycles)")

        let csv = try CLI.run(["compare", Self.input, "--db", merged, "--csv"])
        #expect(csv.stdout.split(separator: "\r\n").count == 13)
        let both = try CLI.run(["compare", Self.input, "--db", merged, "--csv", "--json"])
        #expect(both.status == 2)
        let none = try CLI.run(["compare", "synth:gc-grid,L=2MiB", "--db", merged])
        #expect(none.status == 2 && none.stderr.contains("no runs of synth:gc-grid,L=2MiB"))
    }

    @Test func gridFileGivesTheAxesAndOptionsReplaceThem() throws {
        let directory = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("grid.json")
        try Data("""
            {"inputs": ["\(Self.input)"], "gogc": [50, "off"], "gomemlimit": ["none", 100663296],
             "hardware": false, "sample_interval": "100us"}
            """.utf8).write(to: file)
        let db = directory.appendingPathComponent("g.sqlite").path
        let run = try CLI.run(["sweep", "--grid", file.path, "--gomemlimit", "64MiB", "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try query("SELECT gogc, gomemlimit FROM runs ORDER BY gogc IS NULL", path: db).rows
            == [[.int(50), .int(64 << 20)], [.null, .int(64 << 20)]])

        try Data(#"{"inputs": ["x.gmt"], "gogcs": [50]}"#.utf8).write(to: file)
        let bad = try CLI.run(["sweep", "--grid", file.path, "--db", db])
        #expect(bad.status == 2 && bad.stderr.contains("found key \"gogcs\""))
        let badShard = try CLI.run(["sweep", Self.input, "--shard", "3/2", "--db", db])
        #expect(badShard.status == 2 && badShard.stderr.contains("--shard"))
        let missing = try CLI.run(["sweep", "no-such.gmtb", "--db", db])
        #expect(missing.status == 2 && missing.stderr.contains("no-such.gmtb:1:1: cannot read the file"))
        let badValue = try CLI.run(["sweep", Self.input, "--gogc", "50,fifty", "--db", db])
        #expect(badValue.status == 2 && badValue.stderr.contains("found \"fifty\""))
        let badProfile = try CLI.run(["sweep", Self.input, "--profile", "default,nope", "--db", db])
        #expect(badProfile.status == 2 && badProfile.stderr.contains("nope: expected a preset"))
        // Nothing ran for any of the refused sweeps.
        #expect(try Self.count("SELECT count(*) FROM runs", db) == 2)
    }

    @Test func gctraceLinesFollowTheStoredCycles() throws {
        let directory = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("r.sqlite").path
        let run = try CLI.run(["replay", "--gctrace", "--quiet", "--no-hardware", "--db", db, Self.input])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("gc ") }
        #expect(Int64(lines.count) == (try Self.count("SELECT count(*) FROM gc_cycles", db)))
        let shape = /^gc \d+ @\d+\.\d{3}s \d+%: [0-9.]+\+[0-9.]+\+[0-9.]+ ms clock, [0-9.]+\+[0-9.]+\/[0-9.]+\/[0-9.]+\+[0-9.]+ ms cpu, \d+->\d+->\d+ MB, \d+ MB goal, \d+ MB stacks, \d+ MB globals, \d+ P( \(forced\))?$/
        for (i, line) in lines.enumerated() {
            #expect(line.wholeMatch(of: shape) != nil, "\(line)")
            #expect(line.hasPrefix("gc \(i + 1) @"))
        }
    }

    /// sysmon's 2-minute GC is a deadline, not something checked on allocation: an idle
    /// program (sleeping, allocating nothing) gets it 2 minutes after its last cycle, and
    /// the engine's drain after the trace ends starts none.
    @Test func idleProgramGetsThePeriodicGCTwoMinutesAfterItsLastCycle() throws {
        let directory = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("idle.gmt")
        try """
            gomemsim-trace 1
            alloc 1 1MiB noscan
            gc
            sleep 300s
            checkpoint "after_sleep"
            sleep 100s
            """.write(to: trace, atomically: true, encoding: .utf8)
        let db = directory.appendingPathComponent("r.sqlite").path
        let run = try CLI.run(["replay", "--gctrace", "--quiet", "--no-hardware", "--db", db, trace.path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("gc ") }
        // runtime.GC(), then the periodic cycles at ~120, ~240 and ~360 s; none at ~480 s,
        // which would fall in the 2-minute drain after the trace's 400 s.
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.first?.hasSuffix("(forced)") == true)
        #expect(lines.dropFirst().allSatisfy { !$0.hasSuffix("(forced)") })
        #expect(lines.count > 1 && lines[1].hasPrefix("gc 2 @120."), "\(lines)")
        #expect(lines.count > 2 && lines[2].hasPrefix("gc 3 @240."), "\(lines)")
        #expect(lines.count > 3 && lines[3].hasPrefix("gc 4 @360."), "\(lines)")
    }
}
