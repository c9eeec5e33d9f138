extension CacheHierarchy {
    // The plain demand path: ``accessLine(_:isWrite:dependent:pageShift:)`` and
    // ``demand(_:isWrite:)`` for the hierarchy shape of the speed goal (issue 6: skylake-sp,
    // or tiny, with prefetchers off) — every level write-back and exact LRU over at most 16
    // ways, none below L1 inclusive or exclusive, no prefetcher, no 3C classification
    // (``plain``; Zen's inclusive L2 and victim L3 take the general path). Then a
    // demand access only looks levels up until a hit and fills every level above it: no
    // per-level inclusion, write-through, prefetched-flag or classification test, and
    // the line is always in L1 afterwards, at the slot the fill or hit left. It changes
    // no figure: the differential tests drive both paths with the same streams and
    // compare every counter, latency row and returned nanosecond.

    /// ``accessLine(_:isWrite:dependent:pageShift:)`` when ``plain``.
    @inline(__always)
    mutating func plainAccessLine(_ line: UInt64, isWrite: Bool, dependent: Bool, pageShift: UInt8) -> Double {
        let (translationNs, pageClass, pageKey) = translateLine(line, pageShift: pageShift, dependent: dependent)
        if line == lastLine {  // every level is write-back: a write stays in L1 too
            return repeatLine(translationNs, isWrite: isWrite, dependent: dependent, pageShift: pageShift,
                              pageClass: pageClass, pageKey: pageKey)
        }
        var ns = translationNs
        // lastPageKey is now pageKey (this line's page) or .max (no dTLB for the class).
        let shift = lastPageKey == pageKey ? UInt16(pageShift) : .max

        dramLines = 0
        let level = plainDemand(line, isWrite: isWrite)
        // Every level allocates, so the line is now the most recent of its L1 set, in the
        // slot the hit or the fill left.
        lastLine = line
        lastSlot = demandL1Slot
        lastLinePageShift = shift
        lastLinePageClass = pageClass
        ns += servedNs(level: level, dependent: dependent)
        ns = max(ns, Double(dramLines) * nsPerDramLine)
        record(ns, isWrite: isWrite)
        return ns
    }

    /// ``demand(_:isWrite:)`` when ``plain``: looks `line` up level by level, then fills
    /// every level above the one that had it (a write's L1 copy dirty). Returns that level
    /// (`levelCount` = DRAM). No line is ever prefetched, so no hit is a prefetch hit.
    @_transparent
    mutating func plainDemand(_ line: UInt64, isWrite: Bool) -> Int {
        var k = 0
        while k < levelCount {
            levelCounters[k].accesses &+= 1
            let s = levels[k].set(of: line)
            let way = levels[k].findWay(line, set: s)
            if way >= 0 {
                levels[k].touchRecency(set: s, way: way)
                levelCounters[k].hits &+= 1
                if isWrite {
                    let f = levels[k].flags(set: s, way: way)
                    if f & Cache<Policy>.dirty == 0 { levels[k].setFlagsInPlace(f | Cache<Policy>.dirty, set: s, way: way) }
                }
                if k == 0 {
                    demandL1Slot = s &* levels[0].ways &+ way
                    return 0
                }
                break
            }
            levelCounters[k].misses &+= 1
            k &+= 1
        }
        if k == levelCount { dramLines &+= 1 }
        var level = k &- 1
        while level > 0 {
            plainInstall(line, at: level, flags: 0)
            level &-= 1
        }
        plainInstall(line, at: 0, flags: isWrite ? Cache<Policy>.dirty : 0)
        return k
    }

    /// ``install(_:at:flags:)`` when ``plain``: no level needs a clean victim's line.
    @_transparent
    mutating func plainInstall(_ line: UInt64, at k: Int, flags: UInt8) {
        let result = levels[k].fillRecency(line, set: levels[k].set(of: line), flags: flags)
        if k == 0 {
            lastLine = .max  // the fast path's line may no longer be its set's most recent
            demandL1Slot = result.slot
        }
        guard result.evicted else { return }
        levelCounters[k].evictions &+= 1
        guard result.victimFlags & Cache<Policy>.dirty != 0 else { return }
        evicted(result.victim, flags: result.victimFlags, at: k)
    }
}
