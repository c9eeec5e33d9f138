extension CacheHierarchy {
    // The plain demand path: ``accessLine(_:isWrite:dependent:pageShift:)``,
    // ``demand(_:isWrite:)`` and ``translate(_:address:pageClass:dependent:)`` for the
    // hierarchy shape of the speed goal (issue 6: skylake-sp, or tiny, with prefetchers
    // off) — every level write-back and exact LRU, none below L1 inclusive or exclusive,
    // no prefetcher, no 3C classification (``plain``; Zen's inclusive L2 and victim L3
    // take the general path). Then a demand access only looks levels up until a hit and
    // fills every level above it, and nothing is ever invalidated, so every cache and TLB
    // is a ``FlatLRUArray``: a lookup that fills on a miss is one pass over a set's
    // contiguous words. It changes no figure: the differential tests (PlainPathTests)
    // drive both paths with the same streams and compare every counter, latency row and
    // returned nanosecond.

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
        let level = flatDemand(line, isWrite: isWrite)
        // Every level allocates, so the line is now in L1.
        lastLine = line
        lastLinePageShift = shift
        lastLinePageClass = pageClass
        ns += servedNs(level: level, dependent: dependent)
        ns = max(ns, Double(dramLines) * nsPerDramLine)
        record(ns, isWrite: isWrite)
        return ns
    }

    /// ``demand(_:isWrite:)`` when ``plain``: looks `line` up level by level, filling each
    /// level that misses in the same pass (a write's L1 copy dirty), until a hit (a write
    /// dirties the hit). Returns that level (`levelCount` = DRAM). The dirty lines the fills
    /// evict are written back afterwards, the outermost level's first: the order the
    /// general path's fills, outermost first, write them back in (a level's fill and a
    /// writeback into the levels below it touch different arrays). No line is ever
    /// prefetched, so no hit is a prefetch hit.
    @_transparent
    mutating func flatDemand(_ line: UInt64, isWrite: Bool) -> Int {
        let key = line &<< 1
        let w: UInt64 = isWrite ? 1 : 0
        var pending: UInt32 = 0  // bit k: flatVictims[k] holds level k's dirty victim
        var k = 0
        let n = levelCount
        while k < n {
            levelCounters[k].accesses &+= 1
            let r = flatLevels[k].demand(key, inserting: k == 0 ? key | w : key, hitFlag: w)
            // An L1 fill may have pushed the same-line path's line out. A hit (a walk's,
            // in its set) leaves it there, as the general path does, though no longer
            // first: that path marks it dirty by key (``dirtyLastLine()``), not by slot.
            if k == 0 && r.position < 0 { lastLine = .max }
            if r.position >= 0 {
                levelCounters[k].hits &+= 1
                break
            }
            levelCounters[k].misses &+= 1
            if r.victim != FlatLRUArray.empty {
                levelCounters[k].evictions &+= 1
                if r.victim & 1 != 0 {
                    flatVictims[k] = r.victim &>> 1
                    pending |= 1 &<< UInt32(truncatingIfNeeded: k)
                }
            }
            k &+= 1
        }
        if k == n { dramLines &+= 1 }
        while pending != 0 {
            let j = 31 &- pending.leadingZeroBitCount
            pending &= ~(1 &<< UInt32(truncatingIfNeeded: j))
            flatWriteBack(flatVictims[j], from: j)
        }
        return k
    }

    /// The dirty `line` evicted from level `k` goes to the level below: marked dirty there
    /// if present (its recency unchanged), else filled dirty (whose dirty victim goes on
    /// down), or to DRAM below the last level. ``evicted(_:flags:at:)`` for the plain shape.
    @inline(never)
    mutating func flatWriteBack(_ line: UInt64, from k: Int) {
        var line = line
        var k = k
        while true {
            levelCounters[k].writebacks &+= 1
            let below = k &+ 1
            guard below < levelCount else {
                dramLines &+= 1
                return
            }
            let a = flatLevels[below]
            let key = line &<< 1
            if a.markDirty(key) { return }
            let victim = a.insert(key | 1)
            guard victim != FlatLRUArray.empty else { return }
            levelCounters[below].evictions &+= 1
            guard victim & 1 != 0 else { return }
            line = victim &>> 1
            k = below
        }
    }

    /// ``translate(_:address:pageClass:dependent:)`` when ``plain``: each TLB array is
    /// looked up and filled in one pass (a dTLB or STLB fill touches nothing the walk reads).
    @inline(__always)
    mutating func flatTranslate(_ pageKey: UInt64, address: UInt64, pageClass c: Int, dependent: Bool) -> Double {
        let key = pageKey &<< 1
        if translation.hasL1[c] {
            translation.l1Counters[c].accesses &+= 1
            if flatDTLB[c].demand(key, inserting: key, hitFlag: 0).position >= 0 {
                translation.l1Counters[c].hits &+= 1
                lastPageKey = pageKey
                return 0
            }
            translation.l1Counters[c].misses &+= 1
        }
        var cycles = 0.0
        var walked = true
        let stlbHolds = translation.stlbHolds[c]
        if stlbHolds {
            translation.stlbCounters[c].accesses &+= 1
            cycles = stlbHitCycles  // STLB lookup time, paid on its misses too
            if flatSTLB.demand(key, inserting: key, hitFlag: 0).position >= 0 {
                translation.stlbCounters[c].hits &+= 1
                walked = false
            } else {
                translation.stlbCounters[c].misses &+= 1
            }
        }
        var walkNs = 0.0
        if walked {
            let walkCycles = walk(address, pageClass: c)
            if stlbHolds {
                translation.stlbCounters[c].walks &+= 1
                translation.stlbCounters[c].walkCycles &+= Self.rounded(walkCycles)
            } else {
                translation.l1Counters[c].walks &+= 1
                translation.l1Counters[c].walkCycles &+= Self.rounded(walkCycles)
            }
            walkNs = walkCycles / ghz
            if !dependent { walkNs /= walkOverlap }  // independent misses walk in parallel
        }
        lastPageKey = translation.hasL1[c] ? pageKey : .max
        let stlbNs = cycles / ghz
        return (dependent ? stlbNs : stlbNs / overlap) + walkNs
    }

    /// ``peekSets(_:pageShift:)`` when ``plain``: the sets' words below L1 (two host lines
    /// for more than 8 ways), unless `line` follows the line peeked last (a sequential pass).
    @inline(__always)
    mutating func flatPeekSets(_ line: UInt64, pageShift: UInt8) {
        let previous = peekedLine
        peekedLine = line
        if line == previous &+ 1 { return }
        var sum: UInt64 = 0
        var k = 1
        while k < levelCount {
            let a = flatLevels[k]
            let set = a.set(of: line)
            sum &+= set[0] &+ set[a.ways > 8 ? 8 : 0] &+ (a.ways <= 16 ? a.fingerprint(of: line).words[0] : 0)
            k &+= 1
        }
        let address = line &<< lineShift
        let pageClass = TranslationState.pageClass(pageShift)
        if TranslationState.key(address: address, pageClass: pageClass) != lastPageKey {
            let entry = Self.pageTableEntryAddress(level: pageClass, address: address) &>> lineShift
            k = 1
            while k < levelCount {
                let a = flatLevels[k]
                let set = a.set(of: entry)
                sum &+= set[0] &+ set[a.ways > 8 ? 8 : 0] &+ (a.ways <= 16 ? a.fingerprint(of: entry).words[0] : 0)
                k &+= 1
            }
        }
        peeked ^= sum
    }

    /// Marks the same-line path's line (`lastLine`, in L1) dirty when ``plain``.
    @inline(__always)
    mutating func flatDirtyLastLine() {
        _ = flatLevels[0].markDirty(lastLine &<< 1)
    }

    /// The lines level `k` holds (tests), whichever path ran.
    func residentLines(level k: Int) -> [UInt64] {
        plain ? flatLevels[k].keys() : levels[k].lines
    }
}
