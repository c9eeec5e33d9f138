import GoMemSimTrace

// Stand-ins the engine uses until a model is attached. They keep the replay honest:
// they compute no figure (everything stays NULL), cost nothing, and say so through a
// `nil` `modelName`. They only do what the engine needs to keep going: hand out
// distinct addresses so regions can be told apart.

/// No kernel model: mappings get addresses from a bump pointer; nothing is resident.
public struct UnmodelledKernel: KernelModel {
    private var nextAddress: UInt64 = 0x7f00_0000_0000
    private var files: Set<String> = []

    public init() {}

    public var modelName: String? { nil }

    public mutating func declareFile(name: String, size: UInt64, cachedBytes: UInt64) throws(ModelError) {
        files.insert(name)
    }

    public mutating func map(length: UInt64, protection: Protection, flags: MapFlags, file: String?,
                             fileOffset: UInt64, fixedAddress: UInt64?) throws(ModelError) -> KernelCall<UInt64> {
        if let file, !files.contains(file) { throw ModelError(.invalid, "mmap of undeclared file \"\(file)\"") }
        let address = nextAddress
        nextAddress &+= (length + 0xFFF) & ~0xFFF + 0x1000  // a guard page between mappings; wraps, never traps
        return KernelCall(address, costNs: 0)
    }

    public mutating func unmap(address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void> {
        KernelCall((), costNs: 0)
    }

    public mutating func advise(address: UInt64, length: UInt64, advice: Advice) throws(ModelError) -> KernelCall<Void> {
        KernelCall((), costNs: 0)
    }

    public mutating func protect(address: UInt64, length: UInt64, protection: Protection) throws(ModelError) -> KernelCall<Void> {
        KernelCall((), costNs: 0)
    }

    public mutating func touch(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch {
        PageTouch()
    }

    /// A touch never costs or changes anything here: one epoch for the whole run.
    public var residencyEpoch: UInt64? { 0 }

    public mutating func readFile(_ file: String, fileOffset: UInt64, into address: UInt64,
                                  length: UInt64) throws(ModelError) -> KernelCall<Void> {
        guard files.contains(file) else { throw ModelError(.invalid, "read of undeclared file \"\(file)\"") }
        return KernelCall((), costNs: 0)
    }

    public mutating func advance(to now: UInt64) {}
    public func fill(_ figures: inout MemoryFigures) {}
    public func checkpointRows(seq: Int, into rows: inout ModelRows) {}
    public func runRows(into rows: inout ModelRows) {}
}

/// No Go runtime model: objects get 16-byte-aligned addresses from a bump pointer.
public struct UnmodelledRuntime: RuntimeModel {
    private var nextAddress: UInt64 = 0xc0_0000_0000

    public init() {}

    public var modelName: String? { nil }

    public mutating func start<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) {}

    public mutating func allocate<K: KernelModel>(size: UInt64, scan: Bool, goroutine: UInt32, now: UInt64,
                                                  kernel: inout K) throws(ModelError) -> Allocation {
        let address = nextAddress
        nextAddress &+= max(16, (size &+ 15) & ~15)  // wraps rather than trap: identity only
        return Allocation(address: address, costNs: 0)
    }

    public mutating func release(address: UInt64, size: UInt64, scan: Bool) {}
    public mutating func collect<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 { 0 }
    public mutating func freeOSMemory<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 { 0 }
    public mutating func setGCPercent(_ percent: Int32?, now: UInt64) {}
    public mutating func setMemoryLimit(_ bytes: UInt64?, now: UInt64) {}
    public mutating func setGlobals(bytes: UInt64) {}
    public mutating func goroutineStarted(_ goroutine: UInt32, now: UInt64) {}
    public mutating func goroutineExited(_ goroutine: UInt32, now: UInt64) {}
    public var nextDeadline: UInt64? { nil }
    public mutating func advance<K: KernelModel>(to now: UInt64, kernel: inout K) throws(ModelError) {}
    public func fill(_ figures: inout MemoryFigures) {}
    public func checkpointRows(seq: Int, into rows: inout ModelRows) {}
    public func runRows(into rows: inout ModelRows) {}
}

/// No hardware model: accesses take no modelled time.
public struct UnmodelledHardware: HardwareModel {
    public init() {}
    public var modelName: String? { nil }
    public mutating func access(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                                pageShift: UInt8) -> UInt64 { 0 }
    public func checkpointRows(seq: Int, into rows: inout ModelRows) {}
    public func runRows(into rows: inout ModelRows) {}
}
