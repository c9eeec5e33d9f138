import GoMemSimCore
import Testing
@testable import GoMemSimRuntime

/// The allocator's flat tables (span records, slot bitmap words, latency counts):
/// growth keeps every element, writes go through, storage is cache-line aligned, and a
/// runtime makes fresh tables when it starts.
@Suite struct UnsafeTableTests {
    @Test func growthKeepsEveryElement() {
        var table = UnsafeTable<UInt64>()
        for i in 0..<1000 { table.append(UInt64(i) * 3) }
        table.append(repeating: 7, count: 40)
        #expect(table.count == 1040)
        #expect(table[0] == 0 && table[999] == 2997 && table[1000] == 7 && table[1039] == 7)
        let sum: UInt64 = table.reduce(0, +)
        let expected: UInt64 = 3 * 999 * 1000 / 2 + 7 * 40
        #expect(sum == expected)
        table[500] = 1
        table[501] &+= 5
        #expect(table[500] == 1 && table[501] == 1508)
        #expect(Array(table.indices) == Array(0..<1040))
    }

    @Test func repeatingInitAndAppend() {
        var table = UnsafeTable<SlotBits>(repeating: SlotBits(allocated: 1), count: 3)
        table.append(repeating: SlotBits(freed: 2), count: 100)  // past the first capacity
        #expect(table.count == 103)
        #expect(table[2].allocated == 1 && table[3].allocated == 0 && table[102].freed == 2)
    }

    /// A 32-byte ``SlotBits`` word never straddles two cache lines.
    @Test func storageIsCacheLineAligned() {
        var table = UnsafeTable<SlotBits>()
        for _ in 0..<100 { table.append(SlotBits()) }  // after growth too
        #expect(UInt(bitPattern: table.base) % 64 == 0)
    }

    /// Reference semantics: copies share elements, so ``GoRuntime/start(now:kernel:)``
    /// makes fresh tables — a runtime copied before it starts runs on its own spans.
    @Test func startingMakesFreshTables() throws {
        var first = GoRuntime(config: RuntimeConfig())
        var second = first
        var kernel = RecordingKernel()
        try first.start(now: 0, kernel: &kernel)
        let small = try first.allocate(size: 64, scan: false, goroutine: 0, now: 0, kernel: &kernel).address
        var otherKernel = RecordingKernel()
        try second.start(now: 0, kernel: &otherKernel)
        let large = try second.allocate(size: 128, scan: false, goroutine: 0, now: 0, kernel: &otherKernel).address
        // Each runtime's first span at the heap's start, in its own table: had the
        // tables been shared, the second's span record would have overwritten the first's.
        #expect(small == large)
        let id = try #require(first.spanID(containing: small))
        #expect(first.spans.spans[id].elemSize == 64 && second.spans.spans[id].elemSize == 128)
        #expect(first.spans.popcount(id) { $0.allocated } == 1 && second.spans.popcount(id) { $0.allocated } == 1)
    }
}
