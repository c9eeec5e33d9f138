extension SIMDMask where Storage == SIMD4<Int32> {
    /// Whether any lane is set: the standard library's `any(_:)`, written out. Its generic
    /// form stayed out of line in the general cache path — a call per way scan and
    /// paging-structure-cache probe, ~160 instructions a random access (callgrind).
    @inlinable @inline(__always)
    var anyLane: Bool {
        let lanes = unsafeBitCast(self, to: SIMD4<Int32>.self)
        return lanes[0] | lanes[1] | lanes[2] | lanes[3] != 0
    }
}
