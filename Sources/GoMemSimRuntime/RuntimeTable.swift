/// A growable flat array of plain values for the allocator's per-allocation tables
/// (span records, slot bitmap words, latency bucket counts).
///
/// Why not `Array`: every write to an element of an `Array` stored in the runtime costs
/// a copy-on-write uniqueness check, a runtime call that also makes the caller spill
/// and reload its registers; an allocation wrote three such tables and a release one —
/// ~100 instructions of ~1160 per allocation and its release (callgrind, allocator
/// replay at 10 K live). These tables are never shared, so the check buys nothing. Here the
/// elements live in memory owned by a class instance and writes go straight through
/// its pointer (as the replay engine's `UnsafeTable`).
///
/// **Reference semantics**: a copy shares its elements (only `count` is per copy).
/// ``GoRuntime`` owns its tables and makes fresh ones when it starts; a runtime copied
/// after ``GoRuntime/start(now:kernel:)`` must not be used alongside its original.
///
/// Indices are checked (a trap, as `Array` traps): they come from the runtime's own
/// bookkeeping, never straight from input.
struct RuntimeTable<Element: BitwiseCopyable>: RandomAccessCollection {
    /// Owns the allocation, aligned to a cache line: an element that divides 64 bytes
    /// (a 32-byte ``SlotBits``) never straddles two lines.
    final class Storage {
        let base: UnsafeMutablePointer<Element>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(capacity * MemoryLayout<Element>.stride, 1),
                                                   alignment: Swift.max(64, MemoryLayout<Element>.alignment))
                .bindMemory(to: Element.self, capacity: capacity)
        }

        deinit { base.deallocate() }
    }

    private(set) var storage: Storage
    private(set) var count: Int

    init() {
        storage = Storage(capacity: 16)
        count = 0
    }

    init(repeating value: Element, count: Int) {
        storage = Storage(capacity: Swift.max(count, 1))
        storage.base.initialize(repeating: value, count: count)
        self.count = count
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(i: Int) -> Element {
        @inline(__always) unsafeAddress {
            precondition(i >= 0 && i < count, "RuntimeTable index out of range")
            return UnsafePointer(storage.base + i)
        }
        @inline(__always) nonmutating unsafeMutableAddress {
            precondition(i >= 0 && i < count, "RuntimeTable index out of range")
            return storage.base + i
        }
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == storage.capacity { grow(toHold: count + 1) }
        (storage.base + count).initialize(to: value)
        count += 1
    }

    /// Appends `n` copies of `value`.
    mutating func append(repeating value: Element, count n: Int) {
        if count + n > storage.capacity { grow(toHold: count + n) }
        (storage.base + count).initialize(repeating: value, count: n)
        count += n
    }

    @inline(never)
    private mutating func grow(toHold needed: Int) {
        var capacity = storage.capacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = Storage(capacity: capacity)
        bigger.base.initialize(from: storage.base, count: count)
        storage = bigger
    }
}
