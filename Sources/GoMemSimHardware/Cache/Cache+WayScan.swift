extension Cache {
    /// The digest stored beside `line`'s tag: the low 32 bits above the set index, which
    /// tell apart lines of one set unless they lie 2^32 lines apart (then the full tag does).
    /// `setShift` is below 64, so the masking shift gives the same value without a check.
    @inlinable @inline(__always)
    func digest(of line: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: line &>> setShift) }

    /// The way of the set starting at slot `base` that holds `line`, or -1.
    ///
    /// A line sits in at most one way, so any scan order gives the same answer. With a
    /// multiple of four ways the digests are compared four at a time (one SSE2 compare);
    /// only a group whose digest matches has its full tags compared, so an empty slot or a
    /// stale digest can cost a look but never a wrong answer. Other sets are scanned way by way.
    @inlinable @inline(__always)
    func findWay(_ line: UInt64, base: Int) -> Int {
        let key = line << 2
        let n = ways
        let digestWord = digestWord
        let wanted = SIMD4<UInt32>(repeating: digest(of: line))
        return storage.withUnsafeBufferPointer { t in
            if n & 3 == 0 {
                guard let words = t.baseAddress else { return -1 }
                let raw = UnsafeRawPointer(words + digestWord) + base &* 4
                var w = 0
                while w < n {
                    if any(raw.loadUnaligned(fromByteOffset: w &* 4, as: SIMD4<UInt32>.self) .== wanted) {
                        var j = w
                        while j < w &+ 4 {
                            if t[base &+ j] & ~3 == key { return j }
                            j &+= 1
                        }
                    }
                    w &+= 4
                }
                return -1
            }
            var w = 0
            while w < n {
                if t[base &+ w] & ~3 == key { return w }
                w &+= 1
            }
            return -1
        }
    }
}
