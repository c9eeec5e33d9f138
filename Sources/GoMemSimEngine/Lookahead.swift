import GoMemSimCore
import GoMemSimTrace

/// The bounded lookahead: admitted records waiting to execute, queued per goroutine
/// in one flat pool of at most ``capacity`` entries (linked lists, free list; no
/// allocation per record once warm).
@usableFromInline struct Lookahead {
    /// An admitted record, its ids already resolved to slots.
    @usableFromInline struct Pending {
        @usableFromInline var record: TraceRecord
        /// 1-based position of the record in the trace.
        @usableFromInline var index: UInt64
        /// The region slot the record touches, or -1.
        @usableFromInline var region: Int32 = -1
        /// Its ticket in that slot's order (see ``RegionTable``).
        @usableFromInline var ticket: UInt32 = 0
        /// `spawn`: the child's goroutine slot; `readFile`/`mmap` of a file: the file's
        /// symbol index; otherwise unused.
        @usableFromInline var aux: UInt32 = 0
        /// Whether `aux` holds a file symbol (a file-backed mmap or a readFile).
        @usableFromInline var hasFile = false
        /// The record's `free`/`munmap` ends its region's id.
        @usableFromInline var killsRegion = false
        /// The region's summary as of admission (see ``RegionTable``). Its address is
        /// current only for a record executed at once (`ordered: false`): every earlier
        /// record, the region's `alloc` included, has then executed.
        @usableFromInline var summary = IDMap.Summary(size: 0, isMapping: false, scan: false)
        @usableFromInline var next: Int32 = -1
        /// `alloc`/`mmap`/`free`/`munmap`: the id map entry of the region's id, as
        /// admission left it; used only by a record executed at once (see
        /// ``RegionTable/setAddress(_:slot:entry:)``).
        @usableFromInline var entry: RegionIDMap.Entry?

        @inlinable init(record: TraceRecord, index: UInt64) {
            self.record = record
            self.index = index
        }
    }

    /// A goroutine: its virtual clock and its queue of admitted records.
    @usableFromInline struct Goroutine: BitwiseCopyable {
        @usableFromInline var id: UInt32 = 0
        /// When the goroutine can run its next event (ns): the end of its last CPU
        /// work, or the end of its sleep.
        @usableFromInline var clock: UInt64 = 0
        /// Its `go` statement has executed (main: from the start).
        @usableFromInline var started = false
        /// Admitted as alive: spawned and its `exit` not yet read.
        @usableFromInline var admittedAlive = false
        @usableFromInline var head: Int32 = -1
        @usableFromInline var tail: Int32 = -1
        @usableFromInline var queued = 0
        /// Position in `active`, or -1.
        @usableFromInline var activeIndex = -1

        @inlinable init(id: UInt32, clock: UInt64, started: Bool, admittedAlive: Bool) {
            self.id = id
            self.clock = clock
            self.started = started
            self.admittedAlive = admittedAlive
        }
    }

    @usableFromInline let capacity: Int
    @usableFromInline var pool: [Pending] = []
    @usableFromInline var freeEntries: [Int32] = []
    @usableFromInline var buffered = 0

    @usableFromInline var goroutines = UnsafeTable<Goroutine>()
    @usableFromInline var freeGoroutines: [Int32] = []
    /// Goroutine slots with queued records (selection scans these).
    @usableFromInline var active: [Int32] = []
    /// Goroutines admitted alive whose queue is empty: the lookahead reads on until
    /// none is, so it knows every goroutine's next event before choosing.
    @usableFromInline var starved = 0

    @inlinable init(capacity: Int) { self.capacity = max(1, capacity) }

    @inlinable var isFull: Bool { buffered >= capacity }
    @inlinable var goroutinesInUse: Int { goroutines.count - freeGoroutines.count }

    @inline(__always)
    @inlinable func isStarved(_ g: Int32) -> Bool {
        goroutines[Int(g)].admittedAlive && goroutines[Int(g)].queued == 0
    }

    /// A new goroutine slot for `id`, alive from admission on.
    @inlinable mutating func spawn(id: UInt32, started: Bool, clock: UInt64) -> Int32 {
        let goroutine = Goroutine(id: id, clock: clock, started: started, admittedAlive: true)
        let g: Int32
        if let reused = freeGoroutines.popLast() {
            g = reused
            goroutines[Int(g)] = goroutine
        } else {
            g = Int32(goroutines.count)
            goroutines.append(goroutine)
        }
        starved += 1
        return g
    }

    /// The goroutine's `exit` was admitted: no more records will join its queue.
    @inlinable mutating func admitExit(_ g: Int32) {
        let was = isStarved(g)
        goroutines[Int(g)].admittedAlive = false
        if was { starved -= 1 }
    }

    /// Recycles a goroutine slot after its `exit` executed.
    @inlinable mutating func retire(_ g: Int32) {
        goroutines[Int(g)].started = false
        freeGoroutines.append(g)
    }

    @inlinable mutating func append(_ pending: Pending, to g: Int32) {
        let was = isStarved(g)
        let entry: Int32
        if let reused = freeEntries.popLast() {
            entry = reused
            pool[Int(entry)] = pending
        } else {
            entry = Int32(pool.count)
            pool.append(pending)
        }
        let tail = goroutines[Int(g)].tail
        if tail >= 0 { pool[Int(tail)].next = entry } else { goroutines[Int(g)].head = entry }
        goroutines[Int(g)].tail = entry
        goroutines[Int(g)].queued += 1
        buffered += 1
        if goroutines[Int(g)].activeIndex < 0 {
            goroutines[Int(g)].activeIndex = active.count
            active.append(g)
        }
        if was { starved -= 1 }
    }

    /// Removes and returns the head of `g`'s queue.
    @inlinable mutating func popHead(of g: Int32) -> Pending {
        let entry = goroutines[Int(g)].head
        let pending = pool[Int(entry)]
        goroutines[Int(g)].head = pending.next
        if pending.next < 0 { goroutines[Int(g)].tail = -1 }
        goroutines[Int(g)].queued -= 1
        buffered -= 1
        freeEntries.append(entry)
        if goroutines[Int(g)].queued == 0 {
            let i = goroutines[Int(g)].activeIndex
            let last = active.removeLast()
            if last != g {
                active[i] = last
                goroutines[Int(last)].activeIndex = i
            }
            goroutines[Int(g)].activeIndex = -1
            if goroutines[Int(g)].admittedAlive { starved += 1 }
        }
        return pending
    }
}
