/// `gcAssistBytes` of every goroutine (mgcmark.go `gcAssistAlloc`): its allocation credit
/// in the cycle in progress (negative: debt); 0 until it allocates during the cycle.
///
/// The mark phase reads and writes the allocating goroutine's balance on every
/// allocation, so the lookup is cheap: the last goroutine's balance is held inline (a
/// trace's allocations come in runs from one goroutine), the others in an array indexed
/// by goroutine id (trace ids are small and dense; hashing the id into a dictionary cost
/// ~3 % of the allocator bench, whose two goroutines take turns). Each array entry
/// carries the cycle it was written in, so a new cycle resets every balance at once. Ids
/// from ``denseLimit`` on live in a dictionary.
struct AssistBalances {
    /// Ids below this are stored densely (at most 1 MiB of entries).
    static let denseLimit: UInt32 = 1 << 16

    private struct Entry {
        var cycle: UInt64 = 0
        var balance: Int64 = 0
    }

    /// The goroutine accessed last and its balance (not yet in `dense` or `sparse`).
    private var lastGoroutine: UInt32 = 0
    private var lastBalance: Int64 = 0
    private var dense: [Entry] = []
    private var sparse: [UInt32: Int64] = [:]
    /// Entries written in another cycle count as 0.
    private var cycle: UInt64 = 1

    subscript(goroutine: UInt32) -> Int64 {
        @inline(__always) get {
            goroutine == lastGoroutine ? lastBalance : stored(goroutine)
        }
        @inline(__always) set {
            if goroutine != lastGoroutine {
                store(lastBalance, of: lastGoroutine)
                lastGoroutine = goroutine
            }
            lastBalance = newValue
        }
    }

    /// Every goroutine's balance back to 0 (a new cycle).
    mutating func resetAll() {
        cycle += 1
        sparse.removeAll(keepingCapacity: true)
        lastBalance = 0
    }

    private func stored(_ goroutine: UInt32) -> Int64 {
        guard goroutine < Self.denseLimit else { return sparse[goroutine, default: 0] }
        let i = Int(goroutine)
        guard i < dense.count, dense[i].cycle == cycle else { return 0 }
        return dense[i].balance
    }

    private mutating func store(_ balance: Int64, of goroutine: UInt32) {
        guard goroutine < Self.denseLimit else { sparse[goroutine] = balance; return }
        let i = Int(goroutine)
        if i >= dense.count { dense += repeatElement(Entry(), count: i + 1 - dense.count) }
        dense[i] = Entry(cycle: cycle, balance: balance)
    }
}
