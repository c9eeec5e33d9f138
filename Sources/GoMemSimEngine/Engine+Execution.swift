import GoMemSimCore
import GoMemSimTrace

// Execution: choosing the next goroutine, timing its event and sending it to the models.

extension Engine {
    /// Executes one record, or while records can run at once, all of them up to the
    /// next that cannot (see ``runAtOnce()``); `false` at the end of the trace.
    @inlinable mutating func step() throws(Stop) -> Bool {
        if runsAtOnce() { return try runAtOnce() }
        try fillLookahead()
        guard lookahead.buffered > 0 else { return false }
        let g = try nextGoroutine()
        var head = lookahead.popHead(of: g)
        try run(&head, goroutine: g, ordered: true)
        return true
    }

    /// Times and executes a record of goroutine `g`; `ordered` as it was admitted
    /// (see ``prepare(_:ordered:)``). (`inout` though it only reads `pending`: passed
    /// by value, the record was copied once more per event, and that copy's wide loads
    /// of fields `prepare` had just stored stalled on store forwarding — measured.)
    @inline(__always)
    @inlinable mutating func run(_ pending: inout Lookahead.Pending, goroutine g: Int32, ordered: Bool) throws(Stop) {
        let start = try startEvent(of: g)
        let (cpuNs, sleepNs) = try execute(&pending, goroutine: g, at: start, ordered: ordered)
        finishEvent(of: g, start: start, cpuNs: cpuNs, sleepNs: sleepNs, kind: EventKind(pending.record.event))
    }

    /// When goroutine `g`'s next event starts: `max(g's clock, the time the earliest
    /// free P is free, the clock)`; it runs on that P (``ProcessorQueue``).
    /// Moves the clock there, firing the timers due.
    @inline(__always)
    @inlinable mutating func startEvent(of g: Int32) throws(Stop) -> UInt64 {
        // `g` is a slot the lookahead handed out: in range (see
        // ``UnsafeTable/subscript(unchecked:)``).
        let start = max(lookahead.goroutines[unchecked: Int(g)].clock, processors.earliest, now)
        try advanceClock(to: start)
        return start
    }

    /// The event of goroutine `g` that started at `start` on the earliest P cost `cpuNs`
    /// of CPU and then sleeps `sleepNs`: the P is busy until the end of the CPU time,
    /// the goroutine until the end of the sleep. Counts it. `leading`: it started no
    /// earlier than every P was free (see `Engine.startLeadingEvent(of:)`).
    @inline(__always)
    @inlinable mutating func finishEvent(of g: Int32, start: UInt64, cpuNs: UInt64, sleepNs: UInt64 = 0,
                                         kind: EventKind, leading: Bool = false) {
        // Saturating: a trace may ask for absurd times; the clock stops at the end of time.
        let end = min(start.saturatingAdd(cpuNs), Self.endOfTimeNs)
        // The P ``startEvent(of:)`` chose: none was taken since.
        if leading {
            processors.occupyEarliestLast(until: end)  // end ≥ start ≥ every P's time
        } else {
            processors.occupyEarliest(until: end)
        }
        let clock = min(end.saturatingAdd(sleepNs), Self.endOfTimeNs)
        if leading {
            // It ran the event before this one: started, and its `exit` (not an event
            // run leading) has not run.
            assert(lookahead.goroutines[Int(g)].started, "a goroutine run at once that has not started")
            lookahead.goroutines[unchecked: Int(g)].clock = clock
        } else if lookahead.goroutines[unchecked: Int(g)].started {
            lookahead.goroutines[unchecked: Int(g)].clock = clock  // ``latestTime`` reads it
        } else if clock > horizon {
            horizon = clock  // its `exit` retired it: its clock is no longer kept
        }

        counts[unchecked: kind.rawValue] &+= 1  // one counter per kind; 2⁶⁴ records never come
        recordsUntilProgress &-= 1
        if recordsUntilProgress == 0 {
            // A countdown, not `%` and a closure load per event.
            recordsUntilProgress = progressInterval
            progress?(executedRecords)
        }
    }

    /// The started goroutine whose next record may run and whose clock is earliest
    /// (ties: the record earliest in the file).
    @inlinable mutating func nextGoroutine() throws(Stop) -> Int32 {
        var best: Int32 = -1
        var bestClock = UInt64.max, bestIndex = UInt64.max
        for g in lookahead.active {
            let goroutine = lookahead.goroutines[Int(g)]
            guard goroutine.started else { continue }
            let head = lookahead.pool[Int(goroutine.head)]
            if head.region >= 0, regions.slots[Int(head.region)].executed != head.ticket { continue }
            if goroutine.clock < bestClock || (goroutine.clock == bestClock && head.index < bestIndex) {
                best = g
                bestClock = goroutine.clock
                bestIndex = head.index
            }
        }
        // Unreachable for any trace (the file-oldest queued record can always run);
        // kept as an error rather than a trap.
        guard best >= 0 else {
            throw .trace(TraceError(.record(origin: source.origin, index: executedRecords + 1),
                                    "expected a runnable goroutine, found none (engine scheduling bug)"))
        }
        return best
    }

    /// Sends the record to the models. Returns the CPU time it cost its goroutine and
    /// the time it then sleeps. (`inout` though it only reads `pending`, as ``run``:
    /// by value, the 150-byte record was copied to the stack and read back per event.)
    @inline(__always)
    @inlinable mutating func execute(_ pending: inout Lookahead.Pending, goroutine g: Int32, at now: UInt64,
                                     ordered: Bool) throws(Stop) -> (cpuNs: UInt64, sleepNs: UInt64) {
        do throws(ModelError) {
            let slot = Int(pending.region)
            var cpu: UInt64 = 0, sleep: UInt64 = 0
            switch pending.record.event {
            case let .alloc(id, size, scan):
                let allocation = try runtime.allocate(size: size, scan: scan, goroutine: pending.record.goroutine,
                                                      now: now, kernel: &kernel)
                if !ordered, let entry = pending.entry {
                    regions.setAddress(allocation.address, slot: pending.region, entry: entry)
                } else {
                    regions.setAddress(allocation.address, slot: pending.region, id: id)
                }
                cpu = allocation.costNs
                noteAllocated(size)
                if !allocation.keepsDeadline { armRuntimeTimer() }
            case .free:
                // Executed at once, the summary read at admission is current, and the
                // slot's cache line stays cold.
                let region = ordered ? IDMap.Summary(size: regions.slots[slot].size, isMapping: false,
                                                     scan: regions.slots[slot].scan,
                                                     address: regions.slots[slot].address)
                                     : pending.summary
                runtime.release(address: region.address, size: region.size, scan: region.scan)
                if !Runtime.releaseKeepsDeadline { armRuntimeTimer() }
                noteFreed(region.size)
            case let .read(_, offset, length, dependent):
                let base = ordered ? regions.slots[slot].address : pending.summary.address
                cpu = try access(base &+ offset, length, isWrite: false, dependent: dependent)
            case let .write(_, offset, length):
                let base = ordered ? regions.slots[slot].address : pending.summary.address
                cpu = try access(base &+ offset, length, isWrite: true, dependent: false)
                if ordered ? regions.slots[slot].scan : pending.summary.scan {
                    cpu = cpu.saturatingAdd(runtime.writeBarrier(bytes: length, now: now))
                }
            case let .load(address, length, dependent):
                cpu = try access(address, UInt64(length), isWrite: false, dependent: dependent)
            case let .store(address, length):
                cpu = try access(address, UInt64(length), isWrite: true, dependent: false)
            case let .compute(ns):
                cpu = ns
            case let .sleep(ns):
                sleep = ns
            default:
                cpu = try executeRare(&pending, goroutine: g, at: now, ordered: ordered)
            }
            if slot >= 0 {
                if ordered { regions.executed(pending.region) } else { regions.executedUnordered(pending.region, killed: pending.killsRegion) }
            }
            return (cpu, sleep)
        } catch {
            throw .model(error, record: pending.index)
        }
    }

    /// ``execute(_:goroutine:at:ordered:)`` for the events a program issues rarely —
    /// files, mappings, GC and runtime settings, goroutines, checkpoints — out of line:
    /// inlined, their model calls' large arguments and results made the per-event
    /// function's frame 19 KiB and spilled the common path's registers. Returns the CPU
    /// time the event cost its goroutine.
    @inline(never)
    @inlinable mutating func executeRare(_ pending: inout Lookahead.Pending, goroutine g: Int32, at now: UInt64,
                                         ordered: Bool) throws(ModelError) -> UInt64 {
        let slot = Int(pending.region)
        switch pending.record.event {
        case .declareFile, .open, .close:
            break  // done at admission: they only name things
        case let .readFile(_, fileOffset, _, offset, length):
            return try kernel.readFile(fileName(pending), fileOffset: fileOffset,
                                       into: regions.slots[slot].address &+ offset, length: length).costNs
        case let .mmap(id, length, protection, flags, _, fileOffset):
            let call = try kernel.map(length: length, protection: protection, flags: flags,
                                      file: pending.hasFile ? fileName(pending) : nil,
                                      fileOffset: fileOffset, fixedAddress: nil)
            if !ordered, let entry = pending.entry {
                regions.setAddress(call.value, slot: pending.region, entry: entry)
            } else {
                regions.setAddress(call.value, slot: pending.region, id: id)
            }
            return call.costNs
        case let .munmap(_, offset, length):
            return try kernel.unmap(address: regions.slots[slot].address &+ offset, length: length).costNs
        case let .madvise(_, offset, length, advice):
            return try kernel.advise(address: regions.slots[slot].address &+ offset, length: length,
                                     advice: advice).costNs
        case let .mprotect(_, offset, length, protection):
            return try kernel.protect(address: regions.slots[slot].address &+ offset, length: length,
                                      protection: protection).costNs
        case .gc:
            // runtime.GC() blocks its caller until the cycle ends; counted as its time.
            let cpu = try runtime.collect(now: now, kernel: &kernel)
            armRuntimeTimer()
            return cpu
        case let .setGCPercent(percent):
            runtime.setGCPercent(percent, now: now)
            armRuntimeTimer()
        case let .setMemoryLimit(bytes):
            runtime.setMemoryLimit(bytes, now: now)
            armRuntimeTimer()
        case .freeOSMemory:
            let cpu = try runtime.freeOSMemory(now: now, kernel: &kernel)
            armRuntimeTimer()
            return cpu
        case let .globals(bytes):
            runtime.setGlobals(bytes: bytes)
            armRuntimeTimer()
        case .spawn:
            let child = Int(Int32(bitPattern: pending.aux))
            lookahead.goroutines[child].started = true
            lookahead.goroutines[child].clock = now
            runtime.goroutineStarted(lookahead.goroutines[child].id, now: now)
            armRuntimeTimer()
        case .exit:
            runtime.goroutineExited(pending.record.goroutine, now: now)
            lookahead.retire(g)
            armRuntimeTimer()
        case let .checkpoint(label):
            recordCheckpoint(label: source.symbols[label], at: now)
        case .alloc, .free, .read, .write, .load, .store, .compute, .sleep:
            break  // executed inline
        }
        return 0
    }

    /// The engine's own figures for an object of `size` bytes allocated.
    @inline(__always)
    @inlinable mutating func noteAllocated(_ size: UInt64) {
        liveBytes &+= size  // wraps back exactly when freed
        allocatedBytes = allocatedBytes.saturatingAdd(size)
    }

    /// Host prefetches for a `free` of `id` (no modelled effect): the id map entry
    /// ``RegionTable/prefetchDistance`` ids on, and — as traces usually free in about
    /// allocation order — the runtime's metadata for the objects of ids
    /// ``RegionTable/releaseLeadLater`` and ``RegionTable/releaseLeadSooner`` on, read
    /// from ring entries prefetched by earlier frees. At a million live objects each
    /// release's bitmap word and page record were otherwise DRAM misses (perf: three
    /// quarters of the runtime's release, ~11 % of the allocator replay).
    @inline(__always)
    @inlinable mutating func prefetchRelease(after id: RegionID) {
        regions.prefetch(after: id)
        guard runtime.prefetchesReleases else { return }
        runtime.prefetchReleases(later: regions.ids.addressInRing(id &+ RegionTable.releaseLeadLater),
                                 sooner: regions.ids.addressInRing(id &+ RegionTable.releaseLeadSooner))
    }

    /// The engine's own figures for an object of `size` bytes freed.
    @inline(__always)
    @inlinable mutating func noteFreed(_ size: UInt64) {
        liveBytes &-= size
        freedBytes = freedBytes.saturatingAdd(size)
    }

    /// A CPU access: the kernel faults the pages in, then the memory system serves it.
    @inline(__always)
    @inlinable mutating func access(_ address: UInt64, _ length: UInt64, isWrite: Bool,
                                 dependent: Bool) throws(ModelError) -> UInt64 {
        guard length > 0 else { return 0 }
        let touch = try kernel.touch(address: address, length: length, isWrite: isWrite)
        let end = address &+ length
        guard touch.pageShift == 12, (address >> 21) != ((end &- 1) >> 21) else {
            return touch.costNs.saturatingAdd(hardware.access(address: address, length: length, isWrite: isWrite,
                                                  dependent: dependent, pageShift: touch.pageShift))
        }
        return touch.costNs.saturatingAdd(accessByPageSize(address, end, isWrite: isWrite, dependent: dependent))
    }

    /// A range over more than one 2 MiB piece, some of it in small pages (the kernel's
    /// `touch` reports the smallest): each run of pieces with one page size reaches the
    /// memory system with that size — a Go heap's first 2 MiB are NOHUGEPAGE and the rest
    /// huge pages, and a pass over a large buffer crosses both. The range stays one pass:
    /// only its first line is `dependent`.
    @inline(never)
    @inlinable mutating func accessByPageSize(_ address: UInt64, _ end: UInt64, isWrite: Bool,
                                              dependent: Bool) -> UInt64 {
        var ns: UInt64 = 0
        var start = address
        var shift = kernel.pageShift(at: start)
        var piece = (start >> 21 + 1) << 21
        while start < end {
            // Extend the run while the next 2 MiB piece has the same page size.
            while piece < end && kernel.pageShift(at: piece) == shift { piece += 1 << 21 }
            let stop = min(piece, end)
            ns = ns.saturatingAdd(hardware.access(address: start, length: stop - start, isWrite: isWrite,
                                                  dependent: dependent && start == address, pageShift: shift))
            start = stop
            if start < end { shift = kernel.pageShift(at: start) }
            piece = start + (1 << 21)
        }
        return ns
    }

    @inlinable func fileName(_ pending: Lookahead.Pending) -> String {
        source.symbols[Symbol(pending.aux)]
    }
}

extension UInt64 {
    @inline(__always)
    @inlinable func saturatingAdd(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
