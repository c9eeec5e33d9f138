import GoMemSimTrace

/// The Go runtime's side: allocator, garbage collector, scavenger. It asks the kernel
/// model for memory the way the real runtime asks Linux (reserve arenas, map heap,
/// madvise released pages), so its methods take the kernel `inout`.
///
/// Time: the engine passes the virtual clock (`now`, ns); a method returns the CPU
/// time it cost the calling goroutine (allocation paths, assists, a blocking
/// `runtime.GC()`), and background work (mark workers, sweeper, scavenger, forced GC)
/// runs when the engine calls ``advance(to:kernel:)`` at or after ``nextDeadline``.
public protocol RuntimeModel {
    /// E.g. `go1.19`; `nil` for a stand-in that models nothing.
    var modelName: String? { get }

    /// Sets up the process image (binary, runtime reservations) before the first event.
    mutating func start<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError)

    /// `new`/`make`: returns the object's address and the allocating goroutine's cost.
    mutating func allocate<K: KernelModel>(size: UInt64, scan: Bool, goroutine: UInt32, now: UInt64,
                                           kernel: inout K) throws(ModelError) -> Allocation

    /// The object at `address` became unreachable (the trace's `free`).
    mutating func release(address: UInt64, size: UInt64, scan: Bool)
    /// Whether ``release(address:size:scan:)`` never moves ``nextDeadline`` (it only
    /// marks the object dead): the engine then need not read the deadline after a free,
    /// ~25 instructions per free. Default: `false`.
    static var releaseKeepsDeadline: Bool { get }
    /// A host hint, no modelled effect: the objects at `later` and `sooner` (0: none
    /// known) are likely released a few records from now, `sooner` first. A model whose
    /// release reads metadata far larger than the host's caches (a million live objects'
    /// spans and bitmaps) starts loading it here, so that release does not stall on it;
    /// it must change no state and no figure. Called only while ``prefetchesReleases``.
    /// Default: nothing.
    mutating func prefetchReleases(later: UInt64, sooner: UInt64)
    /// Whether the engine should call ``prefetchReleases(later:sooner:)`` before a free:
    /// read per free, so a model makes it a stored property (finding the addresses and
    /// the call cost ~25 instructions per free where there is nothing to hide). Default:
    /// `false`.
    var prefetchesReleases: Bool { get }

    /// A write of `bytes` into a pointerful (`scan`) object: the write barrier's cost to
    /// the writing goroutine, paid only while the collector marks. Default: 0.
    mutating func writeBarrier(bytes: UInt64, now: UInt64) -> UInt64

    /// `runtime.GC()`; returns the blocking time of the caller.
    mutating func collect<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64
    /// `debug.FreeOSMemory()`; returns the blocking time of the caller.
    mutating func freeOSMemory<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64
    mutating func setGCPercent(_ percent: Int32?, now: UInt64)
    mutating func setMemoryLimit(_ bytes: UInt64?, now: UInt64)
    mutating func setGlobals(bytes: UInt64)
    mutating func goroutineStarted(_ goroutine: UInt32, now: UInt64)
    mutating func goroutineExited(_ goroutine: UInt32, now: UInt64)

    /// The next time background work wants to run, if any.
    var nextDeadline: UInt64? { get }
    /// ``nextDeadline``, read through `inout`: the engine asks after every allocation and
    /// free. A non-inlinable getter of a large struct called from another module is
    /// handed a copy of the whole model (a memcpy per call), a mutating method its
    /// address; a large model implements this as `nextDeadline`. Default: `nextDeadline`.
    mutating func readNextDeadline() -> UInt64?
    /// Runs background work due up to `now`.
    mutating func advance<K: KernelModel>(to now: UInt64, kernel: inout K) throws(ModelError)
    /// The trace ended at `now`: `main` returned. Background work already under way may
    /// finish (the engine drains it), but nothing new starts on a timer (sysmon's
    /// 2-minute GC). Default: nothing.
    mutating func programExited(now: UInt64)

    /// Fills the `runtime.MemStats` figures.
    func fill(_ figures: inout MemoryFigures)
    func checkpointRows(seq: Int, into rows: inout ModelRows)
    func runRows(into rows: inout ModelRows)
}

/// Where an allocation landed and what it cost the allocating goroutine.
public struct Allocation: Hashable, Sendable {
    public var address: UInt64
    public var costNs: UInt64
    /// The allocation left the model's ``RuntimeModel/nextDeadline`` as it was (an
    /// allocation from the cached span, say, as opposed to one that refilled, swept or
    /// started a cycle): the engine need not read it again. `false` when unsure.
    public var keepsDeadline: Bool
    @inlinable public init(address: UInt64, costNs: UInt64, keepsDeadline: Bool = false) {
        self.address = address
        self.costNs = costNs
        self.keepsDeadline = keepsDeadline
    }
}

extension RuntimeModel {
    @inlinable public static var releaseKeepsDeadline: Bool { false }
    @inlinable public mutating func prefetchReleases(later: UInt64, sooner: UInt64) {}
    @inlinable public var prefetchesReleases: Bool { false }
    @inlinable public mutating func readNextDeadline() -> UInt64? { nextDeadline }
    @inlinable public mutating func programExited(now: UInt64) {}
    @inlinable public mutating func writeBarrier(bytes: UInt64, now: UInt64) -> UInt64 { 0 }
}
