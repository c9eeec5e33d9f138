import GoMemSimCore
import GoMemSimTrace

// The clock, timers, figures and the run's start and end.

extension Engine {
    @inlinable mutating func start() throws(Stop) {
        // Fresh tables for this run: an UnsafeTable is shared by copies, so an engine
        // copied before `run()` must not replay into its original's tables.
        processors = ProcessorQueue(count: processors.count)
        counts = InlineArray(repeating: 0)
        // One counter per kind (the per-event count is unchecked): not input-dependent.
        precondition(counts.count == EventKind.allCases.count, "Engine.counts: one counter per EventKind")
        regions = RegionTable()
        lookahead = Lookahead(capacity: Self.lookaheadCapacity)
        let main = lookahead.spawn(id: 0, started: true, clock: 0)
        goroutineSlots[0] = main
        do throws(ModelError) {
            try runtime.start(now: 0, kernel: &kernel)
        } catch {
            throw .model(error, record: 0)
        }
        runtime.goroutineStarted(0, now: 0)
        armRuntimeTimer()
        if config.sampleIntervalNs > 0 { timers.push(at: config.sampleIntervalNs, .sample) }
    }

    /// Fires every timer due at or before `time`, in (time, sequence) order, then moves
    /// the clock to `time`.
    @inline(__always)
    @inlinable mutating func advanceClock(to time: UInt64) throws(Stop) {
        // Inlined check: almost every event finds no timer due (one per 10 ms sample).
        if timers.nextTime <= time { try fireTimers(through: time) }
        if time > now {
            now = time
            kernel.advance(to: now)
        }
    }

    /// Fires every timer due at or before `time`, in (time, sequence) order.
    @inlinable mutating func fireTimers(through time: UInt64) throws(Stop) {
        while let timer = timers.first, timer.time <= time {
            timers.pop()
            if timer.time > now {
                now = timer.time
                kernel.advance(to: now)
            }
            switch timer.kind {
            case .sample:
                result.samples.append(Sample(timeNs: timer.time, figures: figures()))
                let (next, overflow) = timer.time.addingReportingOverflow(config.sampleIntervalNs)
                if !overflow, result.samples.count < Self.sampleLimit { timers.push(at: next, .sample) }
            case .runtimeDeadline:
                // A timer left queued when the deadline moved earlier still runs what is
                // due at its time, but only the armed one gives way to a new one: each
                // firing re-arming made the queue grow by one per firing, for good.
                if armedRuntimeDeadline == timer.time { armedRuntimeDeadline = nil }
                if let deadline = runtimeDeadline(), deadline <= timer.time {
                    do throws(ModelError) {
                        try runtime.advance(to: timer.time, kernel: &kernel)
                    } catch {
                        throw .model(error, record: executedRecords)
                    }
                }
                armRuntimeTimer(after: timer.time)
            }
        }
    }

    /// Arms a timer for the runtime's next deadline unless one is armed at or before it.
    /// A deadline not after `after` (a model that did not move it) is armed 1 ns later,
    /// so time always moves.
    ///
    /// Called after every model call that may move the deadline. After one that did not
    /// (``Allocation/keepsDeadline``, ``RuntimeModel/releaseKeepsDeadline``) it would
    /// return at once: the last call left `armed ≤ max(deadline, then)`, or no deadline,
    /// and a timer that fired since re-armed (``fireTimers(through:)``) — so it is skipped.
    @inline(__always)
    @inlinable mutating func armRuntimeTimer(after fired: UInt64? = nil) {
        guard var deadline = runtimeDeadline() else { return }
        if let fired, deadline <= fired { deadline = fired.saturatingAdd(1) }
        deadline = max(deadline, now)  // the time the timer fires at, which identifies it
        if let armed = armedRuntimeDeadline, armed <= deadline { return }
        armedRuntimeDeadline = deadline
        timers.push(at: deadline, .runtimeDeadline)
    }

    /// `runtime.nextDeadline`, read through `inout` (see
    /// ``RuntimeModel/readNextDeadline()``: the getter cost a 1.9 KiB copy of the Go
    /// runtime model per allocation and free, 8 % of a gc-grid replay — measured).
    @inline(__always)
    @inlinable mutating func runtimeDeadline() -> UInt64? { runtime.readNextDeadline() }

    /// After the last event: background work until the runtime has none left.
    @inlinable mutating func drain() throws(Stop) {
        let lastEnd = latestTime
        try advanceClock(to: lastEnd)
        runtime.programExited(now: now)
        let limit = lastEnd.saturatingAdd(Self.drainLimitNs)
        var iterations = 0
        while let deadline = runtimeDeadline(), deadline <= limit, iterations < Self.drainIterationLimit {
            try advanceClock(to: max(deadline, now))
            iterations += 1
        }
    }

    /// The figures now: the engine's, then the kernel's and the runtime's.
    @inlinable func figures() -> MemoryFigures {
        var figures = MemoryFigures()
        figures.liveObjects = liveObjects
        figures.liveBytes = liveBytes
        figures.allocatedBytes = allocatedBytes
        figures.freedBytes = freedBytes
        kernel.fill(&figures)
        runtime.fill(&figures)
        return figures
    }

    @inlinable mutating func recordCheckpoint(label: String, at time: UInt64) {
        let seq = result.checkpoints.count
        result.checkpoints.append(Checkpoint(seq: seq, label: label, timeNs: time, figures: figures()))
        kernel.checkpointRows(seq: seq, into: &result.modelRows)
        runtime.checkpointRows(seq: seq, into: &result.modelRows)
        hardware.checkpointRows(seq: seq, into: &result.modelRows)
    }

    @inlinable mutating func stop(_ error: Stop) {
        switch error {
        case let .trace(error):
            result.status = .failed
            result.failure = error.description
        case let .model(error, record):
            let location: SourceLocation = record == admittedRecords && record > 0
                ? source.location : .record(origin: source.origin, index: record)
            result.failure = TraceError(location, error.message).description
            switch error.kind {
            case .invalid:
                result.status = .failed
            case .outOfMemory, .segfault:
                result.status = error.kind == .outOfMemory ? .oom : .segfault
                recordCheckpoint(label: error.kind.rawValue, at: now)
            }
        }
    }

    @inlinable mutating func finish() {
        result.events = executedRecords
        result.virtualTimeNs = result.status == .complete ? max(now, latestTime) : now
        result.eventCounts = EventKind.allCases
            .filter { counts[$0.rawValue] > 0 }
            .map { (kind: $0.name, count: counts[$0.rawValue]) }
            .sorted { $0.kind < $1.kind }
        kernel.runRows(into: &result.modelRows)
        runtime.runRows(into: &result.modelRows)
        hardware.runRows(into: &result.modelRows)
    }
}
