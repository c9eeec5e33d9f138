/// `gcAssistBytes` of every goroutine (mgcmark.go `gcAssistAlloc`): its allocation credit
/// in the cycle in progress (negative: debt); 0 until it allocates during the cycle.
///
/// Indexed by goroutine id, since trace goroutine ids are small and dense and the mark
/// phase reads and writes the allocating goroutine's balance on every allocation (hashing
/// the id into a dictionary cost ~3 % of the allocator bench, whose two goroutines take
/// turns). Each entry carries the cycle it was written in, so a new cycle resets every
/// balance at once. Ids from ``denseLimit`` on live in a dictionary.
struct AssistBalances {
    /// Ids below this are stored densely (at most 1 MiB of entries).
    static let denseLimit: UInt32 = 1 << 16

    private struct Entry {
        var cycle: UInt64 = 0
        var balance: Int64 = 0
    }

    private var dense: [Entry] = []
    private var sparse: [UInt32: Int64] = [:]
    /// Entries written in another cycle count as 0.
    private var cycle: UInt64 = 1

    subscript(goroutine: UInt32) -> Int64 {
        @inline(__always) get {
            guard goroutine < Self.denseLimit else { return sparse[goroutine, default: 0] }
            let i = Int(goroutine)
            guard i < dense.count, dense[i].cycle == cycle else { return 0 }
            return dense[i].balance
        }
        @inline(__always) set {
            guard goroutine < Self.denseLimit else { sparse[goroutine] = newValue; return }
            let i = Int(goroutine)
            if i >= dense.count { dense += repeatElement(Entry(), count: i + 1 - dense.count) }
            dense[i] = Entry(cycle: cycle, balance: newValue)
        }
    }

    /// Every goroutine's balance back to 0 (a new cycle).
    mutating func resetAll() {
        cycle += 1
        sparse.removeAll(keepingCapacity: true)
    }
}
