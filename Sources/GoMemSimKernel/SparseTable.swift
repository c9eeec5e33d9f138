/// A hash table from `UInt64` keys to non-zero `UInt64` values, for the model's sparse
/// page tables: only touched memory has an entry, so a 1 TiB reservation costs nothing.
///
/// Open addressing with linear probing and backward-shift deletion over one flat array
/// of (key, value) slots — one cache line per probe, no allocation per entry, no ARC
/// per lookup. The hash is a fixed
/// multiplicative one (not Swift's per-process seeded `Hasher`), so iteration order —
/// which decides, for example, which page reclaim takes first — is the same on every
/// run given the same operations. A value of 0 means "absent": storing 0 removes.
struct SparseTable {
    private struct Slot {
        var key: UInt64
        var value: UInt64
    }

    private static let emptyKey = UInt64.max
    private static let empty = Slot(key: emptyKey, value: 0)
    private var slots: [Slot]
    private(set) var count = 0
    private var shift: UInt64

    init() {
        slots = Array(repeating: Self.empty, count: 16)
        shift = 64 - 4
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The value for `key`, 0 when absent; setting 0 removes the key.
    @inline(__always)
    subscript(key: UInt64) -> UInt64 {
        get {
            let mask = slots.count - 1
            var i = home(key)
            while true {
                let slot = slots[i]
                if slot.key == key { return slot.value }
                if slot.key == Self.emptyKey { return 0 }
                i = (i + 1) & mask
            }
        }
        set { set(key, newValue) }
    }

    mutating func set(_ key: UInt64, _ value: UInt64) {
        let mask = slots.count - 1
        var i = home(key)
        while true {
            let k = slots[i].key
            if k == key {
                if value != 0 { slots[i].value = value } else { remove(at: i) }
                return
            }
            if k == Self.emptyKey { break }
            i = (i + 1) & mask
        }
        guard value != 0 else { return }
        slots[i] = Slot(key: key, value: value)
        count += 1
        if count * 2 > slots.count { grow() }
    }

    private mutating func remove(at slot: Int) {
        let mask = slots.count - 1
        var hole = slot
        var i = slot
        slots[hole] = Self.empty
        count -= 1
        // Backward shift: move a later entry of the probe run into the hole unless its
        // home lies cyclically in (hole, i].
        while true {
            i = (i + 1) & mask
            let k = slots[i].key
            if k == Self.emptyKey { return }
            let h = home(k)
            let staysPut = hole <= i ? (h > hole && h <= i) : (h > hole || h <= i)
            if staysPut { continue }
            slots[hole] = slots[i]
            slots[i] = Self.empty
            hole = i
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        shift -= 1
        count = 0
        for slot in old where slot.key != Self.emptyKey { set(slot.key, slot.value) }
    }

    /// The keys in `range`, in a deterministic order (ascending, or slot order for wide
    /// ranges). Steps through the range when it is smaller than the table, else scans
    /// the table: the cost is bounded by both, so the munmap of a 1 TiB reservation with
    /// little touched costs little.
    func keys(in range: Range<UInt64>) -> [UInt64] {
        var found: [UInt64] = []
        if range.upperBound - range.lowerBound <= UInt64(slots.count) {
            for key in range where self[key] != 0 { found.append(key) }
        } else {
            for slot in slots where slot.key != Self.emptyKey && range.contains(slot.key) { found.append(slot.key) }
        }
        return found
    }

    /// Every (key, value) in slot order — deterministic for a given operation history.
    func forEach(_ body: (UInt64, UInt64) throws -> Void) rethrows {
        for slot in slots where slot.key != Self.emptyKey { try body(slot.key, slot.value) }
    }

    /// Bytes the table holds.
    var footprintBytes: Int { slots.count * MemoryLayout<Slot>.stride }
}
