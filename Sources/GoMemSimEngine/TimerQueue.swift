/// The engine's discrete-event queue: timers ordered by (time, sequence number).
///
/// A binary min-heap over a flat array. The sequence number is handed out at `push`,
/// so two timers due at the same virtual nanosecond fire in the order they were armed:
/// the replay stays deterministic whatever the heap's internal layout.
///
/// ```
/// var queue = TimerQueue()
/// queue.push(at: 20, .sample)
/// queue.push(at: 10, .runtimeDeadline)
/// queue.pop()   // (10, seq 1, .runtimeDeadline)
/// ```
///
/// Invariant: `timers[i]` orders at or before both its children `timers[2i+1]`,
/// `timers[2i+2]` (see ``checkInvariants()``).
@usableFromInline struct TimerQueue {
    @usableFromInline enum Kind: UInt8 {
        /// A periodic sample of the memory figures (`RunConfig.sampleIntervalNs`).
        case sample
        /// The runtime model's `nextDeadline` (background GC, sweeping, scavenging).
        case runtimeDeadline
    }

    @usableFromInline struct Timer: Equatable {
        @usableFromInline var time: UInt64
        @usableFromInline var seq: UInt64
        @usableFromInline var kind: Kind

        @inlinable init(time: UInt64, seq: UInt64, kind: Kind) {
            self.time = time
            self.seq = seq
            self.kind = kind
        }

        @inline(__always)
        @inlinable func orders(before other: Timer) -> Bool {
            time != other.time ? time < other.time : seq < other.seq
        }
    }

    @usableFromInline var timers: [Timer] = []
    @usableFromInline var nextSeq: UInt64 = 0
    /// The most timers queued at once (the engine keeps one sample and about one runtime
    /// timer; tests check it stays so).
    @usableFromInline var peakCount = 0
    /// When the first timer is due (`UInt64.max`: none): the engine compares it with the
    /// time of every event, a load and a compare instead of reading the optional first.
    @usableFromInline var nextTime = UInt64.max

    @inlinable var isEmpty: Bool { timers.isEmpty }
    @inlinable var count: Int { timers.count }
    @inlinable var first: Timer? { timers.first }

    @inlinable mutating func push(at time: UInt64, _ kind: Kind) {
        timers.append(Timer(time: time, seq: nextSeq, kind: kind))
        nextSeq += 1
        peakCount = max(peakCount, timers.count)
        var child = timers.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard timers[child].orders(before: timers[parent]) else { break }
            timers.swapAt(child, parent)
            child = parent
        }
        nextTime = timers[0].time
    }

    @discardableResult
    @inlinable mutating func pop() -> Timer? {
        let top = removeFirst()
        nextTime = timers.first?.time ?? .max
        return top
    }

    @inlinable mutating func removeFirst() -> Timer? {
        guard let top = timers.first else { return nil }
        let last = timers.removeLast()
        guard !timers.isEmpty else { return top }
        timers[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < timers.count, timers[left].orders(before: timers[smallest]) { smallest = left }
            if right < timers.count, timers[right].orders(before: timers[smallest]) { smallest = right }
            guard smallest != parent else { break }
            timers.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    /// Whether the heap property holds everywhere (for tests).
    @inlinable func checkInvariants() -> Bool {
        timers.indices.allSatisfy { i in
            [2 * i + 1, 2 * i + 2].allSatisfy { c in c >= timers.count || !timers[c].orders(before: timers[i]) }
        }
    }
}
