import GoMemSimCore

/// Collections and sweeping: the interface the GC issue will drive.
///
/// Until the GC model arrives, a collection is the simplest honest one: every object the
/// program released so far is dead, everything else is live; the world stops, every
/// span is swept at once, and the heap goal is recomputed from the marked heap
/// (mgcpacer.go `commit`). Marking cost, assists, concurrent sweeping and the trigger
/// ratio come with the GC issue.
extension GoRuntime {
    /// A full, blocking collection; returns the CPU time charged to the caller.
    @discardableResult
    public mutating func collectGarbage(forced: Bool, now: UInt64) -> UInt64 {
        // Mark termination: remember the in-use heap for the scavenger (mgc.go
        // `memstats.lastHeapInUse = gcController.heapInUse`), flush the mcaches.
        lastHeapInUse = heapInuse
        flushMCaches()
        let swept = sweepAll()
        heapMarked = heapAlloc
        heapLive = heapMarked
        lastHeapGoal = heapGoal
        commitHeapGoal()
        numGC += 1
        if forced { numForcedGC += 1 }
        scavenger.searchChunk = pages.chunkCount - 1  // scavengeStartGen: from the top again
        paceScavenger(now: now)
        return forced ? config.costs.gcCycleNs + swept.spans * config.costs.sweepSpanNs : 0
    }

    /// `mcache.releaseAll`: every P gives its cached spans back; the tiny block is dropped.
    public mutating func flushMCaches() {
        for i in mcacheSpans.indices where mcacheSpans[i] >= 0 {
            let id = Int(mcacheSpans[i])
            let span = spans.spans[id]
            // heapLive loses the slots that were counted but never used.
            heapLive -= min(heapLive, UInt64(span.nelems - span.allocCount) * span.elemSize)
            spans.spans[id].cachedBy = -1
            mcacheSpans[i] = -1
        }
        for p in tinyBlocks.indices { tinyBlocks[p] = TinyBlock() }
    }

    /// Sweeps every heap span: released objects' slots become free (`allocBits` loses
    /// them), empty spans return their pages to the heap, partly free spans go to their
    /// mcentral's partial set. The mcaches must be flushed first.
    public mutating func sweepAll() -> (spans: UInt64, objects: UInt64, bytes: UInt64) {
        var sweptSpans: UInt64 = 0, freedObjects: UInt64 = 0, freedBytes: UInt64 = 0
        for i in partialSpans.indices { partialSpans[i].removeAll(keepingCapacity: true) }
        for id in spans.spans.indices where spans.spans[id].state == .heap {
            sweptSpans += 1
            let freed = sweep(span: id)
            freedObjects += freed
            freedBytes += freed * spans.spans[id].elemSize
            let span = spans.spans[id]
            if span.allocCount == 0 {
                freeSpan(id)
            } else if span.allocCount < span.nelems {
                partialSpans[Int(span.spanClass.rawValue)].append(Int32(id))
            }
        }
        // Pop order takes the lowest id first.
        for i in partialSpans.indices { partialSpans[i].reverse() }
        return (sweptSpans, freedObjects, freedBytes)
    }

    /// `mspan.sweep` for one span: returns the number of objects freed.
    mutating func sweep(span id: Int) -> UInt64 {
        let span = spans.spans[id]
        var freed: UInt32 = 0
        if span.tinyRefs >= 0 {
            // Tiny-class slots die when no sub-object is referenced any more.
            let refs = Int(span.tinyRefs) * SpanTable.tinySlots
            for slot in 0..<span.nelems where spans.isAllocated(id, slot) && spans.tinyRefCounts[refs + Int(slot)] == 0 {
                spans.allocBits[id * SpanTable.bitmapWords + Int(slot >> 6)] &= ~(UInt64(1) << UInt64(slot & 63))
                freed += 1
            }
        } else if span.freedCount > 0 {
            for w in 0..<SpanTable.bitmapWords {
                let i = id * SpanTable.bitmapWords + w
                spans.allocBits[i] &= ~spans.freedBits[i]
                spans.freedBits[i] = 0
            }
            freed = span.freedCount
        }
        spans.spans[id].requestedBytes -= min(span.requestedBytes, span.freedRequestedBytes)
        spans.spans[id].freedRequestedBytes = 0
        spans.spans[id].freedCount = 0
        guard freed > 0 else { return 0 }
        spans.spans[id].allocCount -= freed
        spans.spans[id].freeIndex = 0
        spans.spans[id].needzero = true
        heapAlloc -= UInt64(freed) * span.elemSize
        frees += UInt64(freed)
        heapObjects -= UInt64(freed)
        return UInt64(freed)
    }

    /// `gcControllerState.commit` (mgcpacer.go:1269-1278), GOGC part:
    /// `heapMarked + (heapMarked + stacks + globals) * GOGC/100`, at least `heapMinimum`.
    mutating func commitHeapGoal() {
        guard let percent = gcPercent, percent >= 0 else { heapGoal = .max; return }  // GOGC=off
        let scannable = heapMarked + stackInuse + globalsBytes
        let goal = heapMarked + scannable * UInt64(max(percent, 0)) / 100
        heapGoal = max(goal, Self.heapMinimum(percent))
    }
}
