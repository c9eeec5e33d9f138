import GoMemSimTrace
/// The objects a generator keeps alive, oldest first: a growable ring buffer. Memory is
/// O(live objects), never O(trace length).
public struct LiveObjectQueue: Sendable {
    public struct Object: Sendable, Hashable {
        public var id: RegionID
        public var bytes: UInt64
    }

    /// A power of two in size, so a position wraps with a mask, not a division (an
    /// integer divide costs 20-40 cycles, and a churn step wrapped twice).
    private var storage: [Object] = []
    private var head = 0
    public private(set) var count = 0
    /// The sum of `bytes` over the queue.
    public private(set) var totalBytes: UInt64 = 0

    public init(capacity: Int = 16) {
        let slots = 1 << (Int.bitWidth - (max(2, capacity) - 1).leadingZeroBitCount)  // ≥ capacity
        storage = Array(repeating: Object(id: 0, bytes: 0), count: slots)
    }

    public var isEmpty: Bool { count == 0 }

    /// `storage.count - 1`.
    private var mask: Int { storage.count &- 1 }

    public mutating func append(id: RegionID, bytes: UInt64) {
        if count == storage.count { grow() }
        storage[(head &+ count) & mask] = Object(id: id, bytes: bytes)
        count += 1
        totalBytes += bytes
    }

    /// Removes and returns the oldest object.
    public mutating func removeOldest() -> Object? {
        guard count > 0 else { return nil }
        let object = storage[head]
        head = (head &+ 1) & mask
        count -= 1
        totalBytes -= object.bytes
        return object
    }

    /// Removes and returns the object at `index` (0 = oldest), moving the newest object
    /// into its place: O(1), and order does not matter when victims are chosen at random.
    public mutating func remove(at index: Int) -> Object? {
        guard index >= 0, index < count else { return nil }
        let slot = (head &+ index) & mask
        let last = (head &+ count &- 1) & mask
        let object = storage[slot]
        storage[slot] = storage[last]
        count -= 1
        totalBytes -= object.bytes
        return object
    }

    private mutating func grow() {
        var grown = [Object]()
        grown.reserveCapacity(storage.count * 2)
        for index in 0..<count { grown.append(storage[(head + index) & mask]) }
        grown.append(contentsOf: repeatElement(Object(id: 0, bytes: 0), count: storage.count * 2 - count))
        storage = grown
        head = 0
    }
}

/// Emits `compute` events so that allocation proceeds at a given rate in bytes per
/// CPU-second: after `b` bytes in total the compute time so far is ⌊b·10⁹ / rate⌋ ns,
/// so rounding never accumulates.
public struct AllocationPacer: Sendable, Hashable {
    /// Bytes per CPU-second; 0 emits no compute (allocation as fast as the model allows).
    public let bytesPerSecond: UInt64
    /// Bytes allocated so far.
    public var allocatedBytes: UInt64 { allocated }
    /// Compute emitted so far (ns).
    public var computeNs: UInt64 { computed }
    @usableFromInline var allocated: UInt64 = 0
    @usableFromInline var computed: UInt64 = 0

    public init(bytesPerSecond: UInt64) { self.bytesPerSecond = bytesPerSecond }

    /// The compute (ns) that must follow an allocation of `bytes` to keep the rate.
    /// (Inlinable: called per allocation from generators the engine specialises, and
    /// unpaced — the usual case — it is one add.)
    @inlinable public mutating func computeAfter(allocating bytes: UInt64) -> UInt64 {
        allocated &+= bytes
        guard bytesPerSecond > 0 else { return 0 }
        return pacedCompute()
    }

    @usableFromInline mutating func pacedCompute() -> UInt64 {
        let product = allocated.multipliedFullWidth(by: 1_000_000_000)
        let target: UInt64 = product.high >= bytesPerSecond
            ? .max : bytesPerSecond.dividingFullWidth(product).quotient
        let delta = target &- computed
        computed = target
        return delta
    }
}
