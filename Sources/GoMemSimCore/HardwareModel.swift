/// The memory system below virtual addresses: TLBs, caches, prefetchers, DRAM.
/// Every access reaches it after the kernel model has faulted the pages in and told
/// which page size backs them.
public protocol HardwareModel {
    /// E.g. `skylake-sp`; `nil` for a stand-in that models nothing.
    var modelName: String? { get }

    /// Modelled time of a CPU access to `[address, address+length)`, in nanoseconds.
    /// A long range is a sequential pass over it. `dependent` marks an access that waits
    /// on the previous one (no memory-level parallelism).
    mutating func access(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                         pageShift: UInt8) -> UInt64

    func checkpointRows(seq: Int, into rows: inout ModelRows)
    func runRows(into rows: inout ModelRows)
}
