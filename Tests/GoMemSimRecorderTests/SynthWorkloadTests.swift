import GoMemSimTrace
import Testing
@testable import GoMemSimRecorder

@Suite struct SynthWorkloadTests {
    /// Live heap bytes at each checkpoint.
    func liveAtCheckpoints(_ kind: String, _ parameters: [String: String]) throws -> (labels: [String: UInt64], heap: HeapTally, records: [TraceRecord]) {
        let source = try Synth.make(kind: kind, parameters: parameters, seed: 1)
        let symbols = source.symbols
        var heap = HeapTally()
        var labels: [String: UInt64] = [:]
        let all = try records(of: source)
        for record in all {
            heap.apply(record.event)
            if let label = label(record.event, in: symbols) { labels[label] = heap.liveBytes }
        }
        return (labels, heap, all)
    }

    @Test func gcGuideGraph1Allocates200MiBWith20MiBLive() throws {
        let (labels, heap, all) = try liveAtCheckpoints("gc-guide", ["preset": "graph1"])
        #expect(heap.problems.isEmpty)
        #expect(heap.allocs == 3_200)  // 10 s × 20 MiB/s / 64 KiB
        #expect(heap.allocatedBytes == 200 << 20)
        #expect(heap.computeNs == 10_000_000_000)
        #expect(labels == ["phase1": 20 << 20, "phase2": 20 << 20, "end": 20 << 20])
        #expect(all.allSatisfy { if case let .alloc(_, _, scan) = $0.event { scan } else { true } })
    }

    @Test func gcGuideGraph2FollowsSurvivalAndDeathRates() throws {
        let (labels, heap, _) = try liveAtCheckpoints("gc-guide", ["preset": "graph2"])
        #expect(heap.problems.isEmpty)
        // 20 → half dies → +half of 20 → half dies → +10 → 200 MiB/s, 2 % survive, all old die.
        #expect(labels["phase1"] == 20 << 20)
        #expect(labels["phase2"] == 10 << 20)
        #expect(labels["phase3"] == 20 << 20)
        #expect(labels["phase4"] == 10 << 20)
        #expect(labels["phase5"] == 20 << 20)
        #expect(labels["phase6"] == 20 << 20)  // 16000 objects × 0.02 = 320 = 20 MiB, old 320 died
        #expect(heap.allocatedBytes == (100 + 1000) << 20)
        #expect(heap.computeNs == 10_000_000_000)
    }

    @Test func gcGuideGraph3SpikesAndHalfTheHeapDies() throws {
        let (labels, _, _) = try liveAtCheckpoints("gc-guide", ["preset": "graph3"])
        #expect(labels["phase3"] == 30 << 20)
        #expect(labels["phase5"] == 15 << 20)
        #expect(labels["end"] == 15 << 20)
    }

    @Test func gcGuideGraph4MapsOtherMemoryFirst() throws {
        let (_, heap, all) = try liveAtCheckpoints("gc-guide", ["preset": "graph4"])
        #expect(all[0].event == .mmap(id: 1, length: 10 << 20, protection: [.read, .write], flags: [.anonymous],
                                      fd: nil, fileOffset: 0))
        #expect(all[1].event == .write(id: 1, offset: 0, length: 10 << 20))
        #expect(heap.allocs == 3_200)
    }

    @Test func gcGuideCustomPhases() throws {
        let (labels, heap, _) = try liveAtCheckpoints("gc-guide", ["phases": "500ms:8MiB/s:1:0,1s:4MiB:0.5:0.5",
                                                                  "object": "1MiB", "ptr": "false"])
        #expect(heap.allocs == 8)
        #expect(labels["phase1"] == 4 << 20)
        #expect(labels["phase2"] == 4 << 20)  // 2 of 4 old die, 2 of 4 new survive
        #expect(heap.computeNs == 1_500_000_000)
    }

    @Test func serverRequestsDropTheirGarbageAndTheCacheStaysCapped() throws {
        let parameters = ["requests": "5000", "workers": "4", "burst": "10", "gap": "1ms", "objects": "3",
                          "cache": "0.5", "capacity": "100", "entry": "2KiB", "compute": "20us"]
        let source = try Synth.make(kind: "server", parameters: parameters, seed: 8)
        var heap = HeapTally()
        var spawns = Set<UInt32>(), exits = Set<UInt32>()
        var sleeps = 0, computes = 0, workerGoroutines = Set<UInt32>()
        var peakLive: UInt64 = 0
        for record in try records(of: source) {
            heap.apply(record.event)
            peakLive = max(peakLive, heap.liveBytes)
            switch record.event {
            case let .spawn(goroutine): spawns.insert(goroutine)
            case .exit: exits.insert(record.goroutine)
            case .sleep: sleeps += 1
            case .compute(20_000): computes += 1
            case .alloc: workerGoroutines.insert(record.goroutine)
            default: break
            }
        }
        #expect(heap.problems.isEmpty)
        #expect(spawns == [1, 2, 3, 4] && exits == [1, 2, 3, 4] && workerGoroutines == [1, 2, 3, 4])
        #expect(computes == 5_000)
        // Only the cache is live at the end: full at 100 entries of 2 KiB.
        #expect(heap.live.count == 100 && heap.liveBytes == 100 * 2048)
        // ~2500 cache entries were inserted: frees = 3 per request + evictions.
        #expect(heap.frees == 15_000 + (heap.allocs - 15_000 - 100))
        #expect(abs(heap.allocs - 15_000 - 2_500) < 200)
        // Mean burst 10 ⇒ about 500 bursts, each followed by a sleep on all 4 workers.
        #expect(sleeps % 4 == 0 && abs(sleeps / 4 - 500) < 100)
        #expect(peakLive <= 100 * 2048 + 3 * 4096 + 2048)
    }
}
