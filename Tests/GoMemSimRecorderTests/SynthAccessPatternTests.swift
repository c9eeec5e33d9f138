import GoMemSimTrace
import Testing
@testable import GoMemSimRecorder

@Suite struct SynthAccessPatternTests {
    /// The offsets of the buffer accesses, in order.
    func offsets(_ records: [TraceRecord]) -> [UInt64] {
        records.compactMap {
            switch $0.event {
            case let .read(_, offset, _, _), let .write(_, offset, _): offset
            case let .load(address, _, _), let .store(address, _): address
            default: nil
            }
        }
    }

    @Test func pointerChaseIsOneCycleThroughEverySlot() throws {
        // 1000 slots of 64 B (not a power of two): two laps of the chase.
        let all = try synth("access", ["pattern": "chase", "size": "64000", "n": "2000"], seed: 7)
        let slots = offsets(all).map { $0 / 64 }
        #expect(slots.count == 2000)
        let firstLap = Array(slots[0..<1000])
        #expect(Set(firstLap) == Set(0..<1000), "every slot exactly once per lap")
        #expect(Array(slots[1000..<2000]) == firstLap, "the chase returns to its start: one cycle")
        #expect(offsets(all).allSatisfy { $0 % 64 == 0 })
        let dependent = all.filter { if case .read(_, _, 8, true) = $0.event { true } else { false } }
        #expect(dependent.count == 2000)
    }

    @Test func sequentialWrapsAtTheEndOfTheBuffer() throws {
        let all = try synth("access", ["pattern": "sequential", "size": "64", "n": "10"])
        #expect(offsets(all) == [0, 8, 16, 24, 32, 40, 48, 56, 0, 8])
        #expect(all.first?.event == .alloc(id: 1, size: 64, scan: false))
        #expect(all.last?.event == .free(id: 1))
    }

    @Test func aSmallBufferNeedsNoChaseLineToFit() throws {
        // The 64 B chase line only constrains the chase.
        #expect(offsets(try synth("access", ["size": "32", "n": "5"])) == [0, 8, 16, 24, 0])
        #expect(throws: TraceError.self) { try synth("access", ["pattern": "chase", "size": "32"]) }
    }

    @Test func stridedStepsByTheStrideAndKeepsAccessesInside() throws {
        let all = try synth("access", ["pattern": "strided", "size": "200", "stride": "64", "n": "5"])
        // Accesses at 0, 64, 128 fit (128+8 ≤ 200); 192+8 = 200 fits too; then wrap.
        #expect(offsets(all) == [0, 64, 128, 192, 0])
    }

    @Test func rangeModeEmitsOneEventPerPass() throws {
        let all = try synth("access", ["pattern": "sequential", "size": "1MiB", "n": "300000", "range": "true",
                                       "backing": "mmap"])
        let passes = all.compactMap { record -> UInt64? in
            if case let .read(1, _, length, false) = record.event { length } else { nil }
        }
        // 131072 elements per pass: two full passes and 37856 elements.
        #expect(passes == [1 << 20, 1 << 20, 37_856 * 8])
        #expect(all.first?.event == .mmap(id: 1, length: 1 << 20, protection: [.read, .write], flags: [.anonymous],
                                          fd: nil, fileOffset: 0))
        #expect(all.last?.event == .munmap(id: 1, offset: 0, length: 1 << 20))
    }

    @Test func rawBackingEmitsLoadsAndStoresAtTheBaseAddress() throws {
        let all = try synth("access", ["pattern": "random", "size": "4KiB", "n": "10000", "backing": "raw",
                                       "base": "1MiB", "writes": "0.25"])
        #expect(all.count == 10_001, "accesses and the end checkpoint, no region events")
        var loads = 0, stores = 0
        for record in all {
            switch record.event {
            case let .load(address, 8, false):
                loads += 1
                #expect(address >= 1 << 20 && address + 8 <= (1 << 20) + 4096 && address % 8 == 0)
            case let .store(address, 8):
                stores += 1
                #expect(address >= 1 << 20 && address + 8 <= (1 << 20) + 4096)
            default: break
            }
        }
        #expect(loads + stores == 10_000)
        // Binomial(10000, 0.25): σ ≈ 43.
        #expect(abs(stores - 2_500) < 260)
    }

    @Test func uniformRandomCoversTheBufferEvenly() throws {
        let all = try synth("access", ["pattern": "random", "size": "1KiB", "n": "128000"], seed: 3)
        var counts = [Int](repeating: 0, count: 128)
        for offset in offsets(all) { counts[Int(offset / 8)] += 1 }
        // 1000 expected per element, σ ≈ 31.
        #expect(counts.allSatisfy { abs($0 - 1000) < 200 })
    }

    @Test func zipfAccessesConcentrateOnScatteredHotElements() throws {
        let all = try synth("access", ["pattern": "zipf", "size": "8MiB", "n": "200000", "exponent": "1"], seed: 4)
        var counts: [UInt64: Int] = [:]
        for offset in offsets(all) { counts[offset, default: 0] += 1 }
        let ranked = counts.values.sorted(by: >)
        // 1M elements, s = 1: P(rank 1) = 1/H(2^20) ≈ 1/14.44 ≈ 0.0692; rank 10 a tenth of it.
        #expect(abs(Double(ranked[0]) / 200_000 - 0.0692) < 0.004)
        #expect(abs(Double(ranked[0]) / Double(ranked[9]) - 10) < 1.5)
        // The hottest element is not simply offset 0: ranks are scattered.
        let hottest = counts.max { $0.value < $1.value }?.key
        #expect(hottest != 0)
    }
}
