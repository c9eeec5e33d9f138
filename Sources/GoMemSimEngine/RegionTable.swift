import GoMemSimCore
import GoMemSimTrace

/// The trace's live regions — heap objects (`alloc`) and memory mappings (`mmap`) —
/// by trace id, in flat slots.
///
/// Ids are resolved when a record is *admitted* (read, in file order); the record then
/// carries the slot, not the id. So an id can be freed and reused while records of its
/// previous life still wait in the lookahead, and a slot is recycled only when its last
/// admitted record has *executed*.
///
/// Each slot also orders the records that touch it: admission hands out tickets
/// 0, 1, 2… (`admitted`), and a record may execute only when `executed` equals its
/// ticket. Records touching the same object therefore keep their file order even when
/// the scheduler reorders goroutines by time — the trace has no synchronisation
/// events, and a goroutine can only have reached another's object through one.
///
/// The id map's entries repeat each live region's size, kind and address (an
/// ``IDMap/Summary``), so admission validates a record, and a record executed at once
/// (nothing queued) reaches its address, from the entry its lookup loaded: with
/// thousands of live objects a random access then costs one cache miss, not two (the
/// slot was the second). Slots remain the truth for records executed from the queue.
///
/// A region whose records have all run at once has no slot (``noSlot`` in the id map):
/// the entry holds everything such a record needs, and writing a slot per allocation
/// touched one more cold line per event at a million live objects. The first queued
/// record that names the region gives it one, filled from the entry (``find(_:)``).
@usableFromInline struct RegionTable {
    @usableFromInline struct Region: BitwiseCopyable {
        /// Object size, or mapped length for a mapping.
        @usableFromInline var size: UInt64 = 0
        /// Assigned when the `alloc`/`mmap` executes.
        @usableFromInline var address: UInt64 = 0
        @usableFromInline var isMapping = false
        @usableFromInline var scan = false
        /// The id no longer names this slot (its `free` or whole `munmap` was admitted).
        @usableFromInline var dead = false
        /// Tickets handed out to admitted records. 32 bits, wrapping: at most
        /// `lookaheadCapacity` records are pending, so tickets compare correctly modulo
        /// 2³², and a slot fits half a cache line.
        @usableFromInline var admitted: UInt32 = 0
        /// Records executed.
        @usableFromInline var executed: UInt32 = 0

        @inlinable init(size: UInt64, isMapping: Bool, scan: Bool) {
            self.size = size
            self.isMapping = isMapping
            self.scan = scan
        }
    }

    @usableFromInline var ids = RegionIDMap()
    @usableFromInline var slots = UnsafeTable<Region>()
    @usableFromInline var freeSlots = UnsafeTable<Int32>()

    @inlinable init() {}

    /// Slots in use (live ids plus dead ones still referenced by pending records).
    @inlinable var slotsInUse: Int { slots.count - freeSlots.count }

    /// The id map's value for a live id whose region has no slot: its records so far
    /// all executed at once (see ``createUnslotted(id:size:scan:)``). A slot is ≥ 0 and
    /// an empty entry −1.
    @inlinable static var noSlot: Int32 { .max }

    /// The slot of live `id`, if it has one.
    @inlinable mutating func slot(of id: RegionID) -> Int32? { ids.find(id).flatMap { $0 == Self.noSlot ? nil : $0 } }

    /// The slot of live `id` (given one now if it had none) and its summary, read from
    /// one id map entry, and that entry (valid until the next ``create`` or ``kill``).
    @inline(__always)
    @inlinable mutating func find(_ id: RegionID) -> (slot: Int32, summary: IDMap.Summary, entry: RegionIDMap.Entry)? {
        guard let entry = ids.entry(of: id) else { return nil }
        let slot = entry.pointee.value == Self.noSlot ? giveSlot(entry: entry) : entry.pointee.value
        return (slot, entry.pointee.summary, entry)
    }

    /// A slot for the unslotted region of id map entry `entry`, from its summary: nothing
    /// of it is pending, so its tickets start afresh.
    @inline(never)
    @usableFromInline mutating func giveSlot(entry: RegionIDMap.Entry) -> Int32 {
        let summary = entry.pointee.summary
        var region = Region(size: summary.size, isMapping: summary.isMapping, scan: summary.scan)
        region.address = summary.address
        let slot = newSlot(region)
        entry.pointee.value = slot
        return slot
    }

    /// A free slot holding `region`.
    @inline(__always)
    @inlinable mutating func newSlot(_ region: Region) -> Int32 {
        if let slot = freeSlots.popLast() {
            slots[Int(slot)] = region
            return slot
        }
        slots.append(region)
        return Int32(slots.count - 1)
    }

    /// How far ahead of an id ``prefetch(after:)`` looks: far enough for a DRAM miss to
    /// be covered by the records between.
    @inlinable static var prefetchDistance: UInt64 { 16 }

    /// Prefetches the id map entry of the id ``prefetchDistance`` past `id`. Traces
    /// number objects in allocation order, and many programs free them roughly in that
    /// order too (rings, queues, caches evicting the oldest): the `alloc` or `free` some
    /// records later is then likely to look that id up, in the ring entry prefetched.
    /// With a large live set each lookup is otherwise a DRAM miss (measured with the
    /// hash map alone: 35 % of a gc-grid S=64 replay); a wrong guess costs a wasted line
    /// fetch, never a result.
    @inline(__always)
    @inlinable func prefetch(after id: RegionID) {
        ids.prefetch(id &+ Self.prefetchDistance)
    }

    /// How far ahead of a `free`'s id ``Engine/prefetchRelease(after:)`` names objects to
    /// the runtime (see ``RuntimeModel/prefetchReleases(later:sooner:)``): the farther's
    /// ring entry was prefetched ``prefetchDistance`` − 12 = 4 frees before, and each of
    /// the runtime's two dependent loads (page record, then bitmap word) gets 6 frees to
    /// arrive. Measured at a million live objects: 12 and 6 beat 8 and 4, where the page
    /// record still stalled the bitmap word's prefetch.
    @inlinable static var releaseLeadLater: UInt64 { 12 }
    @inlinable static var releaseLeadSooner: UInt64 { 6 }

    /// Records the address the `alloc`/`mmap` of `slot` (named `id` when admitted) got:
    /// in the slot, and in the id's entry if the id still names that slot (it may have
    /// been freed and reused while the record waited).
    @inline(__always)
    @inlinable mutating func setAddress(_ address: UInt64, slot: Int32, id: RegionID) {
        slots[Int(slot)].address = address
        if let entry = ids.entry(of: id), entry.pointee.value == slot { entry.pointee.summary.address = address }
    }

    /// ``setAddress(_:slot:id:)`` for a record executed at once: `entry`, from its
    /// ``create``, still holds its id (nothing touched the id map in between).
    @inline(__always)
    @inlinable mutating func setAddress(_ address: UInt64, slot: Int32, entry: RegionIDMap.Entry) {
        slots[Int(slot)].address = address
        entry.pointee.summary.address = address
    }

    /// A new slot for `id`, and the id map entry that now names it (valid until the
    /// next ``create`` or ``kill``); `nil` if `id` is live. One look at the id map
    /// checks and inserts.
    @inline(__always)
    @inlinable mutating func create(id: RegionID, size: UInt64, isMapping: Bool,
                                    scan: Bool) -> (slot: Int32, entry: RegionIDMap.Entry)? {
        let slot = freeSlots.isEmpty ? Int32(slots.count) : freeSlots[freeSlots.count - 1]
        guard let entry = ids.insertNew(id, slot, summary: IDMap.Summary(size: size, isMapping: isMapping, scan: scan))
        else { return nil }
        let region = Region(size: size, isMapping: isMapping, scan: scan)
        if freeSlots.isEmpty {
            slots.append(region)
        } else {
            _ = freeSlots.removeLast()
            slots[Int(slot)] = region
        }
        return (slot, entry)
    }

    /// A heap object for new `id` with no slot (``noSlot``), for an `alloc` executed at
    /// once: its id map entry (returned, valid until the next change of the id map)
    /// holds all a record executed at once needs, and a slot — a line written per
    /// allocation, cold at a million live objects — is given only if a queued record
    /// ever names the object (``find(_:)``). `nil` if `id` is live.
    @inline(__always)
    @inlinable mutating func createUnslotted(id: RegionID, size: UInt64, scan: Bool) -> RegionIDMap.Entry? {
        ids.insertNew(id, Self.noSlot, summary: IDMap.Summary(size: size, isMapping: false, scan: scan))
    }

    /// The id of id map entry `entry` (from ``RegionIDMap/entry(of:)``, nothing changed
    /// since) ends with a record executed at once: nothing of its region is pending, so
    /// its slot, if it has one, is free again.
    @inline(__always)
    @inlinable mutating func killAtOnce(entry: RegionIDMap.Entry) {
        let slot = ids.remove(entry)
        if slot != Self.noSlot { freeSlots.append(slot) }
    }

    /// The id in `entry` (from ``find(_:)``, nothing changed since) stops naming
    /// `slot`. `ordered` (the killing record is queued): the slot is marked dead and
    /// recycled once its records have executed. Otherwise the record runs at once and
    /// ``executedUnordered(_:killed:)`` recycles the slot, so its cache line is not
    /// touched at all.
    @inline(__always)
    @inlinable mutating func kill(entry: RegionIDMap.Entry, slot: Int32, ordered: Bool) {
        ids.remove(entry)
        if ordered { slots[Int(slot)].dead = true }
    }

    /// Hands out the next ticket of `slot`.
    @inline(__always)
    @inlinable mutating func ticket(_ slot: Int32) -> UInt32 {
        let ticket = slots[Int(slot)].admitted
        slots[Int(slot)].admitted = ticket &+ 1
        return ticket
    }

    /// Marks one record of `slot` executed; recycles the slot after its last one.
    @inline(__always)
    @inlinable mutating func executed(_ slot: Int32) {
        slots[Int(slot)].executed &+= 1
        let region = slots[Int(slot)]
        if region.dead, region.executed == region.admitted { freeSlots.append(slot) }
    }

    /// Marks the record of `slot` that ran without a ticket executed (nothing else of
    /// the slot was pending): recycles the slot if that record killed it (`killed`,
    /// known from admission, so the slot's cache line need not be read).
    @inline(__always)
    @inlinable mutating func executedUnordered(_ slot: Int32, killed: Bool) {
        if killed { freeSlots.append(slot) }
    }
}
