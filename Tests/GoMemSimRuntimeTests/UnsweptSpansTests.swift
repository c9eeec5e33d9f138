import Testing
@testable import GoMemSimRuntime

/// The unswept lists pop each class's last span first, and what is left — counts, ids,
/// the list of all — never includes a popped span.
@Suite struct UnsweptSpansTests {
    @Test func popsFromTheEndAndForgetsPoppedSpans() {
        var lists = UnsweptSpans()
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
        lists.removeAll()
        #expect(lists.all.isEmpty && lists.count(135) == 0)
        lists.append(4, spanClass: 3)  // a new cycle's list starts empty
        #expect(lists.all == [4])
        #expect(lists.popLast(3) == 4)
    }
}
