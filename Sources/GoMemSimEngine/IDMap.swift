/// A map from trace-local ids (`RegionID`, goroutine ids) to table slots: open
/// addressing with linear probing over two flat arrays, deletion by backward shift
/// (no tombstones, so churn never degrades it).
///
/// The replay engine looks an id up on every heap event; `Dictionary` costs a generic
/// hash and a bounds-checked bucket walk per call, this costs a multiply and, at under
/// 50 % load, about one probe. Memory follows the number of live ids, not the trace.
struct IDMap {
    private var keys: [UInt64]
    /// `-1` marks an empty bucket.
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var buckets = 16
        while buckets < capacity * 2 { buckets *= 2 }
        keys = Array(repeating: 0, count: buckets)
        values = Array(repeating: -1, count: buckets)
        mask = buckets - 1
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        // Fibonacci hashing: sequential ids spread over the whole table.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    func find(_ key: UInt64) -> Int32? {
        var i = home(key)
        while true {
            let value = values[i]
            if value < 0 { return nil }
            if keys[i] == key { return value }
            i = (i + 1) & mask
        }
    }

    /// Inserts `key` (which must not be present).
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > mask + 1 { grow() }
        var i = home(key)
        while values[i] >= 0 { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
        count += 1
    }

    /// Removes `key` and returns its value, if present.
    @discardableResult
    mutating func remove(_ key: UInt64) -> Int32? {
        var i = home(key)
        while true {
            let value = values[i]
            if value < 0 { return nil }
            if keys[i] == key { break }
            i = (i + 1) & mask
        }
        let removed = values[i]
        // Backward-shift: pull later members of the probe run into the hole when the
        // hole lies between their home and their bucket.
        var hole = i
        var j = (i + 1) & mask
        while values[j] >= 0 {
            let h = home(keys[j])
            let distanceToJ = (j - h) & mask
            let distanceToHole = (hole - h) & mask
            if distanceToHole < distanceToJ {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        values[hole] = -1
        count -= 1
        return removed
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let buckets = (mask + 1) * 2
        keys = Array(repeating: 0, count: buckets)
        values = Array(repeating: -1, count: buckets)
        mask = buckets - 1
        count = 0
        for i in oldValues.indices where oldValues[i] >= 0 { insert(oldKeys[i], oldValues[i]) }
    }
}
