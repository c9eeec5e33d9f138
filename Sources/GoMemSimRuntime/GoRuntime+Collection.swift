import GoMemSimCore

/// The Go 1.19 collector (mgc.go, mgcmark.go, mgcpacer.go): a cycle starts when heapLive
/// reaches the pacer's trigger (tested after a span refill or a large allocation), every
/// 2 minutes, or on `runtime.GC()`; then
/// 1. sweep termination (STW #1): the triggering goroutine first sweeps what is left;
///    the released objects become the cycle's dead set (snapshot at the beginning: what
///    the program releases during marking survives this cycle);
/// 2. concurrent mark: dedicated + fractional workers (25 % of GOMAXPROCS, the
///    `startCycle` split) and idle workers on Ps no goroutine uses do the scan work
///    (scannable live heap + stacks + globals) at the cost-table rate; objects allocated
///    meanwhile are black; allocating goroutines pay assists (`gcAssistAlloc`);
/// 3. mark termination (STW #2): `endCycle`, `resetLive(marked:)`, `commit`; every heap
///    span becomes unswept;
/// 4. sweep: lazily per span class on refill, proportionally to heap growth
///    (`deductSweepCredit`), for large allocations (`reclaim`), and by the background
///    sweeper on idle Ps. A dead object's memory is reusable only once its span is swept.
extension GoRuntime {
    // MARK: Inputs

    /// Ps the program's goroutines use: the model has no scheduler, so every started
    /// goroutine counts as runnable. The other Ps run idle mark workers and the sweeper.
    var busyProcs: Int { min(gomaxprocs, max(1, programGoroutines)) }

    /// Copies the allocator's figures into the pacer (Go keeps them in gcController).
    mutating func syncPacer() {
        gc.pacer.heapLive = heapLive
        gc.pacer.heapAlloc = heapAlloc
        gc.pacer.heapFree = heapFree
        gc.pacer.mappedReady = mappedReady
        gc.pacer.stackScan = stackInuse
        gc.pacer.globalsScan = globalsBytes
        gc.pacer.heapScan = gc.liveScanBytes
    }

    /// The goal now (`heapGoal()`: the memory-limit part moves with mapped memory).
    public var currentHeapGoal: UInt64 {
        var pacer = gc.pacer
        pacer.heapLive = heapLive
        pacer.heapAlloc = heapAlloc
        pacer.heapFree = heapFree
        pacer.mappedReady = mappedReady
        return pacer.heapGoal
    }

    // MARK: Trigger

    /// `gcTrigger.test` after a refill or large allocation (malloc.go:1147), and the
    /// 2-minute forced GC. Returns what starting a cycle cost the goroutine.
    mutating func triggerCollectionIfDue(now: UInt64) -> UInt64 {
        guard config.automaticGC, gc.phase == .off else { return 0 }
        if let periodic = periodicGCDeadline, now >= periodic {
            let start = gcStart(now: now, kind: .periodic)
            gc.worldStoppedUntil = max(gc.worldStoppedUntil, now + start)  // sysmon's forcegc helper starts it
            return 0
        }
        syncPacer()
        let trigger = gc.pacer.readTrigger()
        heapGoal = trigger.goal
        guard heapLive >= trigger.trigger else { return 0 }
        return gcStart(now: now, kind: .heap)
    }

    // MARK: Cycle

    /// `gcStart`: finish the previous sweep, stop the world, condemn what was released,
    /// start the mark workers. Returns the starting goroutine's time (sweeping + STW #1).
    mutating func gcStart(now: UInt64, kind: CollectorState.Kind) -> UInt64 {
        let swept = finishSweep()
        let stw1 = config.costs.stopTheWorldNs(gomaxprocs: gomaxprocs)
        let stopAt = now + swept
        updateLimiter(now: stopAt, force: true)
        condemnReleasedObjects()
        syncPacer()
        let trigger = gc.pacer.trigger()
        var cycle = GCCycle()
        cycle.number = numGC + 1
        cycle.startNs = stopAt
        cycle.forced = kind == .forced
        cycle.periodic = kind == .periodic
        cycle.triggerBytes = trigger.trigger
        cycle.heapStart = heapLive
        cycle.heapGoal = trigger.goal
        cycle.stacks = stackInuse
        cycle.globals = globalsBytes
        cycle.gomaxprocs = gomaxprocs
        cycle.stw1Ns = stw1
        gc.cycle = cycle

        let markStart = stopAt + stw1
        wakeScavenger(now: markStart)  // finishsweep_m: scavenger.wake()
        gc.pacer.startCycle(now: markStart, gomaxprocs: gomaxprocs)
        // Scan work: the scannable live heap, stacks, globals. Its CPU cost also marks
        // every live object the scan finds (noscan objects are marked, never scanned).
        gc.heapScanWork = gc.liveScanBytes
        gc.workTotal = Double(gc.liveScanBytes + stackInuse + globalsBytes)
        let liveObjects = heapObjects - min(heapObjects, gc.condemnedObjects)
        let markCost = gc.workTotal * Double(config.costs.scanNsPerKiB) / 1024
            + Double(liveObjects) * Double(config.costs.markObjectNs)
        gc.nsPerWork = markCost / max(gc.workTotal, 1)
        gc.workDone = 0
        // Workers: 25 % of the Ps as dedicated + fractional workers, idle workers on the
        // Ps nobody runs on (none for the periodic GC; all but the workers' when the
        // caller of runtime.GC() blocks).
        let background = Double(gc.pacer.dedicatedMarkWorkersNeeded)
            + gc.pacer.fractionalUtilizationGoal * Double(gomaxprocs)
        let running = kind == .forced ? busyProcs - 1 : busyProcs
        let free = Double(gomaxprocs - running)
        gc.backgroundProcs = max(background, 1e-3)
        gc.idleProcs = kind == .periodic ? 0 : max(0, free - background) * idleShareableFraction()
        gc.backgroundCredit = 0
        gc.assistBytes.resetAll()
        gc.cpuAssistNs = 0
        gc.cpuBackgroundNs = 0
        gc.cpuIdleNs = 0
        gc.assistWork = 0
        gc.markStartNs = markStart
        gc.markUpdatedNs = markStart
        gc.phase = .mark
        estimateMarkEnd()
        gc.pauseTotalNs += stw1
        gc.limiterPendingGCNs += stw1 * UInt64(gomaxprocs)
        gc.worldStoppedUntil = max(gc.worldStoppedUntil, markStart)
        return swept + stw1
    }

    /// The part of the mark work idle workers can get. An idle worker starts only while
    /// work is globally available (proc.go findRunnable → `gcMarkWorkAvailable`), and the
    /// queue holds pointerful objects only: noscan objects are marked inline by whoever
    /// scans the pointer to them (mgcmark.go `greyobject`). A large pointerful object is
    /// scanned in 128 KiB oblets (`maxObletBytes`), queued by the worker that scans its
    /// first one; a gcWork hands a buffer to the global queue only when it holds more
    /// than 4 entries (mgcwork.go `balance`), so an object of at most 5 oblets — with
    /// every noscan object it points to — is marked by one worker alone. When such
    /// serial units are fewer than the Ps, the allocating goroutine, running as the world
    /// restarts, takes them in its assists first; idle Ps get only the rest of the work.
    /// The marking of noscan objects is attributed to the scannable bytes that find them.
    func idleShareableFraction() -> Double {
        guard gc.liveScanBytes > 0 else { return 1 }
        var serialUnits = 0
        var serialBytes: UInt64 = 0
        for (span, sweepState) in zip(spans.spans, spans.sweepStates) where span.isLarge && !span.spanClass.noscan
            && span.allocCount > sweepState.condemnedCount {
            if span.elemSize <= 5 * Self.maxObletBytes {
                serialUnits += 1
                serialBytes += span.elemSize
            }
        }
        guard serialUnits > 0, serialUnits < gomaxprocs else { return 1 }
        return 1 - Double(min(serialBytes, gc.liveScanBytes)) / Double(gc.liveScanBytes)
    }

    /// `maxObletBytes` (mgcmark.go): large objects are scanned in pieces of this size.
    static let maxObletBytes: UInt64 = 128 << 10

    /// The released objects become the cycle's dead set; later releases wait for the next.
    mutating func condemnReleasedObjects() {
        for id in spans.spans.indices where spans.spans[id].state == .heap {
            // Bitmaps lie anywhere (reused by length): the loop stalled on each one.
            spans.prefetchBitmap(id &+ 8)
            var freed: UInt32 = 0, freedRequestedBytes: UInt64 = 0
            for i in spans.words(id) where spans.bits[i].freed != 0 || spans.bits[i].freedRequestedBytes != 0 {
                freed += UInt32(spans.bits[i].freed.nonzeroBitCount)
                freedRequestedBytes += spans.bits[i].freedRequestedBytes
                spans.bits[i].condemned |= spans.bits[i].freed
                spans.bits[i].freed = 0
                spans.bits[i].freedRequestedBytes = 0
            }
            spans.sweepStates[id].condemnedCount += freed
            spans.sweepStates[id].condemnedRequestedBytes += freedRequestedBytes
        }
        gc.condemnedBytes = gc.releasedBytes
        gc.condemnedObjects = gc.releasedObjects
        gc.releasedBytes = 0
        gc.releasedObjects = 0
    }

    /// Background and idle workers' progress up to `now` (they stop when the work is done).
    mutating func updateMark(to now: UInt64) {
        guard gc.phase == .mark, now > gc.markUpdatedNs else { return }
        let dt = Double(now - gc.markUpdatedNs)
        gc.markUpdatedNs = now
        let procs = gc.backgroundProcs + gc.idleProcs
        let capacity = dt * procs / gc.nsPerWork
        let remaining = max(gc.workTotal - gc.workDone, 0)
        let done = min(capacity, remaining)
        let busy = capacity > 0 ? done / capacity : 0
        gc.cpuBackgroundNs += dt * gc.backgroundProcs * busy
        gc.cpuIdleNs += dt * gc.idleProcs * busy
        gc.workDone += done
        gc.backgroundCredit += done
    }

    mutating func estimateMarkEnd() {
        let remaining = max(gc.workTotal - gc.workDone, 0)
        let ns = remaining * gc.nsPerWork / (gc.backgroundProcs + gc.idleProcs)
        gc.markEndNs = gc.markUpdatedNs + UInt64(ns.rounded(.up))
    }

    /// Mark work owed by an allocation during the mark phase (`gcAssistAlloc`): debit the
    /// goroutine's credit by the object's size; in debt, steal background credit, then
    /// scan (at least 64 KiB of work). Returns the goroutine's time, including mark
    /// termination if its assist finished the work.
    mutating func assist(goroutine: UInt32, bytes: UInt64, now: UInt64) -> UInt64 {
        var balance = gc.assistBytes[goroutine] - Int64(clamping: bytes)
        defer { gc.assistBytes[goroutine] = balance }
        guard balance < 0 else { return 0 }
        updateLimiter(now: now, force: false)
        guard !gc.limiter.limiting else { return 0 }  // the CPU limiter turns assists off
        updateMark(to: now)
        syncPacer()
        gc.pacer.scanWork = UInt64(gc.workDone)
        gc.pacer.revise()
        let bytesPerWork = gc.pacer.assistBytesPerWork
        var scanWork = gc.pacer.assistWorkPerByte * Double(-balance)
        if scanWork < CollectorState.overAssistWork { scanWork = CollectorState.overAssistWork }
        let stolen = min(gc.backgroundCredit, scanWork)
        if stolen > 0 {
            gc.backgroundCredit -= stolen
            balance += 1 + Int64(clamping: Int(min(bytesPerWork * stolen, 1e18)))
            if stolen >= scanWork { return 0 }
        }
        let work = min(scanWork - stolen, max(gc.workTotal - gc.workDone, 0))
        let time = work * gc.nsPerWork
        gc.workDone += work
        gc.assistWork += work
        gc.cpuAssistNs += time
        gc.limiterPendingGCNs += UInt64(time)
        balance += 1 + Int64(clamping: Int(min(bytesPerWork * work, 1e18)))
        let timeNs = UInt64(time.rounded(.up))
        if gc.workTotal - gc.workDone < 1 {
            // This assist found no work left: it runs gcMarkDone and mark termination.
            return timeNs + markTermination(at: now + timeNs)
        }
        estimateMarkEnd()
        return timeNs
    }

    /// `gcMarkTermination` at `now`: stop the world, close the cycle's books, pace the
    /// next cycle and the sweeper. Returns the pause.
    @discardableResult
    mutating func markTermination(at now: UInt64) -> UInt64 {
        updateMark(to: now)
        let stw2 = config.costs.stopTheWorldNs(gomaxprocs: gomaxprocs)
        let end = now + stw2
        lastHeapInUse = heapInuse  // memstats.lastHeapInUse for the scavenger
        flushMCaches()
        var cycle = gc.cycle
        cycle.markNs = now - gc.markStartNs
        cycle.stw2Ns = stw2
        cycle.heapEnd = heapLive
        // Everything not condemned was marked: live objects, objects released during
        // the cycle, and the black objects allocated while marking.
        let marked = heapAlloc - min(heapAlloc, gc.condemnedBytes)
        syncPacer()
        gc.pacer.scanWork = UInt64(gc.workTotal)
        gc.pacer.endCycle(now: now, gomaxprocs: gomaxprocs, assistTimeNs: UInt64(gc.cpuAssistNs),
                          idleMarkTimeNs: UInt64(gc.cpuIdleNs))
        gc.pacer.resetLive(marked: marked, scannable: gc.heapScanWork)
        heapMarked = marked
        heapLive = marked
        lastHeapGoal = heapGoal
        syncPacer()
        gc.pacer.commit(isSweepDone: false)
        heapGoal = gc.pacer.heapGoal
        cycle.heapMarked = marked
        cycle.cpuAssistNs = UInt64(gc.cpuAssistNs)
        cycle.cpuBackgroundNs = UInt64(gc.cpuBackgroundNs)
        cycle.cpuIdleNs = UInt64(gc.cpuIdleNs)
        cycle.assistWork = UInt64(gc.assistWork)
        cycle.scanWork = UInt64(gc.workTotal)
        cycle.consMark = gc.pacer.consMark
        numGC += 1
        if cycle.forced { numForcedGC += 1 }
        gc.totalCPUNs += cycle.cpuNs
        // mgc.go gcMarkTermination (1.19): work.totaltime omits idle marking ("free").
        gc.utilizedCPUNs += cycle.cpuNs - cycle.cpuIdleNs
        gc.pauseTotalNs += stw2
        gc.assistTotalNs += cycle.cpuAssistNs
        gc.backgroundTotalNs += cycle.cpuBackgroundNs
        gc.idleTotalNs += cycle.cpuIdleNs
        // GCCPUFraction: GC CPU since start but idle mark workers (STW pauses × GOMAXPROCS,
        // assists, dedicated and fractional workers) over GOMAXPROCS × wall time since start.
        gc.gcCPUFraction = Double(gc.utilizedCPUNs) / (Double(gomaxprocs) * Double(max(end, 1)))
        cycle.gcCPUFraction = gc.gcCPUFraction
        gc.cycles.append(cycle)
        gc.phase = .off
        gc.condemnedBytes = 0
        gc.condemnedObjects = 0
        gc.lastGCEndNs = end
        updatePeriodicGCDeadline()
        gc.worldStoppedUntil = max(gc.worldStoppedUntil, end)
        gc.limiterPendingGCNs += stw2 * UInt64(gomaxprocs)
        updateLimiter(now: end, force: true)
        prepareSweep(at: end)
        paceScavenger(now: end)
        return stw2
    }

    /// Finishes a cycle in progress by its background workers; returns when it ended.
    mutating func finishCycle() -> UInt64 {
        let end = gc.markEndNs
        updateMark(to: end)
        return end + markTermination(at: end)
    }

    /// `runtime.GC()`: wait for a cycle in progress, run a full cycle with the caller
    /// blocked, then sweep everything before returning. Returns the caller's time.
    public mutating func collectGarbage(forced: Bool, now: UInt64) -> UInt64 {
        var t = now
        if gc.phase == .mark { t = max(t, finishCycle()) }
        t += gcStart(now: t, kind: forced ? .forced : .heap)
        t = max(t, gc.markEndNs)
        t += markTermination(at: t)
        t += finishSweep()
        paceScavenger(now: t)
        return t - now
    }

    /// Background GC work due by `now`: mark termination when the workers finish, the
    /// background sweeper, the 2-minute forced GC.
    mutating func advanceCollector(to now: UInt64) {
        if gc.phase == .mark, gc.markEndNs <= now { _ = finishCycle() }
        backgroundSweep(until: now)
        if gc.phase == .off { _ = triggerCollectionIfDue(now: now) }
        updateLimiter(now: now, force: false)
    }

    /// The next time the collector has work due: the end of marking, the background
    /// sweeper finishing, or sysmon's 2-minute GC.
    /// (Always inlined: the engine asks after every event through a mutating method, and
    /// an outlined getter of this large struct is handed a copy of it.)
    @inline(__always)
    var collectorDeadline: UInt64? {
        if gc.phase == .mark { return gc.markEndNs }
        let periodic = periodicGCDeadline
        // Unswept spans first: read after every event, the usual answer needs no more.
        guard gc.unsweptSpans > 0 else { return periodic }
        let free = gomaxprocs - busyProcs
        guard free > 0 else { return periodic }
        // Read after every allocation and free: skip the division for one free P (the
        // usual case), the same value.
        let sweepNs = UInt64(gc.unsweptSpans) * config.costs.sweepSpanNs
        let sweepEnd = gc.backgroundSweepNs + (free == 1 ? sweepNs : sweepNs / UInt64(free))
        return min(sweepEnd, periodic ?? .max)
    }

    /// Recomputes ``periodicGCDeadline`` from its inputs; called wherever one changes
    /// (GOGC, a cycle's end, the program's exit).
    ///
    /// When sysmon forces a cycle: `gcTrigger{kind: gcTriggerTime}.test` (mgc.go) is
    /// `lastgc != 0 && now - lastgc > forcegcperiod`, never with GOGC=off, and not before
    /// the first cycle; nothing is forced once the program has exited.
    mutating func updatePeriodicGCDeadline() {
        guard config.automaticGC, gcPercent != nil, numGC > 0, !exited else { periodicGCDeadline = nil; return }
        let (deadline, overflow) = gc.lastGCEndNs.addingReportingOverflow(CollectorState.forcedPeriodNs + 1)
        periodicGCDeadline = overflow ? nil : deadline
    }

    /// The CPU limiter (mgclimit.go), updated at most every 10 ms unless forced.
    mutating func updateLimiter(now: UInt64, force: Bool) {
        guard now > gc.limiterUpdatedNs,
              force || now - gc.limiterUpdatedNs >= CollectorState.limiterPeriodNs else { return }
        let window = now - gc.limiterUpdatedNs
        let idle = UInt64(gomaxprocs - busyProcs) * window
        gc.limiter.update(now: now, gomaxprocs: gomaxprocs, gcTimeNs: gc.limiterPendingGCNs, idleTimeNs: idle,
                          marking: gc.phase == .mark)
        gc.limiterPendingGCNs = 0
        gc.limiterUpdatedNs = now
    }

    /// `mcache.releaseAll`: every P gives its cached spans back; the tiny block is dropped.
    public mutating func flushMCaches() {
        for i in mcacheSpans.indices where mcacheSpans[i] >= 0 {
            let id = Int(mcacheSpans[i])
            let span = spans.spans[id]
            // heapLive loses the slots that were counted but never used.
            heapLive -= min(heapLive, UInt64(span.nelems - span.allocCount) * span.elemSize)
            spans.sweepStates[id].cachedBy = -1
            mcacheSpans[i] = -1
        }
        for p in tinyBlocks.indices { tinyBlocks[p] = TinyBlock() }
    }

    // MARK: Figures

    /// The cycles so far, oldest first.
    public var gcCycles: [GCCycle] { gc.cycles }

    /// GC CPU by class since start (`/cpu/classes/gc/mark/{assist,dedicated,idle}` and
    /// `/cpu/classes/gc/pause`, dedicated including fractional), ns.
    public var gcCPUTotals: (assist: UInt64, background: UInt64, idle: UInt64, pause: UInt64) {
        (gc.assistTotalNs, gc.backgroundTotalNs, gc.idleTotalNs,
         gc.totalCPUNs - gc.assistTotalNs - gc.backgroundTotalNs - gc.idleTotalNs)
    }

    /// `MemStats.PauseTotalNs`, `GCCPUFraction`.
    public var pauseTotalNs: UInt64 { gc.pauseTotalNs }
    public var gcCPUFraction: Double { gc.gcCPUFraction }

    /// The pacer (goal, trigger, cons/mark) as of the last update.
    public var pacer: GCController { gc.pacer }
}
