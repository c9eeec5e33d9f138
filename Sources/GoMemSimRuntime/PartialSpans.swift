import GoMemSimCore

/// Each span class's swept spans with free slots that no mcache holds
/// (`mcentral.partial[swept]`): a stack per class — a sweep pushes, a refill pops the
/// last pushed.
///
/// Linked through the span ids (``next``) under a head per class, not one array per
/// class: a push and a pop each kept two copy-on-write uniqueness checks (of the outer
/// and the class's array), ~1 per refill and sweep (callgrind). The runtime makes a
/// fresh one when it starts (its ``UnsafeTable``s are shared between copies).
struct PartialSpans {
    /// Each class's top span id, or -1. (A table, not an `InlineArray`, which callers
    /// copied to read.)
    private var heads = UnsafeTable<Int32>(repeating: -1, count: SpanClass.count)
    /// By span id: the span below it on its class's stack, or -1. Only read for spans
    /// on a stack.
    private var next = UnsafeTable<Int32>()

    /// Whether class `c` holds no span.
    @inline(__always)
    func isEmpty(_ c: Int) -> Bool { heads[c] < 0 }

    /// Pushes span `id` (not on any stack) onto class `c`'s.
    mutating func push(_ id: Int32, spanClass c: Int) {
        let i = Int(id)
        if i >= next.count { next.append(repeating: -1, count: i + 1 - next.count) }
        next[i] = heads[c]
        heads[c] = id
    }

    /// Takes class `c`'s last pushed span.
    @inline(__always)
    mutating func pop(_ c: Int) -> Int32? {
        let id = heads[c]
        guard id >= 0 else { return nil }
        heads[c] = next[Int(id)]
        return id
    }

    /// Empties every class.
    mutating func removeAll() {
        for c in 0..<SpanClass.count { heads[c] = -1 }
    }

    /// Class `c`'s spans from the bottom of its stack to the top (the next pop last).
    func list(_ c: Int) -> [Int32] {
        var ids: [Int32] = []
        var id = heads[c]
        while id >= 0 {
            ids.append(id)
            id = next[Int(id)]
        }
        return ids.reversed()
    }

    /// Reorders every class so that pops take the lowest id first.
    mutating func sortLowestIDOnTop() {
        for c in 0..<SpanClass.count where heads[c] >= 0 {
            let ids = list(c).sorted(by: >)
            heads[c] = -1
            for id in ids { push(id, spanClass: c) }
        }
    }
}
