/// A hash table from `UInt64` keys to non-zero `UInt64` values, for the model's sparse
/// page tables: only touched memory has an entry, so a 1 TiB reservation costs nothing.
///
/// Open addressing with linear probing and backward-shift deletion over two flat
/// arrays: no allocation per entry, no ARC per lookup. The hash is a fixed
/// multiplicative one (not Swift's per-process seeded `Hasher`), so iteration order —
/// which decides, for example, which page reclaim takes first — is the same on every
/// run given the same operations. A value of 0 means "absent": storing 0 removes.
struct SparseTable {
    private static let emptyKey = UInt64.max
    private(set) var keys: [UInt64]
    private(set) var values: [UInt64]
    private(set) var count = 0
    private var shift: UInt64

    init() {
        keys = Array(repeating: Self.emptyKey, count: 16)
        values = Array(repeating: 0, count: 16)
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
            let mask = keys.count - 1
            var i = home(key)
            while true {
                let k = keys[i]
                if k == key { return values[i] }
                if k == Self.emptyKey { return 0 }
                i = (i + 1) & mask
            }
        }
        set { set(key, newValue) }
    }

    mutating func set(_ key: UInt64, _ value: UInt64) {
        let mask = keys.count - 1
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key {
                if value != 0 { values[i] = value } else { remove(at: i) }
                return
            }
            if k == Self.emptyKey { break }
            i = (i + 1) & mask
        }
        guard value != 0 else { return }
        keys[i] = key
        values[i] = value
        count += 1
        if count * 2 > keys.count { grow() }
    }

    private mutating func remove(at slot: Int) {
        let mask = keys.count - 1
        var hole = slot
        var i = slot
        keys[hole] = Self.emptyKey
        values[hole] = 0
        count -= 1
        // Backward shift: move a later entry of the probe run into the hole unless its
        // home lies cyclically in (hole, i].
        while true {
            i = (i + 1) & mask
            let k = keys[i]
            if k == Self.emptyKey { return }
            let h = home(k)
            let staysPut = hole <= i ? (h > hole && h <= i) : (h > hole || h <= i)
            if staysPut { continue }
            keys[hole] = k
            values[hole] = values[i]
            keys[i] = Self.emptyKey
            values[i] = 0
            hole = i
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: Self.emptyKey, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        shift -= 1
        count = 0
        for i in oldKeys.indices where oldKeys[i] != Self.emptyKey {
            set(oldKeys[i], oldValues[i])
        }
    }

    /// The keys in `range`, in a deterministic order (ascending, or slot order for wide
    /// ranges). Steps through the range when it is smaller than the table, else scans
    /// the table: the cost is bounded by both, so the munmap of a 1 TiB reservation with
    /// little touched costs little.
    func keys(in range: Range<UInt64>) -> [UInt64] {
        var found: [UInt64] = []
        if range.count <= keys.count {
            for key in range where self[key] != 0 { found.append(key) }
        } else {
            for k in keys where k != Self.emptyKey && range.contains(k) { found.append(k) }
        }
        return found
    }

    /// Every (key, value) in slot order — deterministic for a given operation history.
    func forEach(_ body: (UInt64, UInt64) throws -> Void) rethrows {
        for i in keys.indices where keys[i] != Self.emptyKey { try body(keys[i], values[i]) }
    }

    /// Bytes the table holds.
    var footprintBytes: Int { keys.count * 16 }
}
