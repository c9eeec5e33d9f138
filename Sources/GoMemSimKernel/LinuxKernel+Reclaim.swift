import GoMemSimCore

// Memory limits and reclaim (facts/linux-paging.md §6; mm/vmscan.c). The limit is the
// smaller of machine RAM and cgroup v2 memory.max; what counts against it is anonymous
// and shmem memory plus the page cache (memory.current). Reclaim is direct (charged to
// the faulting task) in batches of SWAP_CLUSTER_MAX = 32 pages, cheapest first.
// Within a kind, pages go in address order (deterministic; the model keeps no LRU
// age), and each batch scans the touched state: O(touched) per 32 pages reclaimed.
extension LinuxKernel {
    /// Makes room for `pages` new pages: reclaims above memory.max / RAM and OOM-kills
    /// when nothing is left to reclaim; above memory.high reclaims and throttles instead.
    mutating func makeRoom(_ pages: UInt64, cost: inout UInt64) throws(ModelError) {
        if chargedPages + pages > limitPages {
            let need = chargedPages + pages - limitPages
            let freed = reclaim(need, cost: &cost)
            if freed < need {
                let limit = config.memoryMax.map { min($0, config.ramBytes) } ?? config.ramBytes
                let which = config.memoryMax.map { $0 < config.ramBytes } == true ? "memory.max" : "RAM"
                throw ModelError(.outOfMemory,
                                 "OOM kill: \(which) of \(kibibytes(limit)) reached and nothing reclaimable "
                                 + "(RSS \(kibibytes(rssPages << 12)), page cache \(kibibytes(pageCachePages << 12)), "
                                 + "swap \(kibibytes(swapUsedPages << 12)))")
            }
        }
        if let high = highPages, chargedPages + pages > high {
            let need = chargedPages + pages - high
            let freed = reclaim(need, cost: &cost)
            // mem_cgroup_handle_over_high: a penalty sleep growing with the overage,
            // at most 2 s per call (MEMCG_MAX_HIGH_DELAY_JIFFIES).
            if freed < need { cost += min(2_000_000_000, (need - freed) * config.highThrottlePageNs) }
        }
    }

    /// Frees at least `need` pages if it can (in batches of 32), returns how many it freed.
    /// Order: clean unmapped page cache, mapped file pages, lazily freed anonymous
    /// pages, then anonymous pages to swap while swap space remains.
    mutating func reclaim(_ need: UInt64, cost: inout UInt64) -> UInt64 {
        residencyChanges &+= 1
        let target = max(need, 32)
        // Each pass is skipped when the counters say it has nothing to take, so a task
        // over memory.high with nothing reclaimable pays O(1) per fault.
        var freed: UInt64 = 0
        if pageCachePages > mappedCachePages { freed += evictUnmappedPageCache(target, cost: &cost) }
        if freed < target, pagesInState[Int(PageState.fileClean.rawValue)] + pagesInState[Int(PageState.fileDirty.rawValue)] > 0 {
            freed += unmapFilePages(target - freed, cost: &cost)
        }
        if freed < target, pagesInState[Int(PageState.lazyFree.rawValue)] + hugePages[Int(HugeState.lazyFree.rawValue)] > 0 {
            freed += discardLazyFree(target - freed)
        }
        if freed < target, swapUsedPages < swapPages,
           pagesInState[Int(PageState.anon.rawValue)] + hugePages[Int(HugeState.anon.rawValue)] > 0 {
            freed += swapOut(target - freed, cost: &cost)
        }
        cost += freed * config.reclaimPageNs
        return freed
    }

    /// Drops page-cache pages no PTE maps, from where the last scan stopped (a CLOCK
    /// hand over the files); dirty ones are written back first.
    mutating func evictUnmappedPageCache(_ need: UInt64, cost: inout UInt64) -> UInt64 {
        var freed: UInt64 = 0
        let total = files.reduce(0) { $0 + $1.pageCount }
        var scanned = 0
        while freed < need, scanned < total {
            if reclaimCursor.file >= files.count { reclaimCursor = (0, 0) }
            let f = reclaimCursor.file
            if reclaimCursor.page >= files[f].pageCount {
                reclaimCursor = (f + 1, 0)
                continue
            }
            let p = files[f].pages.nextPossiblyCached(from: reclaimCursor.page)
            if p != reclaimCursor.page {
                scanned += p - reclaimCursor.page
                reclaimCursor.page = p
                continue
            }
            let v = files[f].pages[p]
            if v & CachedFile.cachedBit != 0, v & CachedFile.mapCountMask == 0 {
                if v & CachedFile.dirtyBit != 0 { cost += config.swapOutNs }
                files[f].pages[p] = 0
                files[f].cachedPages -= 1
                pageCachePages -= 1
                freed += 1
            }
            reclaimCursor.page += 1
            scanned += 1
        }
        return freed
    }

    /// Unmaps file pages (clean and dirty, dirty ones written back) and drops them from
    /// the page cache once no PTE maps them.
    mutating func unmapFilePages(_ need: UInt64, cost: inout UInt64) -> UInt64 {
        var freed: UInt64 = 0
        var candidates: [UInt64] = []
        blocks.forEach { key, bits in
            for i in 0..<PageBlock.pages where PageBlock.state(bits, i).isFile {
                candidates.append(key)
                break
            }
        }
        candidates.sort()
        for key in candidates where freed < need {
            var bits = blocks[key]
            for page in (key << 4)..<((key + 1) << 4) {
                let state = PageBlock.state(bits, page & 15)
                guard state.isFile, let vi = vmaIndex(containing: page << 12) else { continue }
                let vma = vmas[vi]
                let fp = vma.filePage(page)
                release(state, of: vma, page: page)
                bits = PageBlock.setting(bits, page & 15, .untouched)
                let v = files[Int(vma.file)].pages[fp]
                if v & CachedFile.mapCountMask == 0, v & CachedFile.cachedBit != 0 {
                    if v & CachedFile.dirtyBit != 0 { cost += config.swapOutNs }
                    files[Int(vma.file)].pages[fp] = 0
                    files[Int(vma.file)].cachedPages -= 1
                    pageCachePages -= 1
                    freed += 1
                }
            }
            blocks[key] = bits
        }
        return freed
    }

    /// Discards MADV_FREE pages: they become untouched (next read: zero page).
    mutating func discardLazyFree(_ need: UInt64) -> UInt64 {
        var freed: UInt64 = 0
        var chunks: [UInt64] = []
        pmds.forEach { chunk, state in if state == HugeState.lazyFree.rawValue { chunks.append(chunk) } }
        chunks.sort()
        for chunk in chunks where freed < need {
            pmds[chunk] = 0
            hugePages[Int(HugeState.lazyFree.rawValue)] -= 1
            freed += 512
        }
        guard freed < need, pagesInState[Int(PageState.lazyFree.rawValue)] > 0 else { return freed }
        var keys: [UInt64] = []
        blocks.forEach { key, bits in
            for i in 0..<PageBlock.pages where PageBlock.state(bits, i) == .lazyFree {
                keys.append(key)
                break
            }
        }
        keys.sort()
        for key in keys where freed < need {
            var bits = blocks[key]
            for i in 0..<PageBlock.pages where PageBlock.state(bits, i) == .lazyFree {
                recount(.lazyFree, .untouched)
                bits = PageBlock.setting(bits, i, .untouched)
                freed += 1
            }
            blocks[key] = bits
        }
        return freed
    }

    /// Writes private anonymous pages to swap while swap space remains; huge pages are
    /// split first. Shmem is not swapped in this model.
    mutating func swapOut(_ need: UInt64, cost: inout UInt64) -> UInt64 {
        guard swapUsedPages < swapPages else { return 0 }
        var freed: UInt64 = 0
        var chunks: [UInt64] = []
        pmds.forEach { chunk, state in if state == HugeState.anon.rawValue { chunks.append(chunk) } }
        chunks.sort()
        var splitCount: UInt64 = 0
        for chunk in chunks where splitCount < need {
            splitHugePage(chunk, .anon)
            splitCount += 512
        }
        var keys: [UInt64] = []
        blocks.forEach { key, bits in
            for i in 0..<PageBlock.pages where PageBlock.state(bits, i) == .anon {
                keys.append(key)
                break
            }
        }
        keys.sort()
        for key in keys where freed < need && swapUsedPages < swapPages {
            var bits = blocks[key]
            for i in 0..<PageBlock.pages where PageBlock.state(bits, i) == .anon && swapUsedPages < swapPages {
                recount(.anon, .swapped)
                bits = PageBlock.setting(bits, i, .swapped)
                swapUsedPages += 1
                freed += 1
                cost += config.swapOutNs
            }
            blocks[key] = bits
        }
        return freed
    }
}

/// `bytes` as Linux's /proc files print it: in kB.
func kibibytes(_ bytes: UInt64) -> String { "\(bytes >> 10) kB" }
