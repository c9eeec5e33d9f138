import GoMemSimCore

/// A map from trace-local ids (`RegionID`) to table slots: open addressing with
/// linear probing over one flat array of (key, value) buckets — a lookup touches one
/// cache line — kept in Robin Hood order: along a probe run, entries sit in order of
/// their home bucket, each bucket recording how far it is from its home.
///
/// Why Robin Hood: a lookup of an absent id (every `alloc` checks its id is not live)
/// stops as soon as it passes entries closer to their home than it would be, and
/// deletion shifts back only the entries displaced from their home, stopping at the
/// first one that sits at home — with ids grouped four to a cache line (see
/// ``home(_:)``), usually the next bucket. Plain linear probing had to scan each run
/// to its end (measured: ~200 instructions per `free` at 10 k live ids, now ~60).
/// No tombstones, so churn never degrades it.
///
/// It holds the ids ``RegionIDMap``'s ring has no room for (the stragglers: ids long
/// live while later ones churn, ids in no order). `Dictionary` costs a generic hash and
/// a bucket walk per call, this costs a multiply and, at most 75 % load, about one
/// probe, in a bucket next to recently used ones. Memory follows the number of live
/// ids, not the trace.
///
/// Each bucket also carries a ``Summary`` of its region (size, kind, address): the
/// replay engine's range check and access then read the bucket the lookup already
/// loaded instead of the region's slot — one cache miss per random access instead of
/// two (measured with callgrind/perf, see ``RegionTable``).
@usableFromInline struct IDMap {
    /// The fields of a region a lookup needs, kept next to its key.
    @usableFromInline struct Summary: BitwiseCopyable {
        /// Size in the low 62 bits (admission caps sizes at 2⁴⁸); bit 63: a mapping;
        /// bit 62: a heap object that holds pointers (scan).
        @usableFromInline var sizeAndKind: UInt64
        /// The region's address once its `alloc`/`mmap` has executed, else 0.
        @usableFromInline var address: UInt64

        @inlinable init(size: UInt64, isMapping: Bool, scan: Bool, address: UInt64 = 0) {
            sizeAndKind = size & Self.sizeMask | (isMapping ? 1 << 63 : 0) | (scan ? 1 << 62 : 0)
            self.address = address
        }

        @inlinable static var sizeMask: UInt64 { (1 << 62) - 1 }
        @inlinable var size: UInt64 { sizeAndKind & Self.sizeMask }
        @inlinable var isMapping: Bool { sizeAndKind >> 63 != 0 }
        @inlinable var scan: Bool { sizeAndKind >> 62 & 1 != 0 }
    }

    /// 32 bytes: two buckets to a 64-byte cache line.
    @usableFromInline struct Bucket: BitwiseCopyable {
        @usableFromInline var key: UInt64
        @usableFromInline var summary: Summary
        /// `-1` marks an empty bucket.
        @usableFromInline var value: Int32
        /// How many buckets past its home the entry sits (fills the bucket's padding).
        @usableFromInline var distance: UInt32

        @inlinable init(key: UInt64, value: Int32, summary: Summary, distance: UInt32 = 0) {
            self.key = key
            self.summary = summary
            self.value = value
            self.distance = distance
        }
    }
    @usableFromInline var buckets: UnsafeTable<Bucket>
    /// ``buckets``' first bucket, set with it: the probes read it with one load, not the
    /// table's storage and then its base.
    @usableFromInline var base: UnsafeMutablePointer<Bucket>
    @usableFromInline var mask: Int
    /// 64 − log2(bins): the shift that leaves a product's top bits as a bin index.
    @usableFromInline var binShift: UInt64
    @usableFromInline var count = 0
    /// The count at which the next insertion grows the table: 75 % load (see
    /// ``insert(_:_:summary:)``), kept rather than recomputed per insertion.
    @usableFromInline var growthLimit: Int

    /// log2 of the ids in a block, and of the buckets in a bin (see ``home(_:)``).
    @inlinable static var blockShift: UInt64 { 3 }
    @inlinable static var blockMask: UInt64 { (1 << blockShift) - 1 }
    /// 2⁶⁴ / φ, odd: Knuth's multiplier for Fibonacci hashing (see ``home(_:)``).
    @inlinable static var fibonacci: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    @inlinable init(capacity: Int = 1024) {
        var buckets = 2 << Self.blockShift  // at least two bins
        while buckets < capacity * 2 { buckets *= 2 }
        let table = UnsafeTable(repeating: Self.empty, count: buckets)
        self.buckets = table
        base = table.base
        mask = buckets - 1
        binShift = 64 - (UInt64(buckets.trailingZeroBitCount) - Self.blockShift)
        growthLimit = buckets / 4 * 3
    }

    @inlinable static var empty: Bucket {
        Bucket(key: 0, value: -1, summary: Summary(size: 0, isMapping: false, scan: false))
    }

    /// Where `key` sits when nothing displaced it.
    ///
    /// Ids come in blocks of 8 (`key >> 3`), buckets in bins of 8 (256 bytes, four
    /// cache lines): a block's ids have their homes in one bin, each at its own place,
    /// and Fibonacci hashing of the block number picks the bin. A trace numbers objects
    /// in allocation order and usually frees them in about that order, so consecutive
    /// lookups walk a bin line after line instead of landing on a random line of a
    /// table that, at a million live ids, is 64 MiB: there every lookup missed the cache
    /// and the TLB, measured at a third of a gc-grid S=64 replay.
    ///
    /// The product's *top* bits pick the bin: they spread consecutive blocks evenly
    /// over the table (Knuth's multiplicative hashing), and strided ids too (every
    /// 2²⁰th id a little less well: 3.2 buckets from home, see the tests). Within its bin an id is rotated by other bits of the same
    /// product, so ids sparse in their blocks still spread over all the bin's buckets.
    /// Why 8 and not 16: two live blocks can share a bin, and the second then spills
    /// into the next; at 16 that spill made a 10 k-live churn 15 % slower (consecutive
    /// ids at 61 % load sat 0.13 buckets from home on average) and full blocks of ids
    /// scattered at random sit 4.5 from home, at 8 they sit 2.4 and the churn is as fast
    /// as with the old pairs, while gc-grid keeps most of the gain. (Keeping all ids in
    /// order with no hashing would make the live window one long cluster.)
    @inline(__always)
    @inlinable func home(_ key: UInt64) -> Int {
        let product = (key >> Self.blockShift) &* Self.fibonacci
        let bin = product &>> binShift  // binShift < 64: no oversized-shift check
        let place = (key &+ product >> 32) & Self.blockMask
        return Int(truncatingIfNeeded: bin << Self.blockShift | place)
    }

    /// The bucket holding `key`, if present.
    @inline(__always)
    @inlinable func index(of key: UInt64) -> Int? {
        // Through the base pointer: every index is masked into the table, so the
        // subscript's two bounds checks per probe bought nothing.
        var i = home(key)
        var distance: UInt32 = 0
        while true {
            let bucket = base + i
            // An empty bucket, or one closer to its home than `key` would be here:
            // Robin Hood order puts `key` before either.
            if bucket.pointee.value < 0 || bucket.pointee.distance < distance { return nil }
            if bucket.pointee.key == key { return i }
            i = (i &+ 1) & mask
            distance &+= 1
        }
    }

    @inline(__always)
    @inlinable func find(_ key: UInt64) -> Int32? {
        guard let i = index(of: key) else { return nil }
        return buckets[i].value
    }

    /// Inserts `key` (which must not be present) with an empty summary.
    @inlinable mutating func insert(_ key: UInt64, _ value: Int32) {
        insert(key, value, summary: Summary(size: 0, isMapping: false, scan: false))
    }

    /// Inserts `key` (which must not be present).
    @inlinable mutating func insert(_ key: UInt64, _ value: Int32, summary: Summary) {
        // Up to 75 % load: Robin Hood keeps probe runs short there, and with 32-byte
        // buckets 10 k live ids then take 512 KiB, not 1 MiB (a core's L2 on the
        // measuring machine).
        if count >= growthLimit { grow() }
        var entry = Bucket(key: key, value: value, summary: summary)
        var i = home(key)
        while buckets[i].value >= 0 {
            // Take the place of an entry nearer its home; carry it on.
            if buckets[i].distance < entry.distance { swap(&entry, &buckets[i]) }
            i = (i + 1) & mask
            entry.distance += 1
        }
        buckets[i] = entry
        count &+= 1  // at most the table's size
    }

    /// Inserts `key` unless it is present, in one probe (the replay engine checks that
    /// an allocated id is not live and inserts it: one pass instead of two). Returns the
    /// bucket `key` now occupies — valid until the next insertion or removal — or `nil`
    /// when `key` was present (the map is then unchanged, but for growing).
    @inline(__always)
    @inlinable mutating func insertNew(_ key: UInt64, _ value: Int32, summary: Summary) -> Int? {
        if count >= growthLimit { grow() }
        // Masked indices: see ``index(of:)``.
        var i = home(key)
        var distance: UInt32 = 0
        // Robin Hood order: `key`, if present, lies before the first bucket nearer its
        // home than `key` would be; that bucket (or the first empty one) is its place.
        while base[i].value >= 0 && base[i].distance >= distance {
            if base[i].key == key { return nil }
            i = (i &+ 1) & mask
            distance &+= 1  // at most the table's size
        }
        let placed = i
        if base[i].value >= 0 { displace(from: i) }
        base[i] = Bucket(key: key, value: value, summary: summary, distance: distance)
        count &+= 1  // at most the table's size
        return placed
    }

    /// Moves the entries from bucket `i` up to the next empty one a bucket further from
    /// home, freeing `i` (an insertion taking the place of an entry nearer its home:
    /// Robin Hood order is kept, as each moved entry stays behind the one before it).
    @inline(never)
    @usableFromInline mutating func displace(from i: Int) {
        var end = i
        while base[end].value >= 0 { end = (end &+ 1) & mask }
        while end != i {
            let previous = (end &- 1) & mask
            base[end] = base[previous]
            base[end].distance &+= 1  // at most the table's size
            end = previous
        }
    }

    /// Removes `key` and returns its value, if present.
    @discardableResult
    @inlinable mutating func remove(_ key: UInt64) -> Int32? {
        guard let i = index(of: key) else { return nil }
        return remove(at: i)
    }

    /// Removes the entry in bucket `i` (from ``index(of:)`` with no change since) and
    /// returns its value.
    @discardableResult
    @inline(__always)
    @inlinable mutating func remove(at i: Int) -> Int32 {
        // Masked indices: see ``index(of:)``.
        var hole = i
        let removed = base[hole].value
        // Backward shift: pull each following displaced entry one bucket nearer its
        // home, up to an empty bucket or an entry already at home.
        // Masked indices wrap around the table (and no entry is 2⁶³ buckets from home).
        var next = (hole &+ 1) & mask
        while base[next].value >= 0 && base[next].distance > 0 {
            base[hole] = base[next]
            base[hole].distance &-= 1  // > 0
            hole = next
            next = (next &+ 1) & mask
        }
        base[hole].value = -1
        count &-= 1  // an entry was there
        return removed
    }

    @inlinable mutating func grow() {
        let old = buckets
        buckets = UnsafeTable(repeating: Self.empty, count: (mask + 1) * 2)
        base = buckets.base
        mask = buckets.count - 1
        binShift -= 1
        growthLimit = buckets.count / 4 * 3
        count = 0
        for i in old.indices where old[i].value >= 0 { insert(old[i].key, old[i].value, summary: old[i].summary) }
    }
}
