/// A map from trace-local ids (`RegionID`) to table slots: open addressing with
/// linear probing over one flat array of (key, value) buckets — a lookup touches one
/// cache line — and deletion by backward shift (no tombstones, so churn never
/// degrades it).
///
/// The replay engine looks an id up on every heap event; `Dictionary` costs a generic
/// hash and a bucket walk per call, this costs a multiply and, at under 50 % load,
/// about one probe, in a bucket next to recently used ones. Memory follows the number
/// of live ids, not the trace.
@usableFromInline struct IDMap {
    @usableFromInline struct Bucket: BitwiseCopyable {
        @usableFromInline var key: UInt64
        /// `-1` marks an empty bucket.
        @usableFromInline var value: Int32

        @inlinable init(key: UInt64, value: Int32) {
            self.key = key
            self.value = value
        }
    }
    @usableFromInline var buckets: UnsafeTable<Bucket>
    @usableFromInline var mask: Int
    @usableFromInline var count = 0

    @inlinable init(capacity: Int = 1024) {
        var buckets = 16
        while buckets < capacity * 2 { buckets *= 2 }
        self.buckets = UnsafeTable(repeating: Bucket(key: 0, value: -1), count: buckets)
        mask = buckets - 1
    }

    @inline(__always)
    @inlinable func home(_ key: UInt64) -> Int {
        // Fibonacci hashing of the id's group of four spreads sequential ids over the
        // table, while the four ids of a group sit side by side in one 64-byte cache
        // line: a trace allocates and frees mostly in id order, so three of four
        // lookups hit a line the previous one loaded. (Keeping all ids in order would
        // make the live window one long cluster that deletion scans end to end.)
        let group = Int(truncatingIfNeeded: ((key >> 2) &* 0x9E37_79B9_7F4A_7C15) >> 32)
        return (group << 2 | Int(truncatingIfNeeded: key & 3)) & mask
    }

    @inline(__always)
    @inlinable func find(_ key: UInt64) -> Int32? {
        var i = home(key)
        while true {
            let bucket = buckets[i]
            if bucket.value < 0 { return nil }
            if bucket.key == key { return bucket.value }
            i = (i + 1) & mask
        }
    }

    /// Inserts `key` (which must not be present).
    @inlinable mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > mask + 1 { grow() }
        var i = home(key)
        while buckets[i].value >= 0 { i = (i + 1) & mask }
        buckets[i] = Bucket(key: key, value: value)
        count += 1
    }

    /// Removes `key` and returns its value, if present.
    @discardableResult
    @inlinable mutating func remove(_ key: UInt64) -> Int32? {
        var i = home(key)
        while true {
            let bucket = buckets[i]
            if bucket.value < 0 { return nil }
            if bucket.key == key { break }
            i = (i + 1) & mask
        }
        let removed = buckets[i].value
        // Backward-shift: pull later members of the probe run into the hole when the
        // hole lies between their home and their bucket.
        var hole = i
        var j = (i + 1) & mask
        while buckets[j].value >= 0 {
            let h = home(buckets[j].key)
            let distanceToJ = (j - h) & mask
            let distanceToHole = (hole - h) & mask
            if distanceToHole < distanceToJ {
                buckets[hole] = buckets[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        buckets[hole].value = -1
        count -= 1
        return removed
    }

    @inlinable mutating func grow() {
        let old = buckets
        buckets = UnsafeTable(repeating: Bucket(key: 0, value: -1), count: (mask + 1) * 2)
        mask = buckets.count - 1
        count = 0
        for i in old.indices where old[i].value >= 0 { insert(old[i].key, old[i].value) }
    }
}
