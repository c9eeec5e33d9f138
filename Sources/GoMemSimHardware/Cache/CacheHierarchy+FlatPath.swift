import GoMemSimCore

extension CacheHierarchy {
    // The flat path: ``accessLine(_:isWrite:dependent:pageShift:)``,
    // ``demand(_:isWrite:)``, ``walk(_:pageClass:)`` and ``prefetch(_:into:)`` for the
    // hierarchy shape of skylake-sp and of the speed goal (issue 6) — every level
    // write-back and exact LRU, none below L1 inclusive or exclusive, no 3C
    // classification (``flat``; Zen's inclusive L2 and victim L3 take the general path).
    // Then a demand access only looks levels up until a hit and fills every level above
    // it, a prefetch tests presence and fills, and nothing is ever invalidated, so every
    // cache is a ``FlatLRUArray`` (the TLBs are on both paths): a lookup compares a set's
    // fingerprints at once, a fill writes one word, a prefetched line is a flag in its
    // word. The prefetchers' training is shared with the general path. It changes no
    // figure: the differential tests (FlatPathTests) drive both paths with the same
    // streams and compare every counter, latency row and returned nanosecond.

    /// ``accessLine(_:isWrite:dependent:pageShift:)`` when ``flat``, with the arrays'
    /// geometry as `S` gives it (``FlatShape``).
    @_transparent
    mutating func flatAccessLine<S: FlatShape>(_ line: UInt64, isWrite: Bool, dependent: Bool, pageShift: UInt8,
                                               _ shape: S.Type) -> Double {
        // ``translateLine(_:pageShift:dependent:)``, written out: the optimiser kept that one
        // out of line, a call with the hierarchy's fields reloaded after it.
        let address = line &<< flatLineShift(S.self)
        let pageClass = TranslationState.pageClass(pageShift)
        let pageKey = TranslationState.key(address: address, pageClass: pageClass)
        var translationNs = 0.0
        if pageKey == lastPageKey {
            fastTLBHits[pageClass] &+= 1
        } else {
            translationNs = flatTranslate(pageKey, address: address, pageClass: pageClass, dependent: dependent, S.self)
            lastLinePageShift = .max  // lastPageKey changed
        }
        if line == lastLine {  // every level is write-back: a write stays in L1 too
            return repeatLine(translationNs, isWrite: isWrite, dependent: dependent, pageShift: pageShift,
                              pageClass: pageClass, pageKey: pageKey)
        }
        var ns = translationNs
        // lastPageKey is now pageKey (this line's page) or .max (no dTLB for the class).
        let shift = lastPageKey == pageKey ? UInt16(pageShift) : .max

        dramLines = 0
        let (level, usedPrefetch) = flatDemand(line, isWrite: isWrite, S.self)
        // Every level allocates, so the line is now in L1 (a prefetch into L1 below clears this).
        lastLine = line
        lastLinePageShift = shift
        lastLineRepeats = pageClass &<< 2
        ns += servedNs(level: level, dependent: dependent)
        if prefetching && (level > 0 || usedPrefetch) { trainPrefetchers(line, level: level) }
        ns = Self.atLeast(ns, Double(dramLines) * nsPerDramLine)
        record(ns, isWrite: isWrite)
        return ns
    }

    /// ``demand(_:isWrite:)`` when ``flat``: looks `line` up level by level, filling each
    /// level that misses in the same pass (a write's L1 copy dirty), until a hit (a write
    /// dirties the hit). Returns that level (`levelCount` = DRAM) and whether the hit was
    /// the first use of a prefetched line (counted as a prefetch hit there, the flag
    /// cleared). The dirty lines the fills evict are written back afterwards, the outermost
    /// level's first: the order the general path's fills, outermost first, write them back
    /// in (a level's fill and a writeback into the levels below it touch different arrays).
    ///
    /// Counting: one add per demand, in `served[level]`; a level's accesses, hits, misses
    /// and demand evictions follow from those (every miss fills, and a fill evicts unless
    /// its set had an empty way, counted in `emptyFills`) when ``counters`` is read.
    @_transparent
    mutating func flatDemand<S: FlatShape>(_ line: UInt64, isWrite: Bool, _ shape: S.Type) -> (level: Int, usedPrefetch: Bool) {
        let key = FlatLRUArray.word(line)
        let w: UInt64 = isWrite ? FlatLRUArray.dirty : 0
        // L1 apart: most walk reads hit it, and its fill is the one that clears `lastLine`.
        let first = flatLevels[0].demandUnrolled(key, inserting: key | w, hitFlag: w, flatGeometry(level: 0, S.self))
        if first.position >= 0 {
            served[0] &+= 1
            return (0, notePrefetchHit(first.word, level: 0))
        }
        // The fill may have pushed the same-line path's line out. A hit (a walk's, in its
        // set) leaves it there, as the general path does, though no longer first: that
        // path marks it dirty by key (``dirtyLastLine()``), not by slot.
        lastLine = .max
        var pending: UInt32 = 0  // bit k: flatVictims[k] holds level k's dirty victim
        noteVictim(first.word, level: 0, pending: &pending)
        var k = 1
        let n = S.levelCount ?? levelCount
        var usedPrefetch = false
        while k < n {
            let r = flatLevels[k].demandUnrolled(key, inserting: key, hitFlag: w, flatGeometry(level: k, S.self))
            if r.position >= 0 {
                usedPrefetch = notePrefetchHit(r.word, level: k)
                break
            }
            noteVictim(r.word, level: k, pending: &pending)
            k &+= 1
        }
        served[k] &+= 1
        if k == n { dramLines &+= 1 }
        if pending != 0 { flatWriteBacks(pending) }
        return (k, usedPrefetch)
    }

    /// Counts a demand hit at level `k` on `word` (as it was) as a prefetch hit if a
    /// prefetcher brought the line in; returns whether it did.
    @_transparent
    mutating func notePrefetchHit(_ word: UInt64, level k: Int) -> Bool {
        guard word & FlatLRUArray.prefetched != 0 else { return false }
        levelCounters[k].prefetchHits &+= 1
        return true
    }

    /// What a demand fill at level `k` that pushed `victim` out leaves to do: count a fill
    /// into an empty way, or hold a dirty victim for its writeback (a clean one needs nothing).
    @_transparent
    mutating func noteVictim(_ victim: UInt64, level k: Int, pending: inout UInt32) {
        guard victim & FlatLRUArray.dirty != 0 else { return }  // clean
        if victim == FlatLRUArray.empty {  // the set had room
            emptyFills[k] &+= 1
        } else {
            flatVictims[k] = FlatLRUArray.key(of: victim)
            pending |= 1 &<< UInt32(truncatingIfNeeded: k)
        }
    }

    /// The writebacks of the dirty victims `pending` marks, the outermost level's first.
    @inline(never)
    mutating func flatWriteBacks(_ pending: UInt32) {
        var pending = pending
        while pending != 0 {
            let j = 31 &- pending.leadingZeroBitCount
            pending &= ~(1 &<< UInt32(truncatingIfNeeded: j))
            flatWriteBack(flatVictims[j], from: j)
        }
    }

    /// The dirty `line` evicted from level `k` goes to the level below: marked dirty there
    /// if present (its recency unchanged), else filled dirty (whose dirty victim goes on
    /// down), or to DRAM below the last level. ``evicted(_:flags:at:)`` for the flat shape.
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
            let key = FlatLRUArray.word(line)
            if a.markDirty(key) { return }
            let victim = a.insert(key | FlatLRUArray.dirty)
            guard victim != FlatLRUArray.empty else { return }
            levelCounters[below].evictions &+= 1
            guard victim & FlatLRUArray.dirty != 0 else { return }
            line = FlatLRUArray.key(of: victim)
            k = below
        }
    }

    /// Translates the page `pageKey` (not the last one): dTLB, STLB, walk; returns ns. Each
    /// TLB array is looked up and filled in one pass (a dTLB or STLB fill touches nothing the
    /// walk reads), on both paths; the walk reads through the caches of the path taken.
    @_transparent
    mutating func flatTranslate<S: FlatShape>(_ pageKey: UInt64, address: UInt64, pageClass c: Int, dependent: Bool,
                                              _ shape: S.Type) -> Double {
        let key = FlatLRUArray.word(pageKey)
        if translation.hasL1[c] {
            let g = S.dtlb(c) ?? flatDTLB[c].geometry
            if flatDTLB[c].demandUnrolled(key, inserting: key, hitFlag: 0, g).position >= 0 {
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
            cycles = stlbHitCycles  // STLB lookup time, paid on its misses too
            if flatSTLB.demandUnrolled(key, inserting: key, hitFlag: 0, S.stlb ?? flatSTLB.geometry).position >= 0 {
                translation.stlbCounters[c].hits &+= 1
                walked = false
            } else {
                translation.stlbCounters[c].misses &+= 1
            }
        }
        var walkNs = 0.0
        if walked {
            let walkCycles = flat ? flatWalk(address, pageClass: c, S.self) : walk(address, pageClass: c)
            if stlbHolds {
                translation.stlbCounters[c].walks &+= 1
                translation.stlbCounters[c].walkCycles &+= wholeCycles(walkCycles)
            } else {
                translation.l1Counters[c].walks &+= 1
                translation.l1Counters[c].walkCycles &+= wholeCycles(walkCycles)
            }
            walkNs = walkCycles / ghz
            if !dependent { walkNs /= walkOverlap }  // independent misses walk in parallel
        }
        lastPageKey = translation.hasL1[c] ? pageKey : .max
        let stlbNs = cycles / ghz
        return (dependent ? stlbNs : stlbNs / overlap) + walkNs
    }

    /// ``rounded(_:)`` of a walk's cycles: the conversion alone when they are whole.
    @inline(__always)
    func wholeCycles(_ cycles: Double) -> UInt64 {
        wholeWalkCycles ? UInt64(bitPattern: truncatedInRange(cycles)) : Self.rounded(cycles)
    }

    /// ``walk(_:pageClass:)`` when ``flat``, inlined into the translation: the same
    /// paging-structure-cache lookups and fills and page-table reads, each read a
    /// ``flatDemand(_:isWrite:_:)``, the cycles summed in the same order.
    @_transparent
    mutating func flatWalk<S: FlatShape>(_ address: UInt64, pageClass c: Int, _ shape: S.Type) -> Double {
        var start = 3
        if c < 1 && translation.hasPSC[2] && translation.pdeCache.lookup(address &>> 21) {
            start = 0
        } else if c < 2 && translation.hasPSC[1] && translation.pdpteCache.lookup(address &>> 30) {
            start = 1
        } else if translation.hasPSC[0] && translation.pml4eCache.lookup(address &>> 39) {
            start = 2
        }
        var cycles = 0.0
        var level = start
        while level >= c {
            let entry = Self.pageTableEntryAddress(level: level, address: address)
            let served = flatDemand(entry &>> flatLineShift(S.self), isWrite: false, S.self).level
            cycles += served < (S.levelCount ?? levelCount) ? latencyCycles[served] : dramCycles
            level &-= 1
        }
        if start >= 3 && c < 3 && translation.hasPSC[0] { translation.pml4eCache.insert(address &>> 39) }
        if start >= 2 && c < 2 && translation.hasPSC[1] { translation.pdpteCache.insert(address &>> 30) }
        if start >= 1 && c < 1 && translation.hasPSC[2] { translation.pdeCache.insert(address &>> 21) }
        return cycles
    }

    /// ``peekSets(_:pageShift:)`` when ``flat``: the sets' words and meta blocks of the
    /// levels from `firstPeekedLevel` on (a set of more than 8 ways is two host lines), unless `line` follows
    /// the line peeked last (a sequential pass).
    @inline(__always)
    mutating func flatPeekSets<S: FlatShape>(_ line: UInt64, pageShift: UInt8, _ shape: S.Type) {
        let previous = peekedLine
        peekedLine = line
        if line == previous &+ 1 { return }
        var sum: UInt64 = 0
        var k = firstPeekedLevel
        while k < (S.levelCount ?? levelCount) {
            sum &+= peekSet(line, level: k, S.self)
            k &+= 1
        }
        let address = line &<< flatLineShift(S.self)
        let pageClass = TranslationState.pageClass(pageShift)
        if TranslationState.key(address: address, pageClass: pageClass) != lastPageKey {
            let entry = Self.pageTableEntryAddress(level: pageClass, address: address) &>> flatLineShift(S.self)
            k = firstPeekedLevel
            while k < (S.levelCount ?? levelCount) {
                sum &+= peekSet(entry, level: k, S.self)
                k &+= 1
            }
        }
        peeked ^= sum
    }

    /// The words of `line`'s set at level `k` and its meta block, loaded (a set of more
    /// than 8 ways is two host lines), summed.
    @inline(__always)
    func peekSet<S: FlatShape>(_ line: UInt64, level k: Int, _ shape: S.Type) -> UInt64 {
        let a = flatLevels[k]
        let g = flatGeometry(level: k, S.self)
        let set = a.set(of: line, g)
        return set[0] &+ set[g.ways > 8 ? 8 : 0] &+ (g.ways <= 16 ? a.meta(of: line, g).block[0] : 0)
    }

    /// The line shift as `S` gives it.
    @inline(__always)
    func flatLineShift<S: FlatShape>(_ shape: S.Type) -> UInt64 {
        S.lineShift ?? lineShift
    }

    /// Level `k`'s geometry as `S` gives it.
    @inline(__always)
    func flatGeometry<S: FlatShape>(level k: Int, _ shape: S.Type) -> FlatGeometry {
        S.level(k) ?? flatLevels[k].geometry
    }

    /// Asks the host to fetch (a hint, no load waited for) the set words that looking
    /// `line` up below L1 will read — and those of its leaf page-table entry's line —
    /// unless `line` is at most 8 lines past `current` (a forward pass, whose sets
    /// follow one another and which the host's own prefetchers follow). The run path's
    /// look-ahead (``access(_:pageShift:)``), the non-blocking form of ``flatPeekSets(_:pageShift:_:)``.
    @inline(__always)
    func flatPrefetchSets<S: FlatShape>(_ line: UInt64, after current: UInt64, pageShift: UInt8, _ shape: S.Type) {
        guard line &- current > 8 else { return }
        prefetchSets(line, S.self)
        let address = line &<< flatLineShift(S.self)
        prefetchSets(Self.pageTableEntryAddress(level: TranslationState.pageClass(pageShift), address: address)
                        &>> flatLineShift(S.self),
                     S.self)
    }

    /// The host prefetches of the set words `line` reads at the levels from `firstPrefetchedLevel` on.
    @inline(__always)
    func prefetchSets<S: FlatShape>(_ line: UInt64, _ shape: S.Type) {
        var k = S.firstPrefetchedLevel ?? firstPrefetchedLevel
        while k < (S.levelCount ?? levelCount) {
            let a = flatLevels[k]
            let g = flatGeometry(level: k, S.self)
            let set = a.set(of: line, g)
            GoMemSimCore.prefetch(set)
            if g.ways > 8 { GoMemSimCore.prefetch(set + 8) }
            if g.ways <= 16 { GoMemSimCore.prefetch(a.meta(of: line, g).block) }
            k &+= 1
        }
    }

    /// Marks the same-line path's line (`lastLine`, in L1) dirty when ``flat``.
    @inline(__always)
    mutating func flatDirtyLastLine() {
        _ = flatLevels[0].markDirty(FlatLRUArray.word(lastLine))
    }

    /// ``prefetch(_:into:)`` when ``flat``: the same presence tests (no recency refreshed),
    /// streamer request and fills (``flatPrefetchFills(_:from:into:_:)``), the target's fill
    /// flagged prefetched. Inlined into the prefetchers' flat training
    /// (``flatTrainPrefetchers(_:level:_:)``), where `target` is a constant and `S` gives the
    /// geometry: the loops over levels unroll and each test and fill takes its level's
    /// constant sets and ways.
    @_transparent
    mutating func flatPrefetch<S: FlatShape>(_ line: UInt64, into target: Int, _ shape: S.Type) {
        let key = FlatLRUArray.word(line)
        if flatHolds(key, through: target, S.self) { return }
        let n = S.levelCount ?? levelCount
        var source = flatSource(key, below: target, S.self)
        // An L1 prefetch that L2 cannot serve is a request the L2 streamer sees.
        if target == 0 && streaming && n > 1 && source > 1 && flatTrainStreamer(line, S.self) {
            // Its prefetches may have brought the line in already (only then can the lookups differ).
            if flatHolds(key, through: target, S.self) { return }
            source = flatSource(key, below: target, S.self)
        }
        flatPrefetchFills(key, from: source, into: target, S.self)
    }

    /// Whether any level up to `target` holds the key whose flagless word is `key`.
    @inline(__always)
    func flatHolds<S: FlatShape>(_ key: UInt64, through target: Int, _ shape: S.Type) -> Bool {
        var k = 0
        while k <= target {
            if flatLevels[k].contains(key, flatGeometry(level: k, S.self)) { return true }
            k &+= 1
        }
        return false
    }

    /// The first level below `target` that holds `key`'s line (`levelCount`: DRAM).
    @inline(__always)
    func flatSource<S: FlatShape>(_ key: UInt64, below target: Int, _ shape: S.Type) -> Int {
        let n = S.levelCount ?? levelCount
        var k = target &+ 1
        while k < n {
            if flatLevels[k].contains(key, flatGeometry(level: k, S.self)) { return k }
            k &+= 1
        }
        return n
    }

    /// A prefetch fill of `word` (absent) at level `k`: ``install(_:at:flags:)`` for the
    /// flat shape — the victim counted, a dirty one written back at once.
    @_transparent
    mutating func flatFill<S: FlatShape>(_ word: UInt64, at k: Int, _ shape: S.Type) {
        let victim = flatLevels[k].insert(word, flatGeometry(level: k, S.self))
        if k == 0 { lastLine = .max }  // the same-line path's line may no longer be its set's most recent
        guard victim != FlatLRUArray.empty else { return }
        levelCounters[k].evictions &+= 1
        if victim & FlatLRUArray.dirty != 0 { flatWriteBack(FlatLRUArray.key(of: victim), from: k) }
    }

    /// The lines level `k` holds (tests), whichever path ran.
    func residentLines(level k: Int) -> [UInt64] {
        flat ? flatLevels[k].keys() : levels[k].lines
    }
}
