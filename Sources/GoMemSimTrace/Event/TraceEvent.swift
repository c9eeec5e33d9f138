/// One thing a Go program did that matters for memory, as a trace records it.
///
/// A trace is a stream of ``TraceRecord``s (an event and the goroutine that did it).
/// The same events have a text form (`.gmt`, one per line) and a binary form
/// (`.gmtb`); `schemas/trace-format.md` specifies both. Every payload is a plain
/// value (strings are interned as ``Symbol``s), so an event is trivially copyable and
/// a reader can hand out millions per second without reference counting.
///
/// ```
/// gomemsim-trace 1
/// alloc 1 600MiB noscan          # b := make([]byte, 600<<20)
/// write 1 0 600MiB               # for i := range b { b[i] = 1 }
/// free 1                         # b = nil
/// gc                             # runtime.GC()
/// checkpoint "after_gc"
/// ```
///
/// Regions: heap objects (`alloc`) and memory mappings (`mmap`) share one id space,
/// so `read`/`write` address either by id and offset, the way Go code indexes a slice
/// whatever backs it.
public enum TraceEvent: Hashable, Sendable {
    // MARK: Heap (Go runtime)

    /// A heap allocation of `size` bytes; `scan` says whether the object holds
    /// pointers (Go puts pointer-free objects in `noscan` spans the GC never scans).
    case alloc(id: RegionID, size: UInt64, scan: Bool)
    /// The last reference to object `id` was dropped: it is garbage from now on. The GC,
    /// not this event, decides when its memory is reusable.
    case free(id: RegionID)
    /// A read of `length` bytes at `offset` in region `id` (a heap object or a mapping).
    /// A long range is a sequential pass: `read 1 0 600MiB` stands for a 600 M-step loop.
    /// `dependent` marks an access whose address came from the previous one (a pointer
    /// chase), so it cannot overlap with it in the memory system.
    case read(id: RegionID, offset: UInt64, length: UInt64, dependent: Bool)
    /// A write of `length` bytes at `offset` in region `id`; a range is a sequential pass.
    case write(id: RegionID, offset: UInt64, length: UInt64)

    // MARK: Raw addresses (imported hardware traces)

    case load(address: UInt64, length: UInt32, dependent: Bool)
    case store(address: UInt64, length: UInt32)

    // MARK: Files and mappings (Linux)

    /// Declares a file of `size` bytes of which the first `cachedBytes` are already in
    /// the page cache (0 = cold start, `size` = warm).
    case declareFile(name: Symbol, size: UInt64, cachedBytes: UInt64)
    /// `os.Open(name)`: file descriptor `fd` now refers to the declared file `name`.
    case open(fd: UInt32, name: Symbol)
    /// `close(fd)`.
    case close(fd: UInt32)
    /// `read(2)` of `length` bytes at file offset `fileOffset` into region `id` at `offset`
    /// (`f.Read(b)`), through the page cache.
    case readFile(fd: UInt32, fileOffset: UInt64, id: RegionID, offset: UInt64, length: UInt64)
    /// `mmap(2)`: maps `length` bytes as region `id`; the kernel picks the address.
    /// `fd` is `nil` for an anonymous mapping.
    case mmap(id: RegionID, length: UInt64, protection: Protection, flags: MapFlags, fd: UInt32?, fileOffset: UInt64)
    /// `munmap(2)` of `length` bytes at `offset` in mapping `id` (the whole mapping
    /// when `offset` is 0 and `length` is its size).
    case munmap(id: RegionID, offset: UInt64, length: UInt64)
    case madvise(id: RegionID, offset: UInt64, length: UInt64, advice: Advice)
    case mprotect(id: RegionID, offset: UInt64, length: UInt64, protection: Protection)

    // MARK: Runtime and scheduling

    /// `runtime.GC()`: a forced, blocking collection.
    case gc
    /// `debug.SetGCPercent(n)`; `nil` is GOGC=off.
    case setGCPercent(Int32?)
    /// `debug.SetMemoryLimit(n)`; `nil` is no limit (math.MaxInt64).
    case setMemoryLimit(UInt64?)
    /// `debug.FreeOSMemory()`.
    case freeOSMemory
    /// Scannable global variables (data+bss holding pointers), in bytes.
    case globals(bytes: UInt64)
    /// CPU work without memory traffic, in nanoseconds of one core.
    case compute(ns: UInt64)
    /// Wall time without CPU (`time.Sleep`), in nanoseconds.
    case sleep(ns: UInt64)
    /// `go func() { … }()`: the current goroutine starts goroutine `goroutine`.
    case spawn(goroutine: UInt32)
    /// The current goroutine returns.
    case exit
    /// A labelled point where the engine records every figure.
    case checkpoint(label: Symbol)
}

/// A trace event and the goroutine (0 = main) that performed it.
public struct TraceRecord: Hashable, Sendable {
    public var goroutine: UInt32
    public var event: TraceEvent

    @inlinable
    public init(goroutine: UInt32 = 0, _ event: TraceEvent) {
        self.goroutine = goroutine
        self.event = event
    }
}

/// A trace-local id of a heap object or a memory mapping.
public typealias RegionID = UInt64

/// An interned string (a file name or a checkpoint label); see ``SymbolTable``.
public struct Symbol: Hashable, Sendable, Comparable {
    public var index: UInt32
    @inlinable public init(_ index: UInt32) { self.index = index }
    @inlinable public static func < (a: Symbol, b: Symbol) -> Bool { a.index < b.index }
}

/// `PROT_*` bits of mmap(2)/mprotect(2).
public struct Protection: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    // Computed and inlinable, not `static let`: a stored static is read through an
    // accessor call and a once-check in other modules, and the kernel tests `.write` on
    // every access.
    @inlinable public static var read: Protection { Protection(rawValue: 1) }
    @inlinable public static var write: Protection { Protection(rawValue: 2) }
    @inlinable public static var exec: Protection { Protection(rawValue: 4) }
    @inlinable public static var none: Protection { Protection(rawValue: 0) }
}

/// `MAP_*` flags of mmap(2) that change how memory behaves.
public struct MapFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `MAP_SHARED`; without it the mapping is `MAP_PRIVATE`.
    @inlinable public static var shared: MapFlags { MapFlags(rawValue: 1) }
    /// `MAP_ANONYMOUS` (set exactly when the event has no file descriptor).
    @inlinable public static var anonymous: MapFlags { MapFlags(rawValue: 2) }
    /// `MAP_POPULATE`: fault every page in at map time.
    @inlinable public static var populate: MapFlags { MapFlags(rawValue: 4) }
}

/// The `madvise(2)` advice values the models act on.
public enum Advice: UInt8, Hashable, Sendable, CaseIterable {
    case dontNeed = 1, free, hugePage, noHugePage, willNeed

    /// The name used in traces and in Linux headers without the `MADV_` prefix.
    public var name: String {
        switch self {
        case .dontNeed: "dontneed"
        case .free: "free"
        case .hugePage: "hugepage"
        case .noHugePage: "nohugepage"
        case .willNeed: "willneed"
        }
    }

    public init?(name: String) {
        guard let advice = Advice.allCases.first(where: { $0.name == name }) else { return nil }
        self = advice
    }
}
