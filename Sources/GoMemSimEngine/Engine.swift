import GoMemSimCore
import GoMemSimTrace

/// The discrete-event replay engine: it pulls a trace's records, gives each a virtual
/// time, and sends it to the kernel, Go runtime and hardware models; it records the
/// figures at every checkpoint and every sample into a ``RunResult``.
///
/// ```
/// var engine = Engine(source: reader, kernel: LinuxKernel(…), runtime: GoRuntime(…),
///                     hardware: UnmodelledHardware(), config: config)
/// let result = engine.run()      // never throws: see result.status / result.failure
/// ```
///
/// ## Time
/// A virtual clock in nanoseconds. The trace's order is the recorded serialisation of
/// the program; the engine re-times it:
/// - Every goroutine has its own clock; there are `GOMAXPROCS` Ps, each free from
///   some time on. A goroutine's next event starts at
///   `max(its clock, the earliest time a P is free, the global clock)` — the global
///   clock never goes back, so models always see time move forward.
/// - CPU costs (`compute`, and what the models charge for allocation, faults, cache
///   misses, a blocking `runtime.GC()`) advance the goroutine's clock and keep its P
///   busy until then. `sleep` advances the goroutine's clock only (its P is free).
///   `go` starts the child at the parent's clock; `exit` ends a goroutine.
/// - Timers — periodic samples every `RunConfig.sampleIntervalNs`, and the runtime
///   model's `nextDeadline` (background GC, sweeping, scavenging) — live in a
///   ``TimerQueue`` ordered by (time, sequence number). Before an event at time *t*,
///   every timer due at or before *t* fires, in that order. A sleeping goroutine's
///   wake-up is its clock: the scheduler below picks it when its time comes.
///
/// ## Scheduling with a bounded lookahead
/// Records are *admitted* in file order — validated, ids resolved to slots — into a
/// per-goroutine queue, and *executed* in time order: the engine runs, among
/// goroutines that have started and whose next record may run, the one whose clock is
/// earliest (ties: file order). To know every goroutine's next event it reads ahead
/// until each live goroutine has a queued record, but never more than
/// ``lookaheadCapacity`` records in all; when that is full it chooses among what it has
/// read (so a goroutine whose next record lies further away waits, and then starts no
/// earlier than the global clock). Records that touch the same region keep their file
/// order (see ``RegionTable``). All choices depend only on the trace and the config:
/// the schedule is deterministic. The file-oldest queued record can always run, so the
/// scheduler never stalls.
///
/// ## End of trace
/// After the last record the engine runs timers until the runtime model has no
/// deadline left, for at most ``drainLimitNs`` (2 virtual minutes) after the last event
/// and ``drainIterationLimit`` firings, so background work (the scavenger returning
/// memory, a GC cycle in progress) finishes and shows in the samples.
///
/// Times add up saturating at ``endOfTimeNs`` (2⁶² ns, 146 years), and at most
/// ``sampleLimit`` samples are taken, so no trace can overflow the clock or make the
/// replay run forever; the models add their costs and periods to the clock below 2⁶⁴.
///
/// ## Errors
/// An event that makes no sense where it stands (freeing an unknown id, reading past an
/// object's end, a goroutine that was never started) stops the run with status
/// `.failed` and a ``TraceError`` (`file:line:col: expected …, found …`) at the record.
/// Validation happens at admission, so the location is exact. A model error
/// (`ModelError`) arises when a record executes; if lookahead has already read past it,
/// the location is the record's index in the trace (`origin: record N`). `.outOfMemory`
/// ends the run as `.oom`, `.segfault` as `.segfault`, both with a last checkpoint
/// labelled `oom` / `segfault` holding the figures at that moment; `.invalid` as
/// `.failed`.
///
/// ## Memory and speed
/// Live regions, goroutines, the lookahead and the timers: nothing grows with trace
/// length. The engine is `@inlinable` throughout so the module that instantiates it
/// (the CLI, a benchmark) specialises it for its source and models: every per-event
/// call is direct, with no witness-table dispatch. While a single goroutine runs and
/// nothing is read ahead, records run as soon as they are read: the per-object events
/// are validated and executed in one switch, with no lookahead queue, region ticket or
/// slot (there is nothing to order them against; see `Engine+AtOnce.swift`). The
/// tables written per event are ``UnsafeTable``s: no copy-on-write check per write.
public struct Engine<Source: TraceSource, Kernel: KernelModel, Runtime: RuntimeModel, Hardware: HardwareModel> {
    /// Most records read ahead of the one executing.
    @inlinable public static var lookaheadCapacity: Int { 4096 }
    /// How long after the last event background work may still run.
    @inlinable public static var drainLimitNs: UInt64 { 120_000_000_000 }
    /// Most samples a run records (they are output, kept in memory until stored): a
    /// `sleep` of years cannot make a run take forever. 100 000 samples at the default
    /// 10 ms interval cover 1 000 virtual seconds; a longer run wants a longer interval.
    @inlinable public static var sampleLimit: Int { 100_000 }
    /// The latest time the clock reaches: 2⁶² ns. Not `UInt64.max`: the models add costs
    /// and periods to the time they are given (`now + cost`, overflow-checked), and a
    /// `sleep` of 2⁶⁴ − 1 ns followed by an allocation trapped in the Go runtime model.
    @inlinable public static var endOfTimeNs: UInt64 { 1 << 62 }
    /// Most timer firings after the last event.
    @inlinable public static var drainIterationLimit: Int { 1_000_000 }

    public let config: RunConfig
    /// Called with the number of records replayed so far, every ``progressInterval``
    /// records (the CLI prints a progress line on a terminal).
    public var progress: ((_ events: UInt64) -> Void)?
    /// Executed records between two calls of ``progress``.
    public var progressInterval: UInt64 = 1 << 20

    // Clock and CPUs.
    @usableFromInline var now: UInt64 = 0
    /// The latest any goroutine that has exited was busy or asleep until; with the
    /// clocks of the others, ``latestTime``.
    @usableFromInline var horizon: UInt64 = 0
    /// The Ps, in the order the next event takes them (see ``ProcessorQueue``).
    @usableFromInline var processors: ProcessorQueue
    @usableFromInline var timers = TimerQueue()
    /// The runtime deadline a timer is armed for (armed ≤ runtime.nextDeadline).
    @usableFromInline var armedRuntimeDeadline: UInt64?

    // Trace state.
    @usableFromInline var regions = RegionTable()
    @usableFromInline var lookahead = Lookahead(capacity: Engine.lookaheadCapacity)
    /// Goroutine id → slot, for ids admitted alive.
    @usableFromInline var goroutineSlots: [UInt32: Int32] = [:]
    @usableFromInline var lastGoroutine: (id: UInt32, slot: Int32) = (UInt32.max, -1)
    /// Symbol indices of declared files.
    @usableFromInline var declaredFiles: Set<UInt32> = []
    /// Open descriptors → file symbol index.
    @usableFromInline var descriptors: [UInt32: UInt32] = [:]
    @usableFromInline var endOfTrace = false
    @usableFromInline var admittedRecords: UInt64 = 0
    /// Records to execute until ``progress`` is due.
    @usableFromInline var recordsUntilProgress: UInt64 = .max
    /// Executed records per ``EventKind``. The engine's own totals that follow from
    /// them — records executed, live objects — are summed when read, not counted per
    /// event as well (see ``executedRecords``).
    /// (Inline, not a table: its counter per event is one increment, not two loads and
    /// one.)
    @usableFromInline var counts = InlineArray<24, UInt64>(repeating: 0)

    // Engine figures (live objects: see ``liveObjects``).
    @usableFromInline var liveBytes: UInt64 = 0
    @usableFromInline var allocatedBytes: UInt64 = 0
    @usableFromInline var freedBytes: UInt64 = 0

    @usableFromInline var result: RunResult

    // The attached source and models come last: the engine's own state above has a
    // fixed layout, so even code not specialised for these types reaches it at
    // constant offsets.
    public var source: Source
    public var kernel: Kernel
    public var runtime: Runtime
    public var hardware: Hardware

    /// An engine that will replay `source` through the given models.
    @inlinable public init(source: Source, kernel: Kernel, runtime: Runtime, hardware: Hardware, config: RunConfig) {
        self.source = source
        self.kernel = kernel
        self.runtime = runtime
        self.hardware = hardware
        self.config = config
        self.processors = ProcessorQueue(count: config.gomaxprocs)
        self.result = RunResult(origin: source.origin, config: config)
    }

    /// Replays the whole trace (call once) and returns what happened. Never throws: bad
    /// input and a crashed process are results (`status`, `failure`).
    @inlinable public mutating func run() -> RunResult {
        result.kernelModel = kernel.modelName
        result.runtimeModel = runtime.modelName
        result.hardwareModel = hardware.modelName
        recordsUntilProgress = progress != nil && progressInterval > 0 ? progressInterval : .max
        do throws(Stop) {
            try start()
            while try step() {}
            try drain()
        } catch {
            stop(error)
        }
        finish()
        return result
    }
}

extension Engine where Kernel == UnmodelledKernel, Runtime == UnmodelledRuntime, Hardware == UnmodelledHardware {
    /// An engine with no model attached: it validates and times the trace and records
    /// the engine's own figures; every model figure stays `nil`.
    @inlinable public init(source: Source, config: RunConfig) {
        self.init(source: source, kernel: UnmodelledKernel(), runtime: UnmodelledRuntime(),
                  hardware: UnmodelledHardware(), config: config)
    }

    /// Replays `source` with no model attached.
    @inlinable public static func replay(source: Source, config: RunConfig) -> RunResult {
        var engine = Engine(source: source, config: config)
        return engine.run()
    }
}

extension Engine {
    /// Records executed so far: each is counted once, under its kind.
    @inlinable var executedRecords: UInt64 { counts.indices.reduce(0) { $0 &+ counts[$1] } }

    /// The latest any goroutine or P is busy or asleep until: the latest clock of a
    /// goroutine (each only moves forward, and ends no earlier than its P is busy),
    /// kept in its slot while it lives — not compared per event — and in ``horizon``
    /// once it has exited. (A slot an exited goroutine left keeps a clock no later.)
    @inlinable var latestTime: UInt64 {
        lookahead.goroutines.indices.reduce(horizon) { max($0, lookahead.goroutines[$1].clock) }
    }

    /// Objects allocated and not freed: every executed `alloc` allocated one, every
    /// executed `free` freed one (an `alloc` the runtime refused is not executed).
    @inlinable var liveObjects: UInt64 {
        counts[EventKind.alloc.rawValue] &- counts[EventKind.free.rawValue]
    }
}

/// Why a replay stopped early.
@usableFromInline enum Stop: Error {
    case trace(TraceError)
    /// A model refused the record with this 1-based index (0: no record, e.g. at start).
    case model(ModelError, record: UInt64)
}
