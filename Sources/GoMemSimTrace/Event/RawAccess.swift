/// One load or store of a raw-address trace (`load`, `load dep`, `store` records), as
/// ``BinaryTraceReader/readAccesses(into:)`` decodes them in batches: 16 bytes, no
/// goroutine and no payload enum, for a cache simulation's inner loop.
public struct RawAccess: Hashable, Sendable {
    public var address: UInt64
    /// Bytes accessed (below 2^32, as the format stores them).
    public var length: UInt32
    public var isWrite: Bool
    /// A load whose address came from an earlier load (a pointer chase): its latency is not overlapped.
    public var dependent: Bool

    public init(address: UInt64 = 0, length: UInt32 = 0, isWrite: Bool = false, dependent: Bool = false) {
        self.address = address
        self.length = length
        self.isWrite = isWrite
        self.dependent = dependent
    }
}
