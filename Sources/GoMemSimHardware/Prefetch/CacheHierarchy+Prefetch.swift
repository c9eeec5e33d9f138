extension CacheHierarchy {
    /// Runs the prefetchers after a demand access to `line` served at `level`
    /// (called on an L1 miss or the first use of a prefetched line).
    mutating func trainPrefetchers(_ line: UInt64, level: Int) {
        let pageLineShift: UInt64 = lineShift >= 12 ? 0 : 12 - lineShift
        if nextLine {
            let next = line &+ 1
            if next >> pageLineShift == line >> pageLineShift { prefetch(next, into: 0) }
        }
        if striding, level > 0, let target = strider.train(line) { prefetch(target, into: 0) }
        if level > 0 && streaming { trainStreamer(line) }
        if level > 1 && adjacentPair { prefetch(line ^ 1, into: 1) }  // the other half of the 128 B pair
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
    /// as demand accesses and do not refresh replacement state.
    mutating func prefetch(_ line: UInt64, into target: Int) {
        if flat { return flatPrefetch(line, into: target) }
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
