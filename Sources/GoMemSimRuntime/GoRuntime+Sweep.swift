import GoMemSimCore

/// Sweeping (mgcsweep.go): after mark termination every heap span is unswept; its dead
/// objects keep their slots (and pages, and RSS) until a sweep frees them.
extension GoRuntime {
    /// Mark termination made every heap span unswept; paces the proportional sweeper
    /// (`gcPaceSweeper`): sweep the in-use pages by the time heapLive reaches the trigger
    /// less 1 MiB.
    mutating func prepareSweep(at now: UInt64) {
        partialSpans.removeAll()
        gc.unswept.removeAll()
        for id in spans.spans.indices where spans.spans[id].state == .heap {
            gc.unswept.reserve(spanClass: Int(spans.spans[id].spanClass.rawValue))
        }
        gc.unswept.layOut()
        var count = 0
        for id in spans.spans.indices.reversed() where spans.spans[id].state == .heap {
            spans.spans[id].unswept = true
            gc.unswept.append(Int32(id), spanClass: Int(spans.spans[id].spanClass.rawValue))
            count += 1
        }
        gc.unsweptSpans = count
        if count == 0 { startScavengeGeneration() }  // nothing to sweep: sweeping is done
        gc.sweepCursor = 0
        let pagesInUse = Double(heapInuse >> SizeClasses.pageShift)
        syncPacer()
        let trigger = gc.pacer.trigger().trigger
        var distance = Int64(clamping: trigger) - Int64(clamping: heapLive) - Int64(GCController.sweepMinHeapDistance)
        distance = max(distance, Int64(SizeClasses.pageSize))
        gc.sweepPagesPerByte = pagesInUse / Double(distance)
        gc.sweepHeapLiveBasis = heapLive
        gc.pagesSweptBasis = gc.pagesSwept
        gc.backgroundSweepNs = now
    }

    /// `sweepone`: sweeps the next unswept span of any class. Returns the pages it freed,
    /// or nil when nothing is left.
    mutating func sweepOne() -> UInt64? {
        guard gc.unsweptSpans > 0 else { return nil }
        while gc.unswept.count(gc.sweepCursor) == 0 { gc.sweepCursor = (gc.sweepCursor + 1) % SpanClass.count }
        guard let id = popUnswept(gc.sweepCursor) else { return nil }
        return sweepUnswept(Int(id))
    }

    /// The next unswept span of span class `c` (the list's last), and starts loading
    /// what sweeping the following ones reads: the bitmap of the span two pops on, whose
    /// record two pops before started loading, and the record of the span four on.
    /// Every span is swept once per cycle, so with a large heap each record and bitmap
    /// was a cache miss in a row (perf: a tenth of an allocator replay at a million live
    /// objects); one pop ahead, sweeps back to back still stalled on the record read to
    /// find the bitmap (62 % of sweepOne's samples).
    @inline(__always)
    mutating func popUnswept(_ c: Int) -> Int32? {
        guard let id = gc.unswept.popLast(c) else { return nil }
        let left = gc.unswept.count(c)
        if left > 1 { spans.prefetchBitmap(Int(gc.unswept.id(c, left - 2))) }
        if left > 3 { spans.prefetchRecord(Int(gc.unswept.id(c, left - 4))) }
        return id
    }

    /// Sweeps an unswept span and puts it where it belongs: freed to the heap when empty,
    /// on its mcentral's partial list when it has free slots. Returns the pages freed.
    mutating func sweepUnswept(_ id: Int) -> UInt64 {
        gc.unsweptSpans -= 1
        // Sweeping the last span starts a scavenge generation (mgcsweep.go `sweepone`),
        // after that span's pages are freed.
        defer { if gc.unsweptSpans == 0 { startScavengeGeneration() } }
        spans.spans[id].unswept = false
        let npages = UInt64(spans.spans[id].npages)
        gc.pagesSwept += npages
        _ = sweep(span: id)
        let span = spans.spans[id]
        if span.allocCount == 0 {
            freeSpan(id)
            return npages
        }
        if span.allocCount < span.nelems && spans.sweepStates[id].cachedBy < 0 {
            partialSpans.push(Int32(id), spanClass: Int(span.spanClass.rawValue))
        }
        return 0
    }

    /// Sweeps everything left (`finishsweep_m`, and `runtime.GC()`'s own sweep). Returns
    /// the CPU time.
    mutating func finishSweep() -> UInt64 {
        var n: UInt64 = 0
        while sweepOne() != nil { n += 1 }
        // Pop order takes the lowest id first.
        if n > 0 { partialSpans.sortLowestIDOnTop() }
        return n * config.costs.sweepSpanNs
    }

    /// `deductSweepCredit`: before taking a span of `spanBytes`, sweep until the pages
    /// swept keep pace with heapLive's growth. Returns the CPU time.
    mutating func deductSweepCredit(spanBytes: UInt64) -> UInt64 {
        guard gc.unsweptSpans > 0, gc.sweepPagesPerByte > 0 else { return 0 }
        let grown = Double(heapLive &+ spanBytes) - Double(gc.sweepHeapLiveBasis)
        let target = gc.sweepPagesPerByte * grown
        var n: UInt64 = 0
        while Double(gc.pagesSwept - gc.pagesSweptBasis) < target, sweepOne() != nil { n += 1 }
        return n * config.costs.sweepSpanNs
    }

    /// `mcentral.cacheSpan`'s sweeping: unswept spans of the class, until one has a free
    /// slot (at most `spanBudget`). Returns the CPU time.
    mutating func sweepClass(_ spanClass: SpanClass) -> UInt64 {
        let c = Int(spanClass.rawValue)
        var n = 0
        while partialSpans.isEmpty(c), n < CollectorState.spanBudget, let id = popUnswept(c) {
            _ = sweepUnswept(Int(id))
            n += 1
        }
        return UInt64(n) * config.costs.sweepSpanNs
    }

    /// `mheap.reclaim`: before a large allocation, sweep until `npages` pages were freed.
    mutating func reclaim(npages: UInt64) -> UInt64 {
        var freed: UInt64 = 0, n: UInt64 = 0
        while freed < npages, let pages = sweepOne() { freed += pages; n += 1 }
        return n * config.costs.sweepSpanNs
    }

    /// `bgsweep`: on Ps no goroutine uses, sweep one span per `sweepSpanNs`. Runs only
    /// outside marking (the sweep is finished before a cycle starts).
    mutating func backgroundSweep(until now: UInt64) {
        guard now > gc.backgroundSweepNs else { return }
        guard gc.phase == .off, gc.unsweptSpans > 0 else { gc.backgroundSweepNs = now; return }
        let free = UInt64(gomaxprocs - busyProcs)
        let budget = (now - gc.backgroundSweepNs) * free / max(config.costs.sweepSpanNs, 1)
        gc.backgroundSweepNs = now
        var n: UInt64 = 0
        while n < budget, sweepOne() != nil { n += 1 }
    }

    /// `mspan.sweep` for one span: frees the condemned objects. Returns how many.
    // Inlined into ``sweepUnswept(_:)``, its one caller: a call per swept span.
    @inline(__always)
    mutating func sweep(span id: Int) -> UInt64 {
        let span = spans.spans[id], sweepState = spans.sweepStates[id]
        var freed: UInt32 = 0
        if span.tinyRefs >= 0 {
            // Tiny-class slots die when no sub-object is referenced any more: visit the
            // taken slots of each bitmap word only.
            let refs = Int(span.tinyRefs) * SpanTable.tinySlots
            let words = spans.words(id)
            for w in words {
                var taken = spans.bits[w].allocated
                var dead: UInt64 = 0
                while taken != 0 {
                    let bit = taken.trailingZeroBitCount
                    taken &= taken &- 1
                    if spans.tinyRefCounts[refs + (w - words.lowerBound) << 6 + bit] == 0 { dead |= 1 << bit }
                }
                spans.bits[w].allocated &= ~dead
                freed += UInt32(dead.nonzeroBitCount)
            }
        } else if sweepState.condemnedCount > 0 {
            for i in spans.words(id) {
                spans.bits[i].allocated &= ~spans.bits[i].condemned
                spans.bits[i].condemned = 0
            }
            freed = sweepState.condemnedCount
        }
        spans.spans[id].requestedBytes -= min(span.requestedBytes, sweepState.condemnedRequestedBytes)
        spans.sweepStates[id] = SpanSweepState(cachedBy: sweepState.cachedBy)
        guard freed > 0 else { return 0 }
        spans.spans[id].allocCount -= freed
        spans.spans[id].freeIndex = 0
        spans.spans[id].needzero = true
        heapAlloc -= UInt64(freed) * span.elemSize
        frees += UInt64(freed)
        heapObjects -= UInt64(freed)
        return UInt64(freed)
    }
}
