/// LLVM's `llvm.prefetch` intrinsic (`prefetcht0` on x86-64): Swift has no prefetch
/// of its own. Arguments: address, 0 read / 1 write, locality 0…3, 1 data cache.
/// A hint only — it never faults and never changes a result.
@_silgen_name("llvm.prefetch.p0")
func _llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cache: Int32)

/// Asks the CPU to bring the cache line at `address` in ahead of use.
@inline(__always)
func prefetch(_ address: UnsafeRawPointer) {
    _llvmPrefetch(address, 0, 3, 1)
}
