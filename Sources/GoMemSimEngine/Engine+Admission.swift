import GoMemSimCore
import GoMemSimTrace

// Admission: reading records in file order, validating them against the trace's own
// state (which ids are live, which files declared, which goroutines started), and
// queueing them on their goroutine. Errors here are located exactly: the source's
// `location` is the record just read.
//
// Lookup helpers are `mutating` although they only read: called from the mutating
// replay loop, a non-mutating method of this large generic struct can be handed a
// copy of the whole engine (a 700-byte memcpy per event, measured).

extension Engine {
    /// Go's `maxAlloc` on linux/amd64.
    @inlinable static var maxAllocBytes: UInt64 { 1 << 48 }
    /// The longest `compute` or `sleep`: 2⁵⁰ ns, 13 days. Longer, an idle program's
    /// forced GC every 2 minutes alone would be modelled ~10⁷ times (minutes of replay).
    @inlinable static var maxDurationNs: UInt64 { 1 << 50 }
    /// The x86-64 user address space.
    @inlinable static var maxMappingBytes: UInt64 { 1 << 47 }

    /// Reads records until every live goroutine has one queued, the lookahead is full,
    /// or the trace ends.
    @inlinable mutating func fillLookahead() throws(Stop) {
        while !endOfTrace, !lookahead.isFull, lookahead.buffered == 0 || lookahead.starved > 0 {
            let record: TraceRecord?
            do throws(TraceError) { record = try source.next() } catch { throw .trace(error) }
            guard let record else {
                endOfTrace = true
                return
            }
            admittedRecords &+= 1  // 2⁶⁴ records never come
            try admit(record)
        }
    }

    @inlinable func invalid(_ what: String, found: String) -> Stop {
        .trace(.expected(what, found: found, at: source.location))
    }

    @inline(__always)
    @inlinable mutating func goroutineSlot(_ id: UInt32) throws(Stop) -> Int32 {
        if id == lastGoroutine.id { return lastGoroutine.slot }
        guard let slot = goroutineSlots[id] else {
            throw invalid("a started goroutine (0 or one named by an earlier `go`)", found: "goroutine \(id)")
        }
        lastGoroutine = (id, slot)
        return slot
    }

    /// Resolves live `id` into `pending` (slot, summary and id map entry); returns the
    /// entry.
    @discardableResult
    @inline(__always)
    @inlinable mutating func liveRegion(_ id: RegionID, into pending: inout Lookahead.Pending) throws(Stop)
        -> RegionIDMap.Entry {
        guard let (slot, summary, entry) = regions.find(id) else { throw unknownRegion(id) }
        pending.region = slot
        pending.summary = summary
        pending.entry = entry
        return entry
    }

    // Error builders stay out of line: string interpolation inlined into the per-event
    // path would bloat it.
    @inline(never)
    @usableFromInline func unknownRegion(_ id: RegionID) -> Stop {
        invalid("a live object id", found: "\(id)")
    }

    @inline(never)
    @usableFromInline func allocationSizeError(_ size: UInt64) -> Stop {
        // Go's largest allocation: maxAlloc = 1<<heapAddrBits (48 bits on linux/amd64,
        // runtime/malloc.go); anything larger panics in mallocgc.
        invalid("an allocation size of at most 256 TiB (Go's maxAlloc)", found: "\(size)")
    }

    @inline(never)
    @usableFromInline func durationError(_ ns: UInt64) -> Stop {
        invalid("a duration of at most 2^50 ns (13 days)", found: "\(ns) ns")
    }

    @inline(never)
    @usableFromInline func liveIDError(_ id: RegionID) -> Stop {
        invalid("an id that is not live", found: "\(id)")
    }

    @inline(never)
    @usableFromInline func notHeapObjectError(_ id: RegionID) -> Stop {
        invalid("a heap object id (a mapping ends with munmap)", found: "mapping \(id)")
    }

    /// `[offset, offset+length)` lies within the region (mappings: its page-rounded
    /// length, as munmap/madvise/mprotect work on whole pages).
    @inline(__always)
    @inlinable mutating func checkRange(_ region: IDMap.Summary, id: RegionID, offset: UInt64, length: UInt64) throws(Stop) {
        let limit = region.isMapping ? (region.size &+ 0xFFF) & ~0xFFF : region.size
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard overflow || end > limit else { return }
        throw rangeError(region, id: id, offset: offset, length: length)
    }

    @inline(never)
    @usableFromInline func rangeError(_ region: IDMap.Summary, id: RegionID, offset: UInt64, length: UInt64) -> Stop {
        let what = region.isMapping ? "mapping" : "object"
        return invalid("a range within the \(region.size)-byte \(what) \(id)", found: "offset \(offset) length \(length)")
    }

    /// Resolves live mapping `id` into `pending` (slot, summary and id map entry);
    /// returns the entry.
    @discardableResult
    @inlinable mutating func mapping(_ id: RegionID, into pending: inout Lookahead.Pending) throws(Stop)
        -> RegionIDMap.Entry {
        guard let (slot, summary, entry) = regions.find(id) else { throw invalid("a live mapping id", found: "\(id)") }
        guard summary.isMapping else {
            throw invalid("a mapping id", found: "heap object \(id)")
        }
        pending.region = slot
        pending.summary = summary
        pending.entry = entry
        return entry
    }

    @inlinable mutating func descriptor(_ fd: UInt32) throws(Stop) -> UInt32 {
        guard let file = descriptors[fd] else { throw invalid("an open file descriptor", found: "\(fd)") }
        return file
    }

    /// A region for new `id` (which must not be live), into `pending` (slot and id map entry).
    @inline(__always)
    @inlinable mutating func newRegion(id: RegionID, size: UInt64, isMapping: Bool, scan: Bool,
                                       into pending: inout Lookahead.Pending) throws(Stop) {
        guard let (slot, entry) = regions.create(id: id, size: size, isMapping: isMapping, scan: scan) else {
            throw liveIDError(id)
        }
        pending.region = slot
        pending.entry = entry
    }

    /// Validates `record` and queues it on its goroutine.
    @inlinable mutating func admit(_ record: TraceRecord) throws(Stop) {
        var pending = Lookahead.Pending(record: record, index: admittedRecords)
        let g = try prepare(&pending, ordered: true)
        lookahead.append(pending, to: g)
    }

    /// Validates `pending.record` against the trace's state, resolves its ids to slots
    /// (into `pending`) and updates that state (as of file order); returns its
    /// goroutine's slot. (`inout` rather than a returned copy: the record is copied
    /// once less per event, a copy whose reload stalled on store forwarding.)
    /// `ordered`: hand the record a ticket in its region's order (see ``RegionTable``).
    /// A record that executes at once, with nothing queued, needs none: it is the only
    /// pending record of its region, and skipping both the ticket and its `executed`
    /// mark keeps the two counters equal.
    @inline(__always)
    @inlinable mutating func prepare(_ pending: inout Lookahead.Pending, ordered: Bool) throws(Stop) -> Int32 {
        let g = try goroutineSlot(pending.record.goroutine)
        switch pending.record.event {
        case let .alloc(id, size, scan):
            guard size <= Self.maxAllocBytes else { throw allocationSizeError(size) }
            regions.prefetch(after: id)
            try newRegion(id: id, size: size, isMapping: false, scan: scan, into: &pending)
        case let .free(id):
            prefetchRelease(after: id)
            let entry = try liveRegion(id, into: &pending)
            guard !pending.summary.isMapping else { throw notHeapObjectError(id) }
            regions.kill(entry: entry, slot: pending.region, ordered: ordered)
            pending.killsRegion = true
        case let .read(id, offset, length, _), let .write(id, offset, length):
            try liveRegion(id, into: &pending)
            try checkRange(pending.summary, id: id, offset: offset, length: length)
        case let .compute(ns), let .sleep(ns):
            guard ns <= Self.maxDurationNs else { throw durationError(ns) }
        case .load, .store, .gc, .setGCPercent, .setMemoryLimit, .freeOSMemory, .checkpoint:
            break
        default:
            try prepareRare(&pending, goroutine: g, ordered: ordered)
        }
        if ordered, pending.region >= 0 { pending.ticket = regions.ticket(pending.region) }
        return g
    }

    /// ``prepare(_:ordered:)`` for the events a program issues rarely — files,
    /// mappings, goroutines — out of line, so the per-event function stays small (see
    /// ``executeRare(_:goroutine:at:ordered:)``).
    @inline(never)
    @inlinable mutating func prepareRare(_ pending: inout Lookahead.Pending, goroutine g: Int32,
                                         ordered: Bool) throws(Stop) {
        switch pending.record.event {
        case let .declareFile(name, size, cachedBytes):
            // Declaring a file states the machine's initial condition, not something
            // the program does at a time: it takes effect as it is read.
            do throws(ModelError) {
                try kernel.declareFile(name: source.symbols[name], size: size, cachedBytes: cachedBytes)
            } catch {
                throw .trace(TraceError(source.location, error.message))
            }
            declaredFiles.insert(name.index)
        case let .open(fd, name):
            guard declaredFiles.contains(name.index) else {
                throw invalid("a declared file", found: "\"\(source.symbols[name])\"")
            }
            guard descriptors[fd] == nil else { throw invalid("a file descriptor that is not open", found: "\(fd)") }
            descriptors[fd] = name.index
        case let .close(fd):
            _ = try descriptor(fd)
            descriptors[fd] = nil
        case let .readFile(fd, _, id, offset, length):
            pending.aux = try descriptor(fd)
            pending.hasFile = true
            try liveRegion(id, into: &pending)
            try checkRange(pending.summary, id: id, offset: offset, length: length)
        case let .mmap(id, length, _, _, fd, _):
            // A user address space is 2^47 bytes on x86-64 (TASK_SIZE_MAX); mmap(2)
            // fails with ENOMEM beyond.
            guard length <= Self.maxMappingBytes else {
                throw invalid("a mapping length of at most 128 TiB (the user address space)", found: "\(length)")
            }
            if let fd {
                pending.aux = try descriptor(fd)
                pending.hasFile = true
            }
            try newRegion(id: id, size: length, isMapping: true, scan: false, into: &pending)
        case let .munmap(id, offset, length):
            let entry = try mapping(id, into: &pending)
            try checkRange(pending.summary, id: id, offset: offset, length: length)
            if offset == 0, length >= pending.summary.size {
                regions.kill(entry: entry, slot: pending.region, ordered: ordered)
                pending.killsRegion = true
            }
        case let .madvise(id, offset, length, _), let .mprotect(id, offset, length, _):
            try mapping(id, into: &pending)
            try checkRange(pending.summary, id: id, offset: offset, length: length)
        case let .globals(bytes):
            // Data and bss lie in the user address space; a larger size overflowed the
            // pacer's scan-work sums (a trap at the next GC).
            guard bytes <= Self.maxMappingBytes else {
                throw invalid("a globals size of at most 128 TiB (the user address space)", found: "\(bytes)")
            }
        case let .spawn(child):
            guard goroutineSlots[child] == nil else {
                throw invalid("a goroutine id that is not running", found: "goroutine \(child)")
            }
            let slot = lookahead.spawn(id: child, started: false, clock: 0)
            goroutineSlots[child] = slot
            pending.aux = UInt32(bitPattern: slot)
        case .exit:
            goroutineSlots[pending.record.goroutine] = nil
            lastGoroutine = (UInt32.max, -1)
            lookahead.admitExit(g)
        case .alloc, .free, .read, .write, .load, .store, .gc, .setGCPercent, .setMemoryLimit, .freeOSMemory,
             .compute, .sleep, .checkpoint:
            break  // prepared inline
        }
    }
}
