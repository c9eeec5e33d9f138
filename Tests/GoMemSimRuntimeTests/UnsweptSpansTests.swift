import Testing
@testable import GoMemSimRuntime

/// The unswept lists pop each class's last span first, and what is left — counts, ids,
/// the list of all — never includes a popped span.
@Suite struct UnsweptSpansTests {
    /// Empty lists with room for `n` spans of class 3 and `m` of class 135.
    func reserve(_ lists: inout UnsweptSpans, _ n: Int, _ m: Int) {
        lists.removeAll()
        for _ in 0..<n { lists.reserve(spanClass: 3) }
        for _ in 0..<m { lists.reserve(spanClass: 135) }
        lists.layOut()
    }

    @Test func popsFromTheEndAndForgetsPoppedSpans() {
        var lists = UnsweptSpans()
        reserve(&lists, 2, 1)
        lists.append(9, spanClass: 3)
        lists.append(7, spanClass: 3)
        lists.append(5, spanClass: 135)
        #expect(lists.count(3) == 2 && lists.count(135) == 1 && lists.count(0) == 0)
        #expect(lists.id(3, 0) == 9)
        #expect(lists.popLast(3) == 7)
        #expect(lists.count(3) == 1)
        #expect(lists.all == [9, 5])
        #expect(lists.popLast(3) == 9)
        #expect(lists.popLast(3) == nil)
        #expect(lists.all == [5])
        reserve(&lists, 1, 0)
        #expect(lists.all.isEmpty && lists.count(135) == 0)
        lists.append(4, spanClass: 3)  // a new cycle's list starts empty
        #expect(lists.all == [4])
        #expect(lists.popLast(3) == 4)
    }

    /// Classes share one table: filling one class's room leaves its neighbours' alone,
    /// in whatever order the spans come.
    @Test func classesKeepTheirOwnRoom() {
        var lists = UnsweptSpans()
        lists.removeAll()
        for c in [1, 2, 0, 1, 2, 1] { lists.reserve(spanClass: c) }
        lists.layOut()
        lists.append(20, spanClass: 2)
        lists.append(10, spanClass: 1)
        lists.append(1, spanClass: 0)
        lists.append(11, spanClass: 1)
        lists.append(21, spanClass: 2)
        lists.append(12, spanClass: 1)
        #expect(lists.all == [1, 10, 11, 12, 20, 21])
        #expect(lists.popLast(1) == 12 && lists.popLast(2) == 21 && lists.popLast(0) == 1)
        #expect(lists.all == [10, 11, 20])
    }
}
