import GoMemSimCore

/// The map from trace ids to live regions: a ring of recent ids, indexed by the id's
/// low bits, with an ``IDMap`` (a hash map) for the stragglers the ring had no room for.
///
/// Why: traces number objects in allocation order and usually free them in about that
/// order, so the live ids are mostly a window of recent ones. With a ring of `R ≥` the
/// live count entries, id `n` sits in entry `n mod R`, whose previous tenant (`n − R`
/// and earlier) is long dead: a lookup, an insertion and a removal are one entry, no
/// hashing, no probing and no shifting (callgrind, allocator replay at 10 k live ids:
/// the hash map alone cost ~90 instructions per `alloc` + `free`; the replay went from
/// 721.5 to 658.6 per pair).
///
/// Exact for any order: when a new id's entry holds another live id, that one moves to
/// the stragglers, and the entry counts it (``IDMap/Bucket/stragglers``); a lookup that
/// misses in the ring asks the stragglers only if its entry counts any. So an absent id
/// (every `alloc` checks its id is not live) is usually one compare.
///
/// Memory follows the number of live ids, not the id range: the ring grows (doubles) at
/// 75 % load, as the hash map does, and the stragglers are at most the live ids. On
/// growth each ring entry moves to its new place (two old tenants never share one: ids
/// equal modulo `2R` are equal modulo `R`) and stragglers move back into the ring where
/// their new entry is free.
///
/// Each entry is an ``IDMap/Bucket`` — key, region ``IDMap/Summary``, value — in both
/// parts, so a lookup's result (an ``Entry``) reads the same either way.
@usableFromInline struct RegionIDMap {
    /// A live id's entry: valid until the next insertion or removal.
    @usableFromInline typealias Entry = UnsafeMutablePointer<IDMap.Bucket>

    @usableFromInline var ring: UnsafeTable<IDMap.Bucket>
    /// ``ring``'s first entry (one load per lookup, not the table's storage then its base).
    @usableFromInline var ringBase: UnsafeMutablePointer<IDMap.Bucket>
    /// `R − 1`: an id's entry is `id & ringMask`.
    @usableFromInline var ringMask: Int
    /// Live ids whose ring entry holds another live id.
    @usableFromInline var stragglers = IDMap(capacity: 8)
    /// Live ids, in the ring and among the stragglers.
    @usableFromInline var count = 0
    /// The count at which the next insertion grows the ring: 75 % of it.
    @usableFromInline var growthLimit: Int

    @inlinable init(capacity: Int = 1024) {
        var entries = 16
        while entries / 4 * 3 < capacity { entries *= 2 }
        ring = UnsafeTable(repeating: IDMap.empty, count: entries)
        ringBase = ring.base
        ringMask = entries - 1
        growthLimit = entries / 4 * 3
    }

    /// The ring entry of `key`: its place whether or not it holds `key`.
    @inline(__always)
    @inlinable func ringEntry(of key: UInt64) -> Entry {
        ringBase + (Int(truncatingIfNeeded: key) & ringMask)  // masked: in the ring
    }

    /// The entry of live `key`, if live. (`mutating`, though it changes nothing: so the
    /// map is passed to ``straggler(_:)`` by address; passed by value, its 13 words were
    /// copied to the stack on every lookup, hit or not.)
    @inline(__always)
    @inlinable mutating func entry(of key: UInt64) -> Entry? {
        let entry = ringEntry(of: key)
        if entry.pointee.key == key && entry.pointee.value >= 0 { return entry }
        guard entry.pointee.stragglers != 0 else { return nil }
        return straggler(key)
    }

    /// The entry of `key` among the stragglers, if there.
    @inline(never)
    @usableFromInline mutating func straggler(_ key: UInt64) -> Entry? {
        guard let i = stragglers.index(of: key) else { return nil }
        return stragglers.base + i
    }

    /// The value of live `key`, if live.
    @inlinable mutating func find(_ key: UInt64) -> Int32? { entry(of: key)?.pointee.value }

    /// Inserts `key` unless it is live: returns its entry, or `nil` when `key` was live
    /// (the map is then unchanged, but for growing). `value` must not be negative.
    @inline(__always)
    @inlinable mutating func insertNew(_ key: UInt64, _ value: Int32, summary: IDMap.Summary) -> Entry? {
        if count >= growthLimit { grow() }
        let entry = ringEntry(of: key)
        if entry.pointee.value >= 0 || entry.pointee.stragglers != 0 {
            guard makeRoom(for: key, in: entry) else { return nil }
        }
        entry.pointee = IDMap.Bucket(key: key, value: value, summary: summary, distance: entry.pointee.distance)
        count &+= 1  // at most the ring's size plus the stragglers'
        return entry
    }

    /// Readies ring entry `entry` for `key`: `false` if `key` is live (in the entry or
    /// among the stragglers); else a live tenant moves to the stragglers.
    @inline(never)
    @usableFromInline mutating func makeRoom(for key: UInt64, in entry: Entry) -> Bool {
        let tenant = entry.pointee
        if tenant.value >= 0 && tenant.key == key { return false }
        if tenant.stragglers != 0 && stragglers.index(of: key) != nil { return false }
        if tenant.value >= 0 {
            stragglers.insert(tenant.key, tenant.value, summary: tenant.summary)
            entry.pointee.stragglers &+= 1  // at most the live ids
            entry.pointee.value = -1
        }
        return true
    }

    /// Removes the id of `entry` (from ``entry(of:)`` or ``insertNew(_:_:summary:)``,
    /// nothing changed since) and returns its value.
    @discardableResult
    @inline(__always)
    @inlinable mutating func remove(_ entry: Entry) -> Int32 {
        let removed = entry.pointee.value
        count &-= 1  // it was live
        // In the ring: its byte offset from the ring's start is below the ring's size
        // (a straggler's entry, in another allocation, is below the ring or beyond it).
        let offset = UInt(bitPattern: Int(bitPattern: entry) &- Int(bitPattern: ringBase))
        if offset <= UInt(truncatingIfNeeded: ringMask) &* UInt(MemoryLayout<IDMap.Bucket>.stride) {
            entry.pointee.value = -1  // its straggler count stays
        } else {
            removeStraggler(entry)
        }
        return removed
    }

    @inline(never)
    @usableFromInline mutating func removeStraggler(_ entry: Entry) {
        let key = entry.pointee.key
        stragglers.remove(at: stragglers.base.distance(to: entry))
        ringEntry(of: key).pointee.stragglers &-= 1  // it counted `key`
    }

    /// Removes `key` and returns its value, if live.
    @discardableResult
    @inlinable mutating func remove(_ key: UInt64) -> Int32? {
        guard let entry = entry(of: key) else { return nil }
        return remove(entry)
    }

    /// Starts loading the ring entry of `key` (an id some records ahead; see
    /// ``RegionTable/prefetch(after:)``).
    @inline(__always)
    @inlinable func prefetch(_ key: UInt64) {
        GoMemSimCore.prefetch(UnsafeRawPointer(ringEntry(of: key)))
    }

    /// The address of live `key` if its ring entry holds it and its `alloc` has run, else
    /// 0 — a guess for host prefetching only (a straggler is not looked for). One load of
    /// an entry ``prefetch(_:)`` usually brought in records ago.
    @inline(__always)
    @inlinable func addressInRing(_ key: UInt64) -> UInt64 {
        let entry = ringEntry(of: key)
        return entry.pointee.key == key && entry.pointee.value >= 0 ? entry.pointee.summary.address : 0
    }

    /// Doubles the ring; stragglers whose new entry is free move into it.
    @inline(never)
    @usableFromInline mutating func grow() {
        let old = ring, oldStragglers = stragglers
        ring = UnsafeTable(repeating: IDMap.empty, count: old.count * 2)
        ringBase = ring.base
        ringMask = ring.count - 1
        growthLimit = ring.count / 4 * 3
        stragglers = IDMap(capacity: 8)
        for i in old.indices where old[i].value >= 0 {
            var tenant = old[i]
            tenant.stragglers = 0
            ringEntry(of: tenant.key).pointee = tenant
        }
        for i in oldStragglers.buckets.indices where oldStragglers.buckets[i].value >= 0 {
            let straggler = oldStragglers.buckets[i]
            let entry = ringEntry(of: straggler.key)
            if entry.pointee.value < 0 {
                entry.pointee = IDMap.Bucket(key: straggler.key, value: straggler.value, summary: straggler.summary,
                                             distance: entry.pointee.distance)
            } else {
                stragglers.insert(straggler.key, straggler.value, summary: straggler.summary)
                entry.pointee.stragglers &+= 1
            }
        }
    }
}

extension IDMap.Bucket {
    /// In a ``RegionIDMap`` ring entry: how many live ids with this entry's place are
    /// among the stragglers (the field a hash bucket uses for its distance from home).
    @inlinable var stragglers: UInt32 {
        get { distance }
        set { distance = newValue }
    }
}
