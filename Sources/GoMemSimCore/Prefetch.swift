/// LLVM's `llvm.prefetch` intrinsic (`prefetcht0` on x86-64): Swift has no prefetch
/// of its own. Arguments: address, 0 read / 1 write, locality 0…3, 1 data cache.
/// A hint only — it never faults and never changes a result.
@_silgen_name("llvm.prefetch.p0")
@usableFromInline func _llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cache: Int32)

/// Asks the host CPU to bring the cache line at `address` in ahead of use, so a lookup
/// in a table far larger than the host's caches (a million live ids, a modelled 32 MiB
/// L3's sets) overlaps its DRAM latency with the work before it instead of stalling on it.
@inline(__always)
@inlinable public func prefetch(_ address: UnsafeRawPointer) {
    _llvmPrefetch(address, 0, 3, 1)
}
