import Foundation
@testable import GoMemSimBatch
import GoMemSimCore
import GoMemSimEngine
import GoMemSimStore
import Testing

/// The 12-configuration sweep, run once and shared by the tests that only read it.
let sweptDatabase: Result<String, any Error> = Result {
    let path = try scratchDatabase("sweep.sqlite")
    _ = try runSweep(smallGrid().jobs, into: path)
    return path
}

@Suite struct SweepGridTests {
    @Test func gridOrderIsInputsThenGOGCThenLimitThenProcsThenProfile() throws {
        var grid = SweepGrid(inputs: [try TraceInput("a.gmt"), try TraceInput("b.gmt")])
        grid.gogc = [50, nil]
        grid.memoryLimits = [nil, 1 << 30]
        grid.gomaxprocs = [2, 4]
        grid.profiles = ["default", "zen3"]
        let jobs = grid.jobs
        #expect(grid.count == 32 && jobs.count == 32)
        #expect(try jobs[0].input == TraceInput("a.gmt") && jobs[16].input == TraceInput("b.gmt"))
        #expect(jobs[0..<8].allSatisfy { $0.config.gogc == 50 } && jobs[8..<16].allSatisfy { $0.config.gogc == nil })
        #expect(jobs[0..<4].allSatisfy { $0.config.memoryLimit == nil } && jobs[4].config.memoryLimit == 1 << 30)
        #expect(jobs[0..<4].map(\.config.gomaxprocs) == [2, 2, 4, 4])
        #expect(jobs[0..<4].map(\.config.profile) == ["default", "zen3", "default", "zen3"])
    }

    @Test func shardsAreDisjointAndCoverTheGridInOrder() throws {
        let grid = smallGrid()
        let all = try Sweep.keyed(grid.jobs).map(\.key)
        let shards = try (1...5).map { try Sweep.keyed(grid.jobs(shard: Shard(index: $0, count: 5))).map(\.key) }
        #expect(shards.map(\.count) == [3, 3, 2, 2, 2])
        #expect(shards[1] == [all[1], all[6], all[11]])
        #expect(Set(shards.joined()) == Set(all) && shards.joined().count == all.count)
    }

    @Test func shardSpecIsOneBasedKOverN() {
        #expect(Shard("2/8") == Shard(index: 2, count: 8))
        #expect(Shard("1/1") == .whole)
        for bad in ["0/2", "3/2", "2", "a/b", "1/0", "-1/2", "1/2/3", ""] { #expect(Shard(bad) == nil) }
    }
}

@Suite struct SweepTests {
    @Test func sweepStoresOneCompleteRunPerConfigurationAndAResumeSkipsThemAll() throws {
        let path = try scratchDatabase()
        let grid = smallGrid()
        let first = try runSweep(grid.jobs, into: path)
        #expect(first.ran == 12 && first.skipped == 0 && first.failed == 0 && first.notStarted == 0)
        #expect(try scalar("SELECT count(*) FROM runs WHERE status = 'complete'", in: path) == .int(12))
        #expect(try scalar("SELECT count(DISTINCT config_key) FROM runs", in: path) == .int(12))
        // Every run is whole: it has its checkpoints ("after_fill", "end").
        #expect(try scalar("SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM checkpoints c WHERE c.run_id = r.run_id) <> 2",
                           in: path) == .int(0))
        let stored = Set(try query("SELECT config_key FROM runs", path: path).rows.map { $0[0] })
        #expect(stored == Set(try Sweep.keyed(grid.jobs).map { FigureValue.text($0.key) }))

        let again = try runSweep(grid.jobs, into: path)
        #expect(again.ran == 0 && again.skipped == 12)
        #expect(try scalar("SELECT count(*) FROM runs", in: path) == .int(12))
    }

    @Test func repeatedGridPointsRunOnce() throws {
        let path = try scratchDatabase()
        var grid = smallGrid()
        grid.gogc = [100, 100]
        grid.memoryLimits = [nil]
        let summary = try runSweep(grid.jobs, into: path)
        #expect(summary.ran == 1 && summary.skipped == 1)
    }

    @Test func aFailedRunIsRetriedByTheNextSweep() throws {
        let path = try scratchDatabase()
        var grid = SweepGrid(inputs: [try TraceInput("synth:gc-grid,L=1MiB,S=2MiB")])  // S > L: bad input
        grid.base.hardware = false
        let first = try runSweep(grid.jobs, into: path)
        #expect(first.ran == 1 && first.failed == 1)
        let second = try runSweep(grid.jobs, into: path)
        #expect(second.ran == 1 && second.skipped == 0)
        #expect(try scalar("SELECT count(*) FROM runs WHERE status = 'failed'", in: path) == .int(2))
    }

    @Test func cancelledSweepStartsNothingAndWritesNothing() throws {
        let path = try scratchDatabase()
        let stop = SweepCancellation()
        stop.cancel()
        let summary = try Sweep(jobs: smallGrid().jobs, databasePath: path, parallelism: 2, toolVersion: "test")
            .run(cancellation: stop)
        #expect(summary.ran == 0 && summary.notStarted == 12)
        #expect(try scalar("SELECT count(*) FROM runs", in: path) == .int(0))
    }

    @Test func mergedShardsEqualTheUnshardedDatabaseRowForRow() throws {
        let unsharded = try sweptDatabase.get()
        let grid = smallGrid()
        let one = try scratchDatabase("shard-1.sqlite")
        let two = try scratchDatabase("shard-2.sqlite")
        // One worker each, so the shards' run order differs from the unsharded sweep's.
        #expect(try runSweep(grid.jobs(shard: Shard("1/2")!), into: one, parallelism: 1).ran == 6)
        #expect(try runSweep(grid.jobs(shard: Shard("2/2")!), into: two, parallelism: 1).ran == 6)

        let merged = try scratchDatabase("merged.sqlite")
        let out = try ResultsDatabase(path: merged)
        #expect(try out.merge(from: two).merged == 6)
        #expect(try out.merge(from: one).merged == 6)
        let expected = try contents(of: unsharded)
        let found = try contents(of: merged)
        #expect(found.keys.sorted() == expected.keys.sorted())
        for table in expected.keys.sorted() {
            #expect(found[table] == expected[table], "table \(table)")
        }
        #expect(found["runs"]?.count == 12 && (found["checkpoints"]?.count ?? 0) == 24)
        #expect((found["samples"]?.count ?? 0) > 12)  // the sample interval gives each run several

        // Merging a shard again adds nothing.
        let again = try out.merge(from: one)
        #expect(again.merged == 0 && again.skipped == 6)
        #expect(try scalar("SELECT count(*) FROM runs", in: merged) == .int(12))
    }

    @Test func mergeRefusesAMissingFileAndItself() throws {
        let path = try scratchDatabase()
        let out = try ResultsDatabase(path: path)
        #expect(throws: StoreError.databaseMissing(path: path + ".nope")) { try out.merge(from: path + ".nope") }
        #expect(throws: StoreError.mergeIntoItself(path: path)) { try out.merge(from: path) }
    }

    @Test func compareShowsOneRowPerConfigurationWithTheStoredFigures() throws {
        let path = try sweptDatabase.get()
        let table = try Comparison.table(for: smallGridInput, databasePath: path)
        #expect(table.columns == Comparison.columns)
        #expect(table.rows.count == 12)
        #expect(column("gogc", of: table) == ["25", "25", "50", "50", "100", "100", "200", "200", "400", "400", "off", "off"]
            .map(FigureValue.text))
        #expect(column("gomemlimit", of: table) == Array(repeating: ["96MiB", "none"], count: 6).joined()
            .map(FigureValue.text))
        #expect(column("status", of: table).allSatisfy { $0 == .text("complete") })

        // Cells against the stored rows they summarise: GOGC=100, no limit.
        let row = table.rows[5]
        guard case let .int(runID) = row[table.columns.firstIndex(of: "run_id")!] else {
            Issue.record("no run_id")
            return
        }
        let points = "(SELECT heap_alloc, num_gc, run_id FROM samples UNION ALL SELECT heap_alloc, num_gc, run_id FROM checkpoints)"
        #expect(row[table.columns.firstIndex(of: "gc_cycles")!]
            == (try scalar("SELECT max(num_gc) FROM \(points) WHERE run_id = ?", in: path, [.int(runID)])))
        #expect(row[table.columns.firstIndex(of: "peak_heap_mib")!]
            == (try scalar("SELECT round(max(heap_alloc) / 1048576.0, 2) FROM \(points) WHERE run_id = ?", in: path, [.int(runID)])))
        #expect(row[table.columns.firstIndex(of: "mean_heap_mib")!]
            == (try scalar("SELECT round(avg(heap_alloc) / 1048576.0, 2) FROM samples WHERE run_id = ?", in: path, [.int(runID)])))
        #expect(try scalar("SELECT gogc IS 100 AND gomemlimit IS NULL FROM runs WHERE run_id = ?", in: path, [.int(runID)]) == .int(1))

        // More GOGC, fewer cycles; the fastest configuration has slowdown 1.
        let cycles = column("gc_cycles", of: table).enumerated().filter { $0.offset % 2 == 1 }.compactMap { cell -> Int64? in
            if case let .int(n) = cell.element { return n } else { return nil }
        }
        #expect(cycles.count == 6 && zip(cycles, cycles.dropFirst()).allSatisfy { $0 >= $1 } && cycles[0] > cycles[4])
        #expect(cycles[5] == 0)  // GOGC=off
        let slowdowns = column("slowdown", of: table).compactMap { cell -> Double? in
            if case let .real(x) = cell { return x } else { return nil }
        }
        #expect(slowdowns.count == 12 && slowdowns.min() == 1.0)
    }

    @Test func compareFindsNoRunsOfAnotherTrace() throws {
        let path = try sweptDatabase.get()
        let other = try Comparison.table(for: try TraceInput("synth:gc-grid,L=2MiB,S=1KiB,steady=8MiB"), databasePath: path)
        #expect(other.rows.isEmpty)
    }
}
