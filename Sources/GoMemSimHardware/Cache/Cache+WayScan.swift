extension Cache {
    /// The entry a way holding `line` carries, flags aside: the low 29 bits of the line
    /// above its set index, then the valid bit. It tells apart lines of one set unless they
    /// lie 2^29 sets apart (then the full tag does). `setShift` is below 64, so the masking
    /// shift gives the same value without a check.
    @inlinable @inline(__always)
    func entryKey(_ line: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: line &>> setShift) &<< 3 | Self.valid }

    /// The way of `set` that holds `line`, or -1.
    ///
    /// A line sits in at most one way, so any scan order gives the same answer. With a
    /// multiple of four ways the entries are compared four at a time (one SSE2 compare);
    /// only a way whose entry matches has its full tag compared (in wide mode; a narrow
    /// entry is the tag), so a digest can cost a look but never a wrong answer, and an
    /// empty way (valid bit clear) never matches.
    @_transparent @usableFromInline
    func findWay(_ line: UInt64, set s: Int) -> Int {
        let key = entryKey(line)
        let n = ways
        let blockByte = s &* stride &* 8
        let tagAt = tagWord &+ s &* n
        let wide = wide
        if !wide && line &>> narrowShift != 0 { return -1 }  // a narrow cache holds no wide line
        let words = storage.words
        do {
            let block = UnsafeRawPointer(words) + blockByte
            if n & 3 == 0 && n <= 16 {
                // Up to 16 ways (every preset's caches and TLBs): the whole set's compares
                // OR-ed, one branch when the line is absent (most lookups below L1); a
                // match is then found group by group below.
                let wanted = SIMD4<UInt32>(repeating: key)
                let noFlags = SIMD4<UInt32>(repeating: ~3)
                var m = block.loadUnaligned(as: SIMD4<UInt32>.self) & noFlags .== wanted
                if n > 4 { m .|= block.loadUnaligned(fromByteOffset: 16, as: SIMD4<UInt32>.self) & noFlags .== wanted }
                if n > 8 { m .|= block.loadUnaligned(fromByteOffset: 32, as: SIMD4<UInt32>.self) & noFlags .== wanted }
                if n > 12 { m .|= block.loadUnaligned(fromByteOffset: 48, as: SIMD4<UInt32>.self) & noFlags .== wanted }
                guard m.anyLane else { return -1 }
            }
            if n & 3 == 0 {
                let wanted = SIMD4<UInt32>(repeating: key)
                let noFlags = SIMD4<UInt32>(repeating: ~3)
                var w = 0
                while w < n {
                    let e = block.loadUnaligned(fromByteOffset: w &* 4, as: SIMD4<UInt32>.self) & noFlags
                    if (e .== wanted).anyLane {
                        var j = w
                        while j < w &+ 4 {
                            if e[j &- w] == key && (!wide || words[tagAt &+ j] == line) { return j }
                            j &+= 1
                        }
                    }
                    w &+= 4
                }
                return -1
            }
            var w = 0
            while w < n {
                if block.load(fromByteOffset: w &* 4, as: UInt32.self) & ~3 == key && (!wide || words[tagAt &+ w] == line) { return w }
                w &+= 1
            }
            return -1
        }
    }

    /// The first way of the block at `block` whose valid bit is clear, or -1 (the set is
    /// full, the common case once warm: then four entries are tested per instruction).
    @_transparent @usableFromInline
    static func firstEmptyWay(_ block: UnsafeRawPointer, ways n: Int) -> Int {
        if n & 3 == 0 && n <= 16 {
            // A full set (the common case once warm): the valid bits of the whole set AND-ed.
            let validBit = SIMD4<UInt32>(repeating: valid)
            var all = block.loadUnaligned(as: SIMD4<UInt32>.self)
            if n > 4 { all &= block.loadUnaligned(fromByteOffset: 16, as: SIMD4<UInt32>.self) }
            if n > 8 { all &= block.loadUnaligned(fromByteOffset: 32, as: SIMD4<UInt32>.self) }
            if n > 12 { all &= block.loadUnaligned(fromByteOffset: 48, as: SIMD4<UInt32>.self) }
            if !(all & validBit .== .zero).anyLane { return -1 }
        }
        if n & 3 == 0 {
            let validBit = SIMD4<UInt32>(repeating: valid)
            var w = 0
            while w < n {
                let e = block.loadUnaligned(fromByteOffset: w &* 4, as: SIMD4<UInt32>.self) & validBit
                if (e .!= validBit).anyLane {
                    var j = w
                    while e[j &- w] != 0 { j &+= 1 }
                    return j
                }
                w &+= 4
            }
            return -1
        }
        var w = 0
        while w < n {
            if block.load(fromByteOffset: w &* 4, as: UInt32.self) & valid == 0 { return w }
            w &+= 1
        }
        return -1
    }
}
