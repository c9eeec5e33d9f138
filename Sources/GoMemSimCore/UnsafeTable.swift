#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable flat array of plain values for the models' and the engine's per-event
/// tables (the engine's region slots, id buckets, goroutine clocks and counters; the
/// allocator's span records, slot bitmap words and latency counts).
///
/// Why not `Array`: every write to an element of an `Array` stored in a model costs a
/// copy-on-write uniqueness check (a runtime call that also makes the caller spill and
/// reload its registers), and the replay loop writes several tables per event —
/// measured at ~35 instructions per event in the engine and ~100 per allocation and
/// release in the Go runtime model. These tables are never shared, so the check buys
/// nothing. Here the elements live in memory owned by a class instance and writes go
/// straight through its pointer.
///
/// **Reference semantics**: a copy of an `UnsafeTable` shares its elements (only
/// `count` is per copy). Its owner never copies it, or makes fresh tables where a copy
/// must be independent (``GoMemSimRuntime/GoRuntime`` when it starts); don't use this
/// type where a copy is meant to be independent.
///
/// Indices are checked (a trap, as `Array` traps): an index comes from the owner's own
/// bookkeeping, never straight from input; ``subscript(unchecked:)`` skips the check
/// where the owner has just proven the index in range.
///
/// Storage starts on a cache line, so an element no larger than a line and dividing it
/// (the id map's 32-byte buckets, a 32-byte slot bitmap word, a 64-byte span record)
/// never straddles two lines. It does not ask for transparent huge pages: on the
/// measuring machine (a VM, THP `madvise`, defrag `madvise`) a fresh advised huge page
/// cost ~4 ms per MiB to fault in — compaction and the host — four times a 4 KiB
/// page's, and the id map's growth to 64 MiB at a million live ids faults in 128 MiB:
/// 10 % of a gc-grid S=64 replay, for no gain once id map lookups went block-local.
/// Only the host's speed changes, never a figure.
public struct UnsafeTable<Element: BitwiseCopyable>: RandomAccessCollection {
    /// Owns the allocation; `let` fields, so reading them needs no exclusivity check.
    @usableFromInline final class Storage {
        @usableFromInline let base: UnsafeMutablePointer<Element>
        @usableFromInline let capacity: Int

        @inlinable init(capacity: Int) {
            self.capacity = capacity
            var memory: UnsafeMutableRawPointer?
            let bytes = Swift.max(capacity * MemoryLayout<Element>.stride, 1)
            guard posix_memalign(&memory, Swift.max(64, MemoryLayout<Element>.alignment), bytes) == 0,
                  let memory else {
                fatalError("UnsafeTable: out of host memory for \(bytes) bytes")
            }
            base = memory.bindMemory(to: Element.self, capacity: capacity)
        }

        deinit { free(base) }
    }

    @usableFromInline var storage: Storage
    @usableFromInline var used: Int

    @inlinable public init() {
        storage = Storage(capacity: 16)
        used = 0
    }

    @inlinable public init(repeating value: Element, count: Int) {
        storage = Storage(capacity: Swift.max(count, 1))
        storage.base.initialize(repeating: value, count: count)
        used = count
    }

    @inlinable public var count: Int { used }
    @inlinable public var isEmpty: Bool { used == 0 }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { used }
    @inlinable public var indices: Range<Int> { 0..<used }

    /// The first element's address (valid until the table next grows): for host
    /// prefetches and probes that have proven their indices in range.
    @inlinable public var base: UnsafeMutablePointer<Element> { storage.base }

    @inlinable public subscript(i: Int) -> Element {
        @inline(__always) unsafeAddress {
            precondition(i >= 0 && i < used, "UnsafeTable index out of range")
            return UnsafePointer(storage.base + i)
        }
        @inline(__always) nonmutating unsafeMutableAddress {
            precondition(i >= 0 && i < used, "UnsafeTable index out of range")
            return storage.base + i
        }
    }

    /// Element `i`, unchecked: only for an index the owner has just proven in range (a
    /// loop over `indices`, a slot it handed out, an enum's raw value in a table of one
    /// counter per case) — in the per-event path, where the checks were ~15
    /// instructions of the engine's ~200.
    @inlinable public subscript(unchecked i: Int) -> Element {
        @inline(__always) unsafeAddress { UnsafePointer(storage.base + i) }
        @inline(__always) nonmutating unsafeMutableAddress { storage.base + i }
    }

    @inline(__always)
    @inlinable public mutating func append(_ value: Element) {
        if used == storage.capacity { grow(toHold: used + 1) }
        (storage.base + used).initialize(to: value)
        used += 1
    }

    /// Appends `n` copies of `value`.
    @inlinable public mutating func append(repeating value: Element, count n: Int) {
        if used + n > storage.capacity { grow(toHold: used + n) }
        (storage.base + used).initialize(repeating: value, count: n)
        used += n
    }

    @inline(__always)
    @inlinable public mutating func popLast() -> Element? {
        guard used > 0 else { return nil }
        used -= 1
        return storage.base[used]
    }

    @inline(__always)
    @inlinable public mutating func removeLast() -> Element {
        precondition(used > 0, "removeLast of an empty UnsafeTable")
        used -= 1
        return storage.base[used]
    }

    /// Doubles the capacity until `needed` elements fit.
    @inline(never)
    @usableFromInline mutating func grow(toHold needed: Int) {
        var capacity = storage.capacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = Storage(capacity: capacity)
        bigger.base.initialize(from: storage.base, count: used)
        storage = bigger
    }
}
