import GoMemSimCore
import GoMemSimEngine
import GoMemSimTrace
import Testing

/// Goroutine clocks, Ps, sleeps and the lookahead.
@Suite struct SchedulingTests {
    @Test func twoGoroutinesWithSleepsInterleaveByTimeNotFileOrder() {
        // File order: all of goroutine 1 first, then main. Time order interleaves them.
        let result = Engine.replay(source: ArraySource([
            rec(.spawn(goroutine: 1)),
            rec(.sleep(ns: ms(10)), g: 1),
            rec(.checkpoint(label: Symbol(0)), g: 1),   // g1 at 10 ms
            rec(.sleep(ns: ms(10)), g: 1),
            rec(.checkpoint(label: Symbol(1)), g: 1),   // g1 at 20 ms
            rec(.exit, g: 1),
            rec(.sleep(ns: ms(5))),
            rec(.checkpoint(label: Symbol(2))),         // main at 5 ms
            rec(.sleep(ns: ms(10))),
            rec(.checkpoint(label: Symbol(3))),         // main at 15 ms
        ], names: ["g1@10", "g1@20", "main@5", "main@15"]), config: .with())
        #expect(result.status == .complete)
        #expect(result.checkpoints.map(\.label) == ["main@5", "g1@10", "main@15", "g1@20"])
        #expect(result.checkpoints.map(\.timeNs) == [ms(5), ms(10), ms(15), ms(20)])
        #expect(result.checkpoints.map(\.seq) == [0, 1, 2, 3])
        #expect(result.virtualTimeNs == ms(20))
    }

    static func twoComputeBoundGoroutines(gomaxprocs: Int) -> RunResult {
        Engine.replay(source: ArraySource([
            rec(.spawn(goroutine: 1)),
            rec(.compute(ns: ms(10)), g: 1),
            rec(.compute(ns: ms(10)), g: 1),
            rec(.exit, g: 1),
            rec(.compute(ns: ms(10))),
            rec(.compute(ns: ms(10))),
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["main done"]), config: .with(gomaxprocs: gomaxprocs))
    }

    @Test func oneProcessorSerialisesCPUWorkOfTwoGoroutines() {
        let result = Self.twoComputeBoundGoroutines(gomaxprocs: 1)
        #expect(result.virtualTimeNs == ms(40))
    }

    @Test func twoProcessorsRunTwoGoroutinesInParallel() {
        let result = Self.twoComputeBoundGoroutines(gomaxprocs: 2)
        #expect(result.virtualTimeNs == ms(20))
        #expect(result.checkpoints.first?.timeNs == ms(20))
    }

    @Test func sleepingGoroutineFreesItsProcessor() {
        // GOMAXPROCS=1: main sleeps 10 ms while goroutine 1 computes 10 ms on the P.
        let result = Engine.replay(source: ArraySource([
            rec(.spawn(goroutine: 1)),
            rec(.sleep(ns: ms(10))),
            rec(.compute(ns: ms(10)), g: 1),
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["main awake"]), config: .with(gomaxprocs: 1))
        #expect(result.checkpoints.first?.timeNs == ms(10))
        #expect(result.virtualTimeNs == ms(10))
    }

    @Test func spawnedGoroutineStartsAtItsParentsClock() {
        var engine = recordingEngine([
            rec(.compute(ns: 300)),
            rec(.spawn(goroutine: 8)),
            rec(.alloc(id: 1, size: 8, scan: false), g: 8),
            rec(.exit, g: 8),
        ])
        _ = engine.run()
        #expect(engine.runtime.log.suffix(3) == ["started g8 t=300", "allocate 8 noscan g8 t=300", "exited g8 t=300"])
    }

    @Test func recordsTouchingOneObjectKeepFileOrderAcrossGoroutines() {
        // Main is earlier in time, but its read of object 7 must follow goroutine 1's
        // alloc of it (the file order): the read waits for the alloc at 10 ms.
        var engine = recordingEngine([
            rec(.spawn(goroutine: 1)),
            rec(.compute(ns: ms(10)), g: 1),
            rec(.alloc(id: 7, size: 64, scan: false), g: 1),
            rec(.read(id: 7, offset: 0, length: 8, dependent: false)),
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["after read"])
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(engine.kernel.log == ["touch 0xc000000000 8 r"])
        #expect(result.checkpoints.first?.timeNs == ms(10))
    }

    @Test func goroutineBeyondTheLookaheadStillRunsToCompletion() {
        // Goroutine 1's only record is 5000 records after its `go`: the lookahead
        // (4096) fills and the engine proceeds with what it has read.
        var records = [rec(.spawn(goroutine: 1))]
        records += (0..<5000).map { _ in rec(.compute(ns: 1)) }
        records.append(rec(.exit, g: 1))
        let result = Engine.replay(source: ArraySource(records), config: .with())
        #expect(result.status == .complete)
        #expect(result.events == 5002)
        #expect(result.virtualTimeNs == 5000)
    }

    @Test func copiesOfOneEngineReplayIndependently() {
        // The engine's tables are unsafe buffers; run() makes them fresh, so copies taken
        // before a run do not share state.
        let source = ArraySource([rec(.alloc(id: 1, size: 64, scan: false)),
                                  rec(.read(id: 1, offset: 0, length: 8, dependent: false)),
                                  rec(.alloc(id: 2, size: 64, scan: false))])
        let original = Engine(source: source, config: RunConfig())
        var first = original, second = original
        let a = first.run(), b = second.run()
        #expect(a.status == .complete && b.status == .complete)
        #expect(a.events == 3 && b.events == 3)
    }

    @Test func sameTraceAndConfigGiveIdenticalResults() {
        func run() -> RunResult {
            var runtime = RecordingRuntime()
            runtime.allocCostNs = 30
            runtime.deadlines = [ms(1), ms(3), ms(7)]
            var records = [rec(.spawn(goroutine: 1)), rec(.spawn(goroutine: 2))]
            for i in 0..<300 {
                let g = UInt32(i % 3)
                let id = RegionID(i)
                records.append(rec(.alloc(id: id, size: UInt64(16 + i % 50), scan: i % 2 == 0), g: g))
                records.append(rec(.compute(ns: UInt64(1000 * (i % 7))), g: g))
                records.append(rec(.write(id: id, offset: 0, length: 8), g: g))
                if i % 3 == 0 { records.append(rec(.sleep(ns: 5000), g: g)) }
                if i >= 10 { records.append(rec(.free(id: id - 10), g: g)) }
                if i % 50 == 0 { records.append(rec(.checkpoint(label: Symbol(0)), g: g)) }
            }
            var engine = recordingEngine(records, names: ["c"], config: .with(sampleIntervalNs: 100_000),
                                         runtime: runtime)
            return engine.run()
        }
        let a = run(), b = run()
        #expect(a.status == .complete)
        #expect(a.checkpoints.count == 6)
        #expect(a.checkpoints == b.checkpoints)
        #expect(a.samples == b.samples)
        #expect(a.virtualTimeNs == b.virtualTimeNs)
        #expect(a.eventCounts.map(\.count) == b.eventCounts.map(\.count))
        #expect(a.samples.count > 5)
    }
}
