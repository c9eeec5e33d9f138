import GoMemSimCore
@testable import GoMemSimEngine
import GoMemSimTrace
import Testing

@Suite struct TimersAndFiguresTests {
    @Test func checkpointCarriesEngineFiguresAndNilForUnmodelledFigures() {
        let result = Engine.replay(source: ArraySource([
            rec(.alloc(id: 1, size: 100, scan: true)),
            rec(.alloc(id: 2, size: 50, scan: false)),
            rec(.free(id: 1)),
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["after free"]), config: RunConfig())
        let figures = try! #require(result.checkpoints.first).figures
        #expect(result.checkpoints.first?.label == "after free")
        #expect(figures.liveObjects == 1)
        #expect(figures.liveBytes == 50)
        #expect(figures.allocatedBytes == 150)
        #expect(figures.freedBytes == 100)
        #expect(figures.vmRSS == nil)
        #expect(figures.heapAlloc == nil)
        #expect(figures.gcCPUFraction == nil)
        #expect(result.kernelModel == nil && result.runtimeModel == nil && result.hardwareModel == nil)
        #expect(result.modelRows.isEmpty)
    }

    @Test func checkpointTakesModelFiguresAndRows() {
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 4096, scan: false)),
            rec(.write(id: 1, offset: 0, length: 4096)),
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["c"])
        let result = engine.run()
        let figures = result.checkpoints[0].figures
        #expect(figures.vmRSS == 4096)
        #expect(figures.heapAlloc == 4096)
        #expect(figures.liveBytes == 4096)
        #expect(result.modelRows.tables.map(\.name) == ["checkpoint_mappings", "gc_cycles", "faults"])
        #expect(result.modelRows.tables[0].table.rows == [[.int(0), .int(4096)]])
    }

    @Test func samplesAreTakenAtTheConfiguredInterval() {
        let result = Engine.replay(source: ArraySource([
            rec(.alloc(id: 1, size: 10, scan: false)),
            rec(.compute(ns: ms(25))),
            rec(.alloc(id: 2, size: 20, scan: false)),
            rec(.compute(ns: ms(10))),
        ]), config: .with(sampleIntervalNs: ms(10)))
        #expect(result.samples.map(\.timeNs) == [ms(10), ms(20), ms(30)])
        // Samples at 10 and 20 ms precede the second alloc (at 25 ms).
        #expect(result.samples.map(\.figures.liveBytes) == [10, 10, 30])
        #expect(result.virtualTimeNs == ms(35))
    }

    @Test func runtimeDeadlinesFireBeforeLaterEventsAndDrainAfterTheTrace() {
        var runtime = RecordingRuntime()
        runtime.deadlines = [ms(5), ms(50), 10_000_000_000, 500_000_000_000]
        var engine = recordingEngine([
            rec(.compute(ns: ms(20))),
            rec(.gc),
        ], runtime: runtime)
        let result = engine.run()
        #expect(engine.runtime.log == [
            "start", "started g0 t=0",
            "advance t=5000000", "collect t=20000000",
            // After the last event: 50 ms and 10 s run; 500 s lies beyond the 2-minute drain.
            "advance t=50000000", "advance t=10000000000",
        ])
        #expect(result.virtualTimeNs == 10_000_000_000)
        #expect(engine.runtime.deadlines == [500_000_000_000])
    }

    @Test func samplesContinueWhileBackgroundWorkDrains() {
        var runtime = RecordingRuntime()
        runtime.deadlines = [ms(45)]
        let engine0 = recordingEngine([rec(.compute(ns: ms(12)))], config: .with(sampleIntervalNs: ms(10)),
                                      runtime: runtime)
        var engine = engine0
        let result = engine.run()
        #expect(result.samples.map(\.timeNs) == [ms(10), ms(20), ms(30), ms(40)])
        #expect(result.virtualTimeNs == ms(45))
    }

    @Test func timersAtTheSameTimeFireInTheOrderTheyWereArmed() {
        // Sample interval 5 ms and a runtime deadline at 5 ms: the sample was armed
        // first (at start), so it sees the heap before the runtime's work.
        var runtime = RecordingRuntime()
        runtime.deadlines = [ms(5)]
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 10, scan: false)),
            rec(.compute(ns: ms(6))),
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["c"], config: .with(sampleIntervalNs: ms(5)), runtime: runtime)
        let result = engine.run()
        #expect(result.samples.map(\.timeNs) == [ms(5)])
        #expect(engine.runtime.log.contains("advance t=5000000"))
    }

    @Test func outOfMemoryEndsTheRunWithAFinalCheckpoint() {
        var runtime = RecordingRuntime()
        runtime.limitBytes = 1000
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 600, scan: false)),
            rec(.compute(ns: 77)),
            rec(.alloc(id: 2, size: 600, scan: false)),
            rec(.alloc(id: 3, size: 1, scan: false)),
        ], runtime: runtime)
        let result = engine.run()
        #expect(result.status == .oom)
        #expect(result.failure == "test.gmt:3:1: out of memory allocating 600 bytes")
        #expect(result.events == 2)
        let last = try! #require(result.checkpoints.last)
        #expect(last.label == "oom")
        #expect(last.timeNs == 77)
        #expect(last.figures.liveBytes == 600)
        #expect(last.figures.heapAlloc == 600)
        // Live objects follow the executed allocs and frees: the refused one is neither.
        #expect(last.figures.liveObjects == 1)
    }

    /// Live objects and executed records, summed from the per-kind counts when read,
    /// follow every executed `alloc`, `free` and other record, on the path that runs
    /// records at once and on the queued one (two goroutines).
    @Test func liveObjectsAndEventsFollowExecutedAllocsAndFrees() {
        let result = Engine.replay(source: ArraySource([
            rec(.alloc(id: 1, size: 8, scan: false)),
            rec(.alloc(id: 2, size: 8, scan: false)),
            rec(.checkpoint(label: Symbol(0))),                 // 2 live, 2 records before
            rec(.spawn(goroutine: 1)),
            rec(.alloc(id: 3, size: 8, scan: false), g: 1),
            rec(.free(id: 1), g: 1),
            rec(.free(id: 2)),
            rec(.checkpoint(label: Symbol(1)), g: 1),           // 1 live
            rec(.exit, g: 1),
            rec(.alloc(id: 4, size: 8, scan: false)),
            rec(.checkpoint(label: Symbol(2))),                 // 2 live
        ], names: ["a", "b", "c"]), config: .with())
        #expect(result.status == .complete)
        #expect(result.checkpoints.map(\.figures.liveObjects) == [2, 1, 2])
        #expect(result.events == 11)
        #expect(result.eventCounts.first { $0.kind == "alloc" }?.count == 4)
    }

    @Test func segfaultInTheKernelEndsTheRunAsSegfault() {
        var kernel = RecordingKernel()
        kernel.failTouch = ModelError(.segfault, "SIGSEGV: write to PROT_NONE page at 0x7f0000000000")
        var engine = recordingEngine([
            rec(.mmap(id: 1, length: 4096, protection: .none, flags: .anonymous, fd: nil, fileOffset: 0)),
            rec(.write(id: 1, offset: 0, length: 8)),
        ], kernel: kernel)
        let result = engine.run()
        #expect(result.status == .segfault)
        #expect(result.failure == "test.gmt:2:1: SIGSEGV: write to PROT_NONE page at 0x7f0000000000")
        #expect(result.checkpoints.map(\.label) == ["segfault"])
    }

    @Test func invalidModelRequestFailsTheRun() {
        var kernel = RecordingKernel()
        kernel.failTouch = ModelError(.invalid, "access to an address never mapped")
        var engine = recordingEngine([rec(.load(address: 0x10, length: 8, dependent: false))], kernel: kernel)
        let result = engine.run()
        #expect(result.status == .failed)
        #expect(result.failure == "test.gmt:1:1: access to an address never mapped")
        #expect(result.checkpoints.isEmpty)
    }
}

@Suite struct TimerQueueTests {
    @Test func popsInTimeThenSequenceOrder() {
        var queue = TimerQueue()
        var generator = SplitMix(seed: 42)
        var expected: [(UInt64, Int)] = []
        for i in 0..<500 {
            let time = generator.next() % 50
            queue.push(at: time, i % 2 == 0 ? .sample : .runtimeDeadline)
            expected.append((time, i))
            #expect(queue.checkInvariants())
        }
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var popped: [(UInt64, UInt64)] = []
        while let timer = queue.pop() { popped.append((timer.time, timer.seq)) }
        #expect(popped.map(\.0) == expected.map(\.0))
        #expect(popped.map(\.1) == expected.map { UInt64($0.1) })
    }
}

@Suite struct IDMapTests {
    @Test func matchesADictionaryUnderChurn() {
        var map = IDMap(capacity: 4)
        var reference: [UInt64: Int32] = [:]
        var generator = SplitMix(seed: 7)
        for step in 0..<20_000 {
            let key = generator.next() % 3000
            if let value = reference[key] {
                #expect(map.remove(key) == value)
                reference[key] = nil
            } else {
                map.insert(key, Int32(step))
                reference[key] = Int32(step)
            }
        }
        #expect(map.count == reference.count)
        for key in 0..<UInt64(3000) { #expect(map.find(key) == reference[key]) }
    }

    /// The one-probe check-and-insert and removal by bucket the replay engine uses:
    /// a live key is refused, the returned bucket holds the new key, and removing at a
    /// bucket from `index(of:)` matches removing the key.
    @Test func insertNewAndRemoveAtMatchADictionary() {
        var map = IDMap(capacity: 4)
        var reference: [UInt64: Int32] = [:]
        var generator = SplitMix(seed: 11)
        var refused = 0
        for step in 0..<20_000 {
            let key = generator.next() % 2000
            if generator.next() % 3 == 0, let value = reference[key] {
                guard let i = map.index(of: key) else { Issue.record("live key \(key) not found"); return }
                #expect(map.remove(at: i) == value)
                reference[key] = nil
            } else if let bucket = map.insertNew(key, Int32(step), summary: IDMap.Summary(size: UInt64(step), isMapping: false, scan: true)) {
                #expect(reference[key] == nil)
                #expect(map.buckets[bucket].key == key && map.buckets[bucket].value == Int32(step))
                #expect(map.buckets[bucket].summary.size == UInt64(step))
                reference[key] = Int32(step)
            } else {
                #expect(reference[key] != nil)
                refused += 1
            }
        }
        #expect(refused > 1000)
        #expect(map.count == reference.count)
        for key in 0..<UInt64(2000) { #expect(map.find(key) == reference[key]) }
    }

    /// Locality (see `IDMap.home`): the ids of a block (8) have their homes in one bin
    /// of as many buckets, one each, so a trace's consecutive ids are looked up in
    /// neighbouring cache lines; consecutive blocks land in different bins.
    @Test func aBlockOfIDsHasItsHomesInOneBin() {
        let map = IDMap(capacity: 1 << 16)
        let shift = IDMap.blockShift, size = 1 << Int(shift)
        for block: UInt64 in [0, 1, 2, 12_345, 1 << 40] {
            let homes = (block << shift..<(block + 1) << shift).map { map.home($0) }
            #expect(Set(homes.map { $0 >> Int(shift) }).count == 1)
            #expect(Set(homes.map { $0 & (size - 1) }).count == size)
        }
        let bins = (UInt64(0)..<64).map { map.home($0 << shift) >> Int(shift) }
        #expect(Set(bins).count == 64)
    }

    /// Mean and longest distance from home over the live ids after `pattern` filled a
    /// map and then slid a window of `live` ids over it (insert one, remove the oldest).
    private func probeDistances(live: Int, steps: Int, id: (Int) -> UInt64) -> (mean: Double, max: UInt32) {
        var map = IDMap()
        for n in 0..<live { map.insert(id(n), Int32(truncatingIfNeeded: n)) }
        for n in live..<live + steps {
            map.insert(id(n), Int32(truncatingIfNeeded: n))
            #expect(map.remove(id(n - live)) != nil)
        }
        var total = 0.0, longest: UInt32 = 0
        for i in map.buckets.indices where map.buckets[i].value >= 0 {
            total += Double(map.buckets[i].distance)
            longest = max(longest, map.buckets[i].distance)
        }
        return (total / Double(map.count), longest)
    }

    /// The id patterns traces have — consecutive ids, ids sparse in their blocks or
    /// strided, random ids — keep entries at or next to their homes: a lookup is a
    /// probe or two. The price of locality: full blocks of ids scattered at random
    /// (per-thread id ranges, say) can share a bin and spill into the next, so they sit
    /// a few buckets on (2.5 at this load, a cache line or two), never far; so do ids
    /// 2²⁰ apart (3.2: the block numbers' trailing zeros leave the product's middle
    /// bits to pick the bin).
    @Test func idPatternsStayNearTheirHomes() {
        var generator = SplitMix(seed: 5)
        let randomIDs = (0..<150_000).map { _ in generator.next() }
        let patterns: [(name: String, id: (Int) -> UInt64, mean: Double, longest: UInt32)] = [
            ("consecutive", { UInt64($0) }, 0.01, 1), ("stride 3", { UInt64($0) * 3 }, 0.5, 8),
            ("stride 16", { UInt64($0) * 16 }, 0.5, 8), ("stride 48", { UInt64($0) * 48 }, 1, 8),
            ("stride 256", { UInt64($0) << 8 }, 1, 16), ("stride 4096", { UInt64($0) << 12 }, 0.5, 8),
            ("stride 2^20", { UInt64($0) << 20 }, 4, 16), ("random", { randomIDs[$0] }, 0.5, 16),
            ("full blocks at random", { randomIDs[$0 >> 3] << 3 | UInt64($0 & 7) }, 3.5, 96),
        ]
        for pattern in patterns {
            let distances = probeDistances(live: 100_000, steps: 50_000, id: pattern.id)
            #expect(distances.mean < pattern.mean, "\(pattern.name): mean distance \(distances.mean)")
            #expect(distances.max < pattern.longest, "\(pattern.name): longest distance \(distances.max)")
        }
    }
}

/// SplitMix64, for seeded test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct AbsurdTimeTests {
    /// Sleeps of the longest duration (2⁵⁰ ns) up to and past the end of time.
    @Test func sleepToTheEndOfTimeNeitherTrapsNorRunsForever() {
        let longest = Engine<ArraySource, UnmodelledKernel, UnmodelledRuntime, UnmodelledHardware>.maxDurationNs
        let result = Engine.replay(source: ArraySource(Array(repeating: rec(.sleep(ns: longest)), count: 4_097) + [
            rec(.compute(ns: longest)),
            rec(.alloc(id: 1, size: 1 << 48, scan: false)),
            rec(.alloc(id: 2, size: 1 << 48, scan: false)),
        ]), config: .with(sampleIntervalNs: 1))
        #expect(result.status == .complete)
        #expect(result.virtualTimeNs == Engine<ArraySource, UnmodelledKernel, UnmodelledRuntime, UnmodelledHardware>.endOfTimeNs)
        #expect(result.samples.count == Engine<ArraySource, UnmodelledKernel, UnmodelledRuntime, UnmodelledHardware>.sampleLimit)
    }
}
