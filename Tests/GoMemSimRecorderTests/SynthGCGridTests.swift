import GoMemSimTrace
import Testing
@testable import GoMemSimRecorder

@Suite struct SynthGCGridTests {
    /// The calibration workload itself: L = 64 MiB, S = 1 KiB, noscan, 1 GiB steady.
    @Test func defaultGridIsTheCalibrationProgram() throws {
        let source = try Synth.make(kind: "gc-grid", parameters: [:], seed: 1)
        #expect(source.origin == "synth:gc-grid L=64MiB S=1KiB ptr=false steady=1GiB rate=0 seed=1")
        let symbols = source.symbols
        var trace = source
        var heap = HeapTally()
        let slots = 65_536
        let steadyLive = UInt64(64 + 8 * slots + slots * 1024)
        var labels: [String] = []
        var peakObjects = 0
        var violations = 0
        var otherGoroutines = 0
        while let record = trace.next() {
            if record.goroutine != 0 { otherGoroutines += 1 }
            heap.apply(record.event)
            peakObjects = max(peakObjects, heap.live.count)
            if case .free = record.event {
                // After each steady step the live set is anchor + ring + L/S objects.
                if heap.live.count != slots + 2 || heap.liveBytes != steadyLive { violations += 1 }
            }
            if let label = label(record.event, in: symbols) {
                labels.append(label)
                #expect(heap.live.count == slots + 2 && heap.liveBytes == steadyLive)
            }
        }
        #expect(labels == ["after_fill", "end"])
        #expect(violations == 0)
        #expect(otherGoroutines == 0, "one goroutine, as in the Go program")
        #expect(heap.problems.isEmpty)
        // allocs = 2 + L/S + 1GiB/S (the real run counted 1114136 mallocs: + 22 runtime allocations).
        #expect(heap.allocs == 2 + 65_536 + 1_048_576)
        #expect(heap.frees == 1_048_576)
        // 64 + 8·65536 + 64 MiB + 1 GiB (the real run: 1141387936, + 12896 B of runtime allocations).
        #expect(heap.allocatedBytes == 1_141_375_040)
        #expect(heap.computeNs == 0, "no think time")
        #expect(peakObjects == slots + 3, "the new object is allocated before the old one is dropped")
    }

    @Test func steadyPhaseReplacesTheRingSlotsInOrder() throws {
        let all = try synth("gc-grid", ["L": "4KiB", "S": "1KiB", "steady": "6KiB", "ptr": "true"])
        let events = all.map(\.event)
        #expect(events[0] == .alloc(id: 1, size: 64, scan: false))
        #expect(events[1] == .alloc(id: 2, size: 32, scan: true))
        #expect(events[2...5].elementsEqual((3...6).map { TraceEvent.alloc(id: $0, size: 1024, scan: true) }))
        // ring[j % 4] = new: object 7 replaces 3, 8 replaces 4, …, 11 replaces 7, 12 replaces 8.
        let steady = events[7..<19]
        let expected: [TraceEvent] = [(7, 3), (8, 4), (9, 5), (10, 6), (11, 7), (12, 8)].flatMap {
            [TraceEvent.alloc(id: $0.0, size: 1024, scan: true), .free(id: $0.1)]
        }
        #expect(Array(steady) == expected)
        #expect(events.count == 20)
    }

    @Test func rateEmitsComputeAtThatRate() throws {
        var heap = HeapTally()
        for record in try synth("gc-grid", ["L": "1MiB", "S": "4KiB", "steady": "16MiB", "rate": "100MiB/s"]) {
            heap.apply(record.event)
        }
        // ⌊bytes·10⁹/rate⌋ ns in all.
        #expect(heap.computeNs == heap.allocatedBytes * 1_000_000_000 / (100 << 20))
    }
}
