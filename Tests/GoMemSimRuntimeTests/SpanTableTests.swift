import Testing
@testable import GoMemSimRuntime

/// Span records and their slot bitmaps: each span gets one bitmap word per 64 slots, a
/// released span's words are reused (cleared) by the next span of the same length.
@Suite struct SpanTableTests {
    func span(nelems: UInt32, elemSize: UInt64) -> Span {
        Span(base: GoRuntime.heapBase, npages: 1, state: .heap, spanClass: SpanClass(sizeClass: 5, noscan: false),
             elemSize: elemSize, nelems: nelems, needzero: false)
    }

    @Test func bitmapsAreSizedBySlotsAndReused() {
        var table = SpanTable()
        let eightByte = table.make(span(nelems: 1024, elemSize: 8))
        let sixtyFour = table.make(span(nelems: 128, elemSize: 64))
        let large = table.make(span(nelems: 1, elemSize: 8192))
        #expect(table.bits.count == 16 + 2 + 1)
        #expect(table.words(sixtyFour) == 16..<18)
        for _ in 0..<70 { _ = table.takeNextFree(sixtyFour) }
        #expect(table.isAllocated(sixtyFour, 69) && !table.isAllocated(sixtyFour, 70))
        #expect(table.takeNextFree(large) == 0)
        #expect(table.takeNextFree(large) == nil)

        table.release(sixtyFour)
        let reused = table.make(span(nelems: 100, elemSize: 80))
        #expect(reused == sixtyFour)  // the id and its two words come back
        #expect(table.bits.count == 19)
        #expect(table.words(reused) == 16..<18)
        #expect(!table.isAllocated(reused, 0) && !table.isAllocated(reused, 69))
        #expect(table.takeNextFree(reused) == 0)
        // The other spans' bits were not touched.
        #expect(table.isAllocated(large, 0) && !table.isAllocated(eightByte, 0))
        #expect(table.popcount(reused) { $0.allocated } == 1)
    }

    /// `nextFreeIndex` (read through the record's and the bitmap's base pointers): from
    /// `freeindex` on, the first clear bit across the span's words, never a slot at or
    /// past `nelems` (the last word's tail is clear too), each slot taken once, counted,
    /// and nothing of a neighbouring span touched; a full span parks `freeindex` at
    /// `nelems`.
    @Test func takeNextFreeWalksWordsUpToNelems() {
        var table = SpanTable()
        let before = table.make(span(nelems: 128, elemSize: 64))
        let id = table.make(span(nelems: 100, elemSize: 80))  // 2 words, 28 tail bits past nelems
        let after = table.make(span(nelems: 128, elemSize: 64))
        let first = table.words(id).lowerBound
        table.bits[first].allocated = ~UInt64(0) & ~(1 << 5)  // only slot 5 free in word 0
        table.bits[first + 1].allocated = 1 | 1 << 35  // slots 64 and 99 (the last) taken
        table.spans[id].allocCount = 65
        #expect(table.takeNextFree(id) == 5)
        #expect(table.spans[id].freeIndex == 6)
        #expect(table.takeNextFree(id) == 65)  // word 0 is full from 6 on, 64 is taken
        var taken: [UInt32] = []
        while let slot = table.takeNextFree(id) { taken.append(slot) }
        // At 99 the first clear bit is 100, past `nelems`: none.
        #expect(taken == Array(66..<99))
        #expect(table.takeNextFree(id) == nil)
        #expect(table.spans[id].freeIndex == 100)  // parked at nelems
        #expect(table.spans[id].allocCount == 100)
        #expect(table.popcount(id) { $0.allocated } == 100)
        #expect(table.popcount(before) { $0.allocated } == 0 && table.popcount(after) { $0.allocated } == 0)
        #expect(table.spans[before].allocCount == 0 && table.spans[after].freeIndex == 0)

        // Slots below `freeindex` are not searched until a sweep resets it.
        let other = table.make(span(nelems: 128, elemSize: 64))
        table.spans[other].freeIndex = 70
        #expect(table.takeNextFree(other) == 70)
        #expect(table.isAllocated(other, 70) && !table.isAllocated(other, 0))
    }

    /// The record an allocation and a release read is one host cache line: 64 bytes, in
    /// a table aligned to 64.
    @Test func spanRecordIsOneCacheLine() {
        #expect(MemoryLayout<Span>.stride == 64)
        let table = SpanTable()
        #expect(Int(bitPattern: table.spans.base) % 64 == 0)
    }

    /// A released or reused span id starts with a fresh ``SpanSweepState``: not cached,
    /// nothing condemned.
    @Test func reusedSpanIDGetsFreshSweepState() {
        var table = SpanTable()
        let id = table.make(span(nelems: 128, elemSize: 64))
        table.sweepStates[id] = SpanSweepState(cachedBy: 1, condemnedCount: 3, condemnedRequestedBytes: 150)
        table.release(id)
        let reused = table.make(span(nelems: 128, elemSize: 64))
        #expect(reused == id)
        #expect(table.sweepStates[reused].cachedBy == -1)
        #expect(table.sweepStates[reused].condemnedCount == 0)
        #expect(table.sweepStates[reused].condemnedRequestedBytes == 0)
        #expect(table.sweepStates.count == table.spans.count)
    }

    /// Released bitmaps wait on a list per length, linked through their first words:
    /// two spans made after two releases of the same length get both bitmaps back (the
    /// last released first), cleared, and no new words; other lengths keep their own.
    @Test func releasedBitmapsAreReusedByLength() {
        var table = SpanTable()
        let a = table.make(span(nelems: 128, elemSize: 64))  // 2 words: 0..<2
        let b = table.make(span(nelems: 128, elemSize: 64))  // 2..<4
        let c = table.make(span(nelems: 64, elemSize: 128))  // 1 word: 4
        for id in [a, b, c] { while table.takeNextFree(id) != nil {} }
        table.release(a)
        table.release(c)
        table.release(b)
        let first = table.make(span(nelems: 100, elemSize: 80))
        let second = table.make(span(nelems: 128, elemSize: 64))
        let third = table.make(span(nelems: 8, elemSize: 1024))
        #expect(table.bits.count == 5)
        #expect(table.words(first) == 2..<4 && table.words(second) == 0..<2 && table.words(third) == 4..<5)
        for id in [first, second, third] {
            #expect(table.popcount(id) { $0.allocated } == 0)
            #expect(table.takeNextFree(id) == 0)
        }
        // A fourth span of two words finds none left: new words.
        let fourth = table.make(span(nelems: 128, elemSize: 64))
        #expect(table.words(fourth) == 5..<7)
    }
}
