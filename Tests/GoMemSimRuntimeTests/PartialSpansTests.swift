import Testing
@testable import GoMemSimRuntime

/// mcentral's partial lists: a stack per span class, as the arrays they replace were
/// (push appends, pop takes the last pushed), sortable so that pops take the lowest id.
@Suite struct PartialSpansTests {
    @Test func eachClassIsAStack() {
        var partial = PartialSpans()
        #expect(partial.isEmpty(7) && partial.pop(7) == nil)
        partial.push(40, spanClass: 7)  // beyond the links made so far: they grow
        partial.push(3, spanClass: 7)
        partial.push(12, spanClass: 9)
        partial.push(25, spanClass: 7)
        #expect(partial.list(7) == [40, 3, 25] && partial.list(9) == [12])
        #expect(partial.pop(7) == 25)
        #expect(partial.pop(9) == 12 && partial.isEmpty(9))
        partial.push(25, spanClass: 7)  // a popped span can come back
        #expect(partial.pop(7) == 25 && partial.pop(7) == 3 && partial.pop(7) == 40)
        #expect(partial.pop(7) == nil && partial.isEmpty(7))
    }

    @Test func sortingPutsTheLowestIDOnTop() {
        var partial = PartialSpans()
        for id: Int32 in [5, 9, 1, 7] { partial.push(id, spanClass: 135) }
        partial.push(2, spanClass: 0)
        partial.sortLowestIDOnTop()
        #expect(partial.list(135) == [9, 7, 5, 1])
        #expect(partial.pop(135) == 1 && partial.pop(135) == 5)
        #expect(partial.list(0) == [2])
        partial.removeAll()
        #expect(partial.isEmpty(135) && partial.isEmpty(0))
    }
}
