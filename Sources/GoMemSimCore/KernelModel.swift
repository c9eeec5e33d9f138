import GoMemSimTrace

/// The Linux side of a process's memory, as the engine and the Go runtime model see it:
/// an address space of mappings, demand paging, the page cache, reclaim.
///
/// Both the engine (for the trace's own `mmap`, file reads and every access) and the
/// Go runtime model (for arenas, heap growth, scavenging — as the real runtime asks
/// Linux) call it. Costs are virtual nanoseconds of CPU charged to the caller.
/// Implementations are value types; callers are generic over them.
public protocol KernelModel {
    /// A short name for the run record, e.g. `linux-4k-thp-madvise`; `nil` when this is
    /// a stand-in that models nothing.
    var modelName: String? { get }

    /// Declares a file and how much of it is in the page cache.
    mutating func declareFile(name: String, size: UInt64, cachedBytes: UInt64) throws(ModelError)

    /// `mmap(2)`. Returns the mapping's address. `fixedAddress` is a hint the way Go
    /// passes arena hints (`MAP_FIXED_NOREPLACE`-like: used when free).
    mutating func map(length: UInt64, protection: Protection, flags: MapFlags, file: String?,
                      fileOffset: UInt64, fixedAddress: UInt64?) throws(ModelError) -> KernelCall<UInt64>

    mutating func unmap(address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void>
    mutating func advise(address: UInt64, length: UInt64, advice: Advice) throws(ModelError) -> KernelCall<Void>
    mutating func protect(address: UInt64, length: UInt64, protection: Protection) throws(ModelError) -> KernelCall<Void>

    /// A CPU access to `[address, address+length)`: faults pages in as Linux would.
    /// Returns the cost of the faults and the page size backing the range (the
    /// smallest, if mixed), which the TLB model needs.
    mutating func touch(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch

    /// A number that changes whenever a page may leave memory or lose write access (an
    /// munmap, mprotect or madvise, reclaim); faults, which only bring pages in, leave
    /// it. While it holds still, memory a write `touch` reached is still resident and
    /// writable: another write touch there would cost nothing and change nothing, so a
    /// caller may skip it (the Go runtime model zeroing reused memory). `nil` when the
    /// model keeps none.
    var residencyEpoch: UInt64? { get }

    /// The largest private writable mapping the kernel grants at once: with Linux's
    /// default heuristic overcommit (`vm.overcommit_memory=0`) an mmap asking for more
    /// than RAM plus swap fails with ENOMEM. `nil`: no limit.
    var commitLimit: UInt64? { get }

    /// log2 of the page size backing `address` now (12 = 4 KiB, 21 = 2 MiB): for a range
    /// that `touch` found mixed, the engine asks per 2 MiB piece, so each part of the range
    /// reaches the TLB model with its own page size.
    func pageShift(at address: UInt64) -> UInt8

    /// `read(2)` of `length` bytes of `file` at `fileOffset` into memory at `address`,
    /// through the page cache.
    mutating func readFile(_ file: String, fileOffset: UInt64, into address: UInt64,
                           length: UInt64) throws(ModelError) -> KernelCall<Void>

    /// Background kernel work (kswapd, khugepaged) up to `now`.
    mutating func advance(to now: UInt64)

    /// Fills the `/proc/self/status` figures.
    func fill(_ figures: inout MemoryFigures)

    /// Rows for the current state at checkpoint `seq` (e.g. `checkpoint_mappings`).
    func checkpointRows(seq: Int, into rows: inout ModelRows)

    /// Rows summarising the whole run (e.g. `faults`).
    func runRows(into rows: inout ModelRows)
}

/// The result of a system call or fault: a value and its cost in virtual nanoseconds.
public struct KernelCall<Value> {
    public var value: Value
    public var costNs: UInt64
    @inlinable public init(_ value: Value, costNs: UInt64) {
        self.value = value
        self.costNs = costNs
    }
}

extension KernelCall: Sendable where Value: Sendable {}

/// What an access cost in the kernel and which page size backs it.
public struct PageTouch: Hashable, Sendable {
    public var costNs: UInt64
    /// log2 of the page size backing the access (12 = 4 KiB, 21 = 2 MiB).
    public var pageShift: UInt8
    public var minorFaults: UInt32
    public var majorFaults: UInt32

    @inlinable
    public init(costNs: UInt64 = 0, pageShift: UInt8 = 12, minorFaults: UInt32 = 0, majorFaults: UInt32 = 0) {
        self.costNs = costNs
        self.pageShift = pageShift
        self.minorFaults = minorFaults
        self.majorFaults = majorFaults
    }
}

/// A model refused an operation: the process would crash (SIGSEGV on an access to
/// unmapped or protected memory), be OOM-killed, or the request is invalid.
public struct ModelError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Invalid request (munmap of what was never mapped, a read of an undeclared file).
        case invalid
        /// The access would raise SIGSEGV.
        case segfault
        /// The kernel's OOM killer ends the process.
        case outOfMemory = "oom"
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}

extension KernelModel {
    /// A model with no huge pages: 4 KiB everywhere.
    public func pageShift(at address: UInt64) -> UInt8 { 12 }

    /// A model that keeps no epoch: every touch is made.
    public var residencyEpoch: UInt64? { nil }

    /// A model that refuses no mapping.
    public var commitLimit: UInt64? { nil }
}
