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

    @usableFromInline var ids = IDMap()
    @usableFromInline var slots = UnsafeTable<Region>()
    @usableFromInline var freeSlots = UnsafeTable<Int32>()

    @inlinable init() {}

    /// Slots in use (live ids plus dead ones still referenced by pending records).
    @inlinable var slotsInUse: Int { slots.count - freeSlots.count }

    @inlinable func slot(of id: RegionID) -> Int32? { ids.find(id) }

    /// A new slot for `id` (which must not be live).
    @inlinable mutating func create(id: RegionID, size: UInt64, isMapping: Bool, scan: Bool) -> Int32 {
        let region = Region(size: size, isMapping: isMapping, scan: scan)
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[Int(slot)] = region
        } else {
            slot = Int32(slots.count)
            slots.append(region)
        }
        ids.insert(id, slot)
        return slot
    }

    /// The id stops naming `slot`; the slot is recycled once its records have executed.
    @inlinable mutating func kill(id: RegionID, slot: Int32) {
        ids.remove(id)
        slots[Int(slot)].dead = true
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
    /// the slot was pending): recycles the slot if that record killed it.
    @inline(__always)
    @inlinable mutating func executedUnordered(_ slot: Int32) {
        if slots[Int(slot)].dead { freeSlots.append(slot) }
    }
}
