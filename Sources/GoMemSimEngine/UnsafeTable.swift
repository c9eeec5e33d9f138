#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable flat array of plain values for the engine's per-event tables (region
/// slots, id buckets, goroutine clocks, per-P times, counters).
///
/// Why not `Array`: every write to an element of an `Array` stored in the engine costs
/// a copy-on-write uniqueness check (a runtime call), and the replay loop writes
/// several tables per event — measured at ~35 instructions per event. These tables are
/// never shared, so the check buys nothing. Here the elements live in memory owned by
/// a class instance and writes go straight through its pointer.
///
/// **Reference semantics**: a copy of an `UnsafeTable` shares its elements (only
/// `count` is per copy). The engine owns its tables and never copies them; don't use
/// this type where a copy is meant to be independent.
///
/// Indices are checked (a trap, as `Array` traps): an index comes from the engine's
/// own bookkeeping, never straight from input.
///
/// Storage starts on a cache line, so an element no larger than a line and dividing it
/// (the id map's 32-byte buckets) never straddles two lines. It does not ask for
/// transparent huge pages: on the measuring machine (a VM, THP `madvise`, defrag
/// `madvise`) a fresh advised huge page cost ~4 ms per MiB to fault in — compaction
/// and the host — four times a 4 KiB page's, and the id map's growth to 64 MiB at a
/// million live ids faults in 128 MiB: 10 % of a gc-grid S=64 replay, for no gain once
/// id map lookups went block-local (a random-read churn at a million live ids ran no
/// slower on 4 KiB pages). Only the host's speed changes, never a figure.
@usableFromInline struct UnsafeTable<Element: BitwiseCopyable> {
    /// Owns the allocation; `let` fields, so reading them needs no exclusivity check.
    @usableFromInline final class Storage {
        @usableFromInline let base: UnsafeMutablePointer<Element>
        @usableFromInline let capacity: Int

        @inlinable init(capacity: Int) {
            self.capacity = capacity
            base = hostAllocate(byteCount: capacity * MemoryLayout<Element>.stride).bindMemory(to: Element.self, capacity: capacity)
        }

        deinit { free(base) }
    }

    @usableFromInline var storage: Storage
    @usableFromInline var count: Int

    @inlinable init() {
        storage = Storage(capacity: 16)
        count = 0
    }

    @inlinable init(repeating value: Element, count: Int) {
        storage = Storage(capacity: Swift.max(count, 1))
        storage.base.initialize(repeating: value, count: count)
        self.count = count
    }

    @inlinable var isEmpty: Bool { count == 0 }
    @inlinable var indices: Range<Int> { 0..<count }

    @inlinable subscript(i: Int) -> Element {
        @inline(__always) unsafeAddress {
            precondition(i >= 0 && i < count, "UnsafeTable index out of range")
            return UnsafePointer(storage.base + i)
        }
        @inline(__always) nonmutating unsafeMutableAddress {
            precondition(i >= 0 && i < count, "UnsafeTable index out of range")
            return storage.base + i
        }
    }

    /// Element `i`, unchecked: only for an index the engine has just proven in range
    /// (a loop over `indices`, a goroutine slot it handed out, an ``EventKind`` raw
    /// value in a table of one counter per kind) — in the per-event path, where the
    /// checks were ~15 instructions of ~200.
    @inlinable subscript(unchecked i: Int) -> Element {
        @inline(__always) unsafeAddress { UnsafePointer(storage.base + i) }
        @inline(__always) nonmutating unsafeMutableAddress { storage.base + i }
    }

    @inline(__always)
    @inlinable mutating func append(_ value: Element) {
        if count == storage.capacity { grow() }
        (storage.base + count).initialize(to: value)
        count += 1
    }

    @inline(__always)
    @inlinable mutating func popLast() -> Element? {
        guard count > 0 else { return nil }
        count -= 1
        return storage.base[count]
    }

    @inline(__always)
    @inlinable mutating func removeLast() -> Element {
        precondition(count > 0, "removeLast of an empty UnsafeTable")
        count -= 1
        return storage.base[count]
    }

    @inline(never)
    @usableFromInline mutating func grow() {
        let bigger = Storage(capacity: storage.capacity * 2)
        bigger.base.initialize(from: storage.base, count: count)
        storage = bigger
    }
}

/// Memory for an ``UnsafeTable``: cache-line aligned. Released with `free`.
@usableFromInline func hostAllocate(byteCount: Int) -> UnsafeMutableRawPointer {
    var memory: UnsafeMutableRawPointer?
    let bytes = Swift.max(byteCount, 1)
    guard posix_memalign(&memory, 64, bytes) == 0, let memory else {
        fatalError("UnsafeTable: out of host memory for \(bytes) bytes")
    }
    return memory
}
