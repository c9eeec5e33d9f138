import GoMemSimTrace
import Testing
@testable import GoMemSimRecorder

@Suite struct SynthChurnTests {
    @Test(arguments: ["oldest", "random"])
    func fixedSizeChurnKeepsLiveBytesConstantAfterFill(victim: String) throws {
        let source = try Synth.make(kind: "churn", parameters: ["live": "1MiB", "size": "1000", "total": "8MiB",
                                                               "victim": victim], seed: 2)
        let symbols = source.symbols
        var heap = HeapTally()
        var filled = false
        var liveAfterFill: [UInt64] = []
        for record in try records(of: source) {
            heap.apply(record.event)
            if label(record.event, in: symbols) == "after_fill" {
                filled = true
                // ⌊1 MiB / 1000⌋ = 1048 objects fill the live set.
                #expect(heap.live.count == 1048)
            }
            if filled, case .alloc = record.event { liveAfterFill.append(heap.liveBytes) }
        }
        #expect(heap.problems.isEmpty)
        #expect(!liveAfterFill.isEmpty)
        #expect(liveAfterFill.allSatisfy { $0 == 1_048_000 })
        // Allocation stops at the first object that reaches the total.
        #expect(heap.allocatedBytes >= 8 << 20 && heap.allocatedBytes < (8 << 20) + 1000)
    }

    @Test func varyingSizesStayWithinOneObjectOfTheLiveTarget() throws {
        let source = try Synth.make(kind: "churn", parameters: ["live": "256KiB", "size": "16..4KiB",
                                                               "total": "4MiB", "scan": "0.5"], seed: 9)
        let symbols = source.symbols
        var heap = HeapTally()
        var filled = false
        var outside = 0, allocs = 0, scans = 0
        var sizes = Set<UInt64>()
        for record in try records(of: source) {
            heap.apply(record.event)
            if label(record.event, in: symbols) == "after_fill" { filled = true }
            if case let .alloc(_, size, scan) = record.event {
                allocs += 1
                sizes.insert(size)
                if scan { scans += 1 }
                if heap.liveBytes > 256 << 10 || (filled && heap.liveBytes <= (256 << 10) - 4096) { outside += 1 }
            }
        }
        #expect(outside == 0)
        #expect(sizes.min()! >= 16 && sizes.max()! <= 4096 && sizes.count > 1000)
        #expect(abs(Double(scans) / Double(allocs) - 0.5) < 0.05)
    }

    @Test func weightedSizesFollowTheirWeights() throws {
        var small = 0, large = 0
        for record in try synth("churn", ["live": "1MiB", "size": "64:3,1KiB:1", "total": "2MiB"], seed: 4) {
            if case let .alloc(_, size, _) = record.event { if size == 64 { small += 1 } else if size == 1024 { large += 1 } }
        }
        #expect(abs(Double(small) / Double(large) - 3) < 0.3)
    }

    @Test func computeEventsPaceAllocationAtTheRate() throws {
        var heap = HeapTally()
        let all = try synth("churn", ["live": "64KiB", "size": "100..3000", "total": "32MiB", "rate": "250MiB"])
        for record in all { heap.apply(record.event) }
        let rate = Double(heap.allocatedBytes) / (Double(heap.computeNs) / 1e9)
        #expect(abs(rate / Double(250 << 20) - 1) < 1e-6)
        // Each allocation is followed by its compute.
        #expect(all.filter { if case .compute = $0.event { true } else { false } }.count == heap.allocs)
    }

    @Test func leakKeepsAboutTheKeepFractionForever() throws {
        let source = try Synth.make(kind: "leak", parameters: ["size": "1KiB", "keep": "0.1", "young": "32",
                                                              "total": "16MiB", "rate": "0"], seed: 5)
        var heap = HeapTally()
        var peakYoung = 0
        var liveAtAlloc: [UInt64] = []
        for record in try records(of: source) {
            heap.apply(record.event)
            if case .alloc = record.event { liveAtAlloc.append(heap.liveBytes) }
            peakYoung = max(peakYoung, heap.live.count)
        }
        #expect(heap.problems.isEmpty)
        #expect(heap.allocs == 16_384)
        // Binomial(16384, 0.1): 1638 ± 38 kept, all live at the end (the young are freed).
        #expect(abs(heap.live.count - 1638) < 200)
        #expect(heap.liveBytes == UInt64(heap.live.count) * 1024)
        #expect(heap.computeNs == 0)
        // The live set grows: the second half of the run holds more than the first.
        #expect(liveAtAlloc[12_000] > liveAtAlloc[4_000] + 500 * 1024)
    }
}
