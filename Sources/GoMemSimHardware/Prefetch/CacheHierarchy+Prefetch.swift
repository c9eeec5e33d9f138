extension CacheHierarchy {
    /// Runs the prefetchers after a demand access to `line` served at `level`
    /// (called on an L1 miss or the first use of a prefetched line).
    mutating func trainPrefetchers(_ line: UInt64, level: Int) {
        if flat {  // with the geometry as constants where the shape is skylake-sp's (FlatShape)
            if skylakeSPShaped {
                flatTrainPrefetchers(line, level: level, SkylakeSPShape.self)
            } else {
                flatTrainPrefetchers(line, level: level, AnyFlatShape.self)
            }
            return
        }
        let pageLineShift: UInt64 = lineShift >= 12 ? 0 : 12 - lineShift
        if nextLine {
            let next = line &+ 1
            if next >> pageLineShift == line >> pageLineShift { prefetch(next, into: 0) }
        }
        if striding, level > 0, let target = strider.train(line) { prefetch(target, into: 0) }
        if level > 0 && streaming { trainStreamer(line) }
        if level > 1 && adjacentPair { prefetch(line ^ 1, into: 1) }  // the other half of the 128 B pair
    }

    /// ``trainPrefetchers(_:level:)`` when ``flat``, in the same order (the order the
    /// fills and the streamer's trackers see), the prefetches through
    /// ``flatPrefetch(_:into:_:)`` with `S`'s geometry and each target a constant.
    @inline(__always)
    mutating func flatTrainPrefetchers<S: FlatShape>(_ line: UInt64, level: Int, _ shape: S.Type) {
        let pageLineShift: UInt64 = lineShift >= 12 ? 0 : 12 &- lineShift
        if nextLine {
            let next = line &+ 1
            if next &>> pageLineShift == line &>> pageLineShift { flatPrefetch(next, into: 0, S.self) }
        }
        if striding, level > 0, let target = strider.train(line) { flatPrefetch(target, into: 0, S.self) }
        if level > 0 && streaming { flatTrainStreamer(line, S.self) }
        if level > 1 && adjacentPair { flatPrefetch(line ^ 1, into: 1, S.self) }  // the other half of the 128 B pair
    }

    /// ``trainStreamer(_:)`` when ``flat``.
    @_transparent @discardableResult
    mutating func flatTrainStreamer<S: FlatShape>(_ line: UInt64, _ shape: S.Type) -> Bool {
        guard let (first, last, step) = streamer.train(line) else { return false }
        flatStreamerPrefetches(from: first, through: last, step: step, S.self)
        return true
    }

    /// The streamer's prefetches into L2 of the lines `first` through `last` by `step`
    /// (out of line: most training issues none). A prefetch into L2 makes no streamer
    /// request (only an L1 prefetch does), so the training does not recur.
    @inline(never)
    mutating func flatStreamerPrefetches<S: FlatShape>(from first: UInt64, through last: UInt64, step: Int8,
                                                       _ shape: S.Type) {
        var l = first
        while true {
            flatPrefetch(l, into: 1, S.self)
            if l == last { break }
            l = step > 0 ? l &+ 1 : l &- 1
        }
    }

    /// The fills of a flat prefetch of the absent key `key` into level `target` from level
    /// `source` (`levelCount`: DRAM): each level from `source - 1` up to `target + 1` in
    /// that order (``prefetch(_:into:)``'s), then `target`, flagged prefetched. Written as
    /// a loop over every level below `target` so that it unrolls when `S` fixes the count.
    @_transparent
    mutating func flatPrefetchFills<S: FlatShape>(_ key: UInt64, from source: Int, into target: Int, _ shape: S.Type) {
        let n = S.levelCount ?? levelCount
        if source == n { dramLines &+= 1 }
        var level = n &- 1
        while level > target {
            if level < source { flatFill(key, at: level, S.self) }
            level &-= 1
        }
        flatFill(key | FlatLRUArray.prefetched, at: target, S.self)
        levelCounters[target].prefetches &+= 1
    }

    /// Trains the L2 streamer on `line` and issues its prefetches; returns whether it issued any.
    @discardableResult
    mutating func trainStreamer(_ line: UInt64) -> Bool {
        guard let (first, last, step) = streamer.train(line) else { return false }
        var l = first
        while true {
            prefetch(l, into: 1)
            if l == last { break }
            l = step > 0 ? l &+ 1 : l &- 1
        }
        return true
    }

    /// Brings `line` into level `target` (and the non-victim levels between it and where
    /// the line is) unless it is already at or above `target`. Lookups here do not count
    /// as demand accesses and do not refresh replacement state. The general path's; the
    /// flat path's is ``flatPrefetch(_:into:_:)`` (its training never comes here).
    mutating func prefetch(_ line: UInt64, into target: Int) {
        for k in 0...target where levels[k].slot(of: line) != nil { return }
        var source = levelCount
        var k = target + 1
        while k < levelCount {
            if levels[k].slot(of: line) != nil { source = k; break }
            k += 1
        }
        // An L1 prefetch that L2 cannot serve is a request the L2 streamer sees.
        if target == 0 && streaming && levelCount > 1 && source > 1 && trainStreamer(line) {
            // Its prefetches may have brought the line in already (only then can the lookups differ).
            for k in 0...target where levels[k].slot(of: line) != nil { return }
            source = levelCount
            k = target + 1
            while k < levelCount {
                if levels[k].slot(of: line) != nil { source = k; break }
                k += 1
            }
        }
        var carried: UInt8 = 0
        if source < levelCount && inclusion[source] == .exclusive {
            carried = (levels[source].invalidateInPlace(line) ?? 0) & Cache<Policy>.dirty
        }
        if source == levelCount { dramLines += 1 }
        var level = source - 1
        while level > target {
            if !(inclusion[level] == .exclusive) { install(line, at: level, flags: 0) }
            level -= 1
        }
        install(line, at: target, flags: Cache<Policy>.prefetched | carried)
        levelCounters[target].prefetches &+= 1
    }
}
