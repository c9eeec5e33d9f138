import GoMemSimCore

/// When each of the `GOMAXPROCS` Ps is next free, kept in order: the earliest is the
/// time the next event can start on a P (see `Engine.startEvent(of:)`).
///
/// Only the times matter, not which P has which: an event takes *a* P that is free
/// earliest and makes it busy until the event's end, and nothing the engine reports
/// names a P. So the queue is a multiset of times — the earliest first — not a table
/// indexed by P.
///
/// Why kept in order rather than scanned: the engine asks for the earliest P on every
/// event, and the scan of `GOMAXPROCS` entries (an unrolled loop with its remainder)
/// cost ~25 instructions per event at `GOMAXPROCS=2` — callgrind on the allocator
/// replay. The times sit in a ring, ascending from ``head``. While one goroutine runs,
/// each of its events starts no earlier than its previous one ended, so (after the
/// first few) it ends no earlier than any P is free: the earliest P goes to the back,
/// its slot takes the new time and the ring turns — one comparison, one store. An end
/// before the latest time (goroutines overlapping) is moved to its place instead.
///
/// ```
/// var ps = ProcessorQueue(count: 2)    // both free at 0
/// ps.occupyEarliest(until: 10)          // one busy until 10
/// ps.earliest                           // 0: the other
/// ps.occupyEarliest(until: 5)
/// ps.earliest                           // 5
/// ```
@usableFromInline struct ProcessorQueue {
    /// Free times; from ``head`` around the ring, ascending.
    @usableFromInline var times: UnsafeTable<UInt64>
    /// The slot of the earliest time.
    @usableFromInline var head = 0

    /// `count` Ps (at least one), all free at time 0.
    @inlinable init(count: Int) {
        times = UnsafeTable(repeating: 0, count: Swift.max(1, count))
    }

    @inlinable var count: Int { times.count }

    /// When the earliest free P is free.
    @inlinable var earliest: UInt64 {
        @inline(__always) get { times[unchecked: head] }  // head < count
    }

    /// A P free at ``earliest`` is busy until `end`, which is not before ``earliest``.
    @inline(__always)
    @inlinable mutating func occupyEarliest(until end: UInt64) {
        let n = times.count
        let latest = head == 0 ? n &- 1 : head &- 1  // head < n
        guard end >= times[unchecked: latest] else { return place(end) }
        times[unchecked: head] = end
        head = head &+ 1 == n ? 0 : head &+ 1
    }

    /// ``occupyEarliest(until:)`` when `end` is known to be no earlier than the latest
    /// time (an event that started no earlier than every P was free): the earliest P
    /// goes to the back, with no comparison.
    @inline(__always)
    @inlinable mutating func occupyEarliestLast(until end: UInt64) {
        assert(end >= times[(head + times.count - 1) % times.count], "an end before the latest P's")
        times[unchecked: head] = end  // head < count
        head = head &+ 1 == times.count ? 0 : head &+ 1
    }

    /// ``occupyEarliest(until:)`` when `end` is before the latest time: the times after
    /// the earliest that are before `end` move one place towards the head, and `end`
    /// takes the place they leave.
    @inline(never)
    @usableFromInline mutating func place(_ end: UInt64) {
        let n = times.count
        var i = head
        var next = i + 1 == n ? 0 : i + 1
        while next != head && times[next] < end {
            times[i] = times[next]
            i = next
            next = next + 1 == n ? 0 : next + 1
        }
        times[i] = end
    }

    /// Every P's free time, earliest first (for tests).
    @inlinable var ordered: [UInt64] {
        (0..<count).map { times[(head + $0) % count] }
    }
}
