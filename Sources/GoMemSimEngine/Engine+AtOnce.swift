import GoMemSimCore
import GoMemSimTrace

// Records executed as soon as they are read. While one goroutine runs and nothing is
// read ahead (most traces, most of the time), the next record is that goroutine's next
// event: it needs no queue, no region ticket (nothing is pending to order it against)
// and no slot. The events a program issues per object — alloc, free, read, write, and
// compute, sleep, load, store — are validated and executed here in one switch, with
// their ids resolved straight from the id map; any other event takes the general path
// (``prepare(_:ordered:)`` then ``run(_:goroutine:ordered:)``). The order of effects
// is the general path's: admission (validation, the id map), then the clock (timers
// due fire), then the models, then the goroutine's and the P's time — so the schedule,
// every figure and every error are the same (the engine tests and the replay digests
// check it). Measured: the general path built a 150-byte ``Lookahead/Pending`` per
// record and switched on the event three times (admission, execution, counting).
//
// The clock: the first record of a run at once starts as on the general path, and every
// later one at its goroutine's clock (``startLeadingEvent(of:)``), which then is
// `max(its clock, the earliest P, the clock)` — see there why. The general start
// loaded and compared the three per event (~10 instructions, callgrind).

extension Engine {
    /// Whether the next record can run as soon as it is read (see above).
    @inline(__always)
    @inlinable mutating func runsAtOnce() -> Bool {
        lookahead.buffered == 0 && lookahead.goroutinesInUse == 1 && !endOfTrace
    }

    /// Reads and executes records while ``runsAtOnce()``; returns `false` at the end of
    /// the trace, `true` when records must be read ahead again (a `go`).
    @inlinable mutating func runAtOnce() throws(Stop) -> Bool {
        // The first record: the goroutine's clock may trail a P or the clock, as another
        // goroutine may have run last (see ``startLeadingEvent(of:)``).
        guard let first = try nextRecordAtOnce() else { return false }
        guard try executeFirstAtOnce(first) else { return true }
        while true {
            guard let record = try nextRecordAtOnce() else { return false }
            guard try executeAtOnce(record, leading: true) else { return true }
        }
    }

    /// ``executeAtOnce(_:leading:)`` for the first record run at once (out of line: a
    /// second copy of the per-event code, run once per switch to running at once).
    @inline(never)
    @inlinable mutating func executeFirstAtOnce(_ record: TraceRecord) throws(Stop) -> Bool {
        try executeAtOnce(record, leading: false)
    }

    /// The trace's next record, admitted (counted); `nil` at the end of the trace.
    @inline(__always)
    @inlinable mutating func nextRecordAtOnce() throws(Stop) -> TraceRecord? {
        let record: TraceRecord?
        do throws(TraceError) { record = try source.next() } catch { throw .trace(error) }
        guard let record else {
            endOfTrace = true
            return nil
        }
        admittedRecords &+= 1  // 2⁶⁴ records never come
        return record
    }

    /// ``startLeadingEvent(of:)`` when `leading`, else ``startEvent(of:)``.
    @inline(__always)
    @inlinable mutating func startEventAtOnce(of g: Int32, leading: Bool) throws(Stop) -> UInt64 {
        leading ? try startLeadingEvent(of: g) : try startEvent(of: g)
    }

    /// ``startEvent(of:)`` for a record run at once after the first: the event starts at
    /// goroutine `g`'s clock. The only goroutine running, `g` ran the event before this
    /// one (the first at once or a later one), which started no earlier than the clock
    /// and then occupied a P until its end; so the clock (the start of that event, or a
    /// timer's time before it) and that P's free time are at most `g`'s clock, and
    /// `max(g's clock, the earliest P, the clock)` is `g`'s clock. (Not so for the first:
    /// the event before it may be another goroutine's, on a P busy later still.)
    @inline(__always)
    @inlinable mutating func startLeadingEvent(of g: Int32) throws(Stop) -> UInt64 {
        let start = lookahead.goroutines[unchecked: Int(g)].clock  // `g`: a slot handed out
        assert(start >= now && start >= processors.earliest, "a goroutine run at once trails the clock or a P")
        try advanceClock(to: start)
        return start
    }

    /// Validates and executes `record`, the trace's latest, at once; returns whether
    /// the next record can run at once too. `leading`: not the first record run at once
    /// (see ``startLeadingEvent(of:)``).
    @inline(__always)
    @inlinable mutating func executeAtOnce(_ record: TraceRecord, leading: Bool) throws(Stop) -> Bool {
        let g = try goroutineSlot(record.goroutine)
        switch record.event {
        case let .alloc(id, size, scan):
            guard size <= Self.maxAllocBytes else { throw allocationSizeError(size) }
            regions.prefetch(after: id)
            guard let entry = regions.createUnslotted(id: id, size: size, scan: scan) else { throw liveIDError(id) }
            let start = try startEventAtOnce(of: g, leading: leading)
            let allocation: Allocation
            do throws(ModelError) {
                allocation = try runtime.allocate(size: size, scan: scan, goroutine: record.goroutine, now: start,
                                                  kernel: &kernel)
            } catch {
                throw .model(error, record: admittedRecords)
            }
            entry.pointee.summary.address = allocation.address
            noteAllocated(size)
            if !allocation.keepsDeadline { armRuntimeTimer() }
            finishEvent(of: g, start: start, cpuNs: allocation.costNs, kind: .alloc, leading: leading)
        case let .free(id):
            prefetchRelease(after: id)
            guard let entry = regions.ids.entry(of: id) else { throw unknownRegion(id) }
            let region = entry.pointee.summary
            guard !region.isMapping else { throw notHeapObjectError(id) }
            regions.killAtOnce(entry: entry)
            let start = try startEventAtOnce(of: g, leading: leading)
            runtime.release(address: region.address, size: region.size, scan: region.scan)
            if !Runtime.releaseKeepsDeadline { armRuntimeTimer() }
            noteFreed(region.size)
            finishEvent(of: g, start: start, cpuNs: 0, kind: .free, leading: leading)
        case let .read(id, offset, length, dependent):
            let region = try liveSummary(id)
            try checkRange(region, id: id, offset: offset, length: length)
            let start = try startEventAtOnce(of: g, leading: leading)
            let cpu = try accessAtOnce(region.address &+ offset, length, isWrite: false, dependent: dependent)
            finishEvent(of: g, start: start, cpuNs: cpu, kind: .read, leading: leading)
        case let .write(id, offset, length):
            let region = try liveSummary(id)
            try checkRange(region, id: id, offset: offset, length: length)
            let start = try startEventAtOnce(of: g, leading: leading)
            var cpu = try accessAtOnce(region.address &+ offset, length, isWrite: true, dependent: false)
            if region.scan { cpu = cpu.saturatingAdd(runtime.writeBarrier(bytes: length, now: start)) }
            finishEvent(of: g, start: start, cpuNs: cpu, kind: .write, leading: leading)
        case let .load(address, length, dependent):
            let start = try startEventAtOnce(of: g, leading: leading)
            let cpu = try accessAtOnce(address, UInt64(length), isWrite: false, dependent: dependent)
            finishEvent(of: g, start: start, cpuNs: cpu, kind: .load, leading: leading)
        case let .store(address, length):
            let start = try startEventAtOnce(of: g, leading: leading)
            let cpu = try accessAtOnce(address, UInt64(length), isWrite: true, dependent: false)
            finishEvent(of: g, start: start, cpuNs: cpu, kind: .store, leading: leading)
        case let .compute(ns):
            guard ns <= Self.maxDurationNs else { throw durationError(ns) }
            let start = try startEventAtOnce(of: g, leading: leading)
            finishEvent(of: g, start: start, cpuNs: ns, kind: .compute, leading: leading)
        case let .sleep(ns):
            guard ns <= Self.maxDurationNs else { throw durationError(ns) }
            let start = try startEventAtOnce(of: g, leading: leading)
            finishEvent(of: g, start: start, cpuNs: 0, sleepNs: ns, kind: .sleep, leading: leading)
        default:
            try executeRareAtOnce(record)
            return runsAtOnce()
        }
        return true
    }

    /// The summary of live region `id` (at once: straight from the id map).
    @inline(__always)
    @inlinable mutating func liveSummary(_ id: RegionID) throws(Stop) -> IDMap.Summary {
        guard let entry = regions.ids.entry(of: id) else { throw unknownRegion(id) }
        return entry.pointee.summary
    }

    /// ``access(_:_:isWrite:dependent:)`` for a record run at once: a model error names
    /// the record just read.
    @inline(__always)
    @inlinable mutating func accessAtOnce(_ address: UInt64, _ length: UInt64, isWrite: Bool,
                                          dependent: Bool) throws(Stop) -> UInt64 {
        do throws(ModelError) {
            return try access(address, length, isWrite: isWrite, dependent: dependent)
        } catch {
            throw .model(error, record: admittedRecords)
        }
    }

    /// Any other event, through the general path (out of line: rare, and its
    /// ``Lookahead/Pending`` would widen the per-event frame).
    @inline(never)
    @inlinable mutating func executeRareAtOnce(_ record: TraceRecord) throws(Stop) {
        var pending = Lookahead.Pending(record: record, index: admittedRecords)
        let g = try prepare(&pending, ordered: false)
        try run(&pending, goroutine: g, ordered: false)
    }
}
