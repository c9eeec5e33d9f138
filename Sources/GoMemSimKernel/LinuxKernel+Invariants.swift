// The invariants the model keeps, checked from scratch against its incremental
// counters. Tests call it after every step; it is O(touched state), not for hot paths.
extension LinuxKernel {
    /// Every broken invariant, described; empty when the model is consistent.
    public func _checkInvariants() -> [String] {
        var problems: [String] = []
        // The VMA list: sorted, page-aligned, disjoint, and merged where Linux would merge.
        for (i, vma) in vmas.enumerated() {
            if vma.start & 4095 != 0 || vma.end & 4095 != 0 || vma.start >= vma.end {
                problems.append("VMA \(i) \(hex(vma.start))-\(hex(vma.end)) is not a page-aligned range")
            }
            if i > 0 {
                if vmas[i - 1].end > vma.start { problems.append("VMAs \(i - 1) and \(i) overlap") }
                if vmas[i - 1].canMerge(with: vma), !(vma.isAnonymous && vma.isShared) {
                    problems.append("VMAs \(i - 1) and \(i) should have merged")
                }
            }
        }
        // Page states against the counters, the VMAs and the page cache.
        var states = [UInt64](repeating: 0, count: 8)
        var mapCounts = files.map { _ in [Int: UInt16]() }
        blocks.forEach { key, bits in
            if pmds[key >> 5] != PMD.pteTable { problems.append("block \(hex(key << 16)) is not under a PTE table") }
            for i in 0..<PageBlock.pages {
                let state = PageBlock.state(bits, i)
                guard state != .untouched else { continue }
                states[Int(state.rawValue)] += 1
                let page = (key << 4) | i
                guard let vi = vmaIndex(containing: page << 12) else {
                    problems.append("page \(hex(page << 12)) is \(state) outside any VMA")
                    continue
                }
                let vma = vmas[vi]
                switch state {
                case .fileClean, .fileDirty:
                    if vma.isAnonymous { problems.append("file page state in anonymous VMA at \(hex(page << 12))"); continue }
                    let fp = vma.filePage(page)
                    mapCounts[Int(vma.file)][fp, default: 0] += 1
                    if !files[Int(vma.file)].isCached(fp) { problems.append("mapped file page \(fp) is not cached") }
                case .lazyFree, .zeroPage:
                    if !vma.isPrivateAnonymous { problems.append("\(state) page outside private anonymous memory at \(hex(page << 12))") }
                case .shmem:
                    if !(vma.isAnonymous && vma.isShared) { problems.append("shmem page outside shared anonymous memory") }
                default:
                    break
                }
            }
        }
        for state in PageState.allCases where state != .untouched && states[Int(state.rawValue)] != pagesInState[Int(state.rawValue)] {
            problems.append("\(state) pages: counted \(pagesInState[Int(state.rawValue)]), found \(states[Int(state.rawValue)])")
        }
        var hugeFound = [UInt64](repeating: 0, count: 4)
        pmds.forEach { chunk, value in
            guard HugeState(rawValue: value) != nil else { return }
            hugeFound[Int(value)] += 1
            guard let vi = vmaIndex(containing: chunk << 21), vmas[vi].isPrivateAnonymous,
                  vmas[vi].end >= (chunk + 1) << 21 else {
                problems.append("huge page \(hex(chunk << 21)) not wholly inside one private anonymous VMA")
                return
            }
        }
        if hugeFound != hugePages { problems.append("huge pages: counted \(hugePages), found \(hugeFound)") }
        var cached: UInt64 = 0, mapped: UInt64 = 0
        for (f, file) in files.enumerated() {
            var fileCached: UInt64 = 0
            // Mapped pages are cached, so visiting the possibly cached ones covers both.
            var p = file.pages.nextPossiblyCached(from: 0)
            while p < file.pageCount {
                if file.isCached(p) { fileCached += 1 }
                if file.mapCount(p) > 0 { mapped += 1 }
                if file.mapCount(p) != mapCounts[f][p] ?? 0 {
                    problems.append("\(file.name) page \(p): map count \(file.mapCount(p)), mapped \(mapCounts[f][p] ?? 0) times")
                }
                p = file.pages.nextPossiblyCached(from: p + 1)
            }
            if fileCached != file.cachedPages { problems.append("\(file.name): \(file.cachedPages) cached pages counted, \(fileCached) found") }
            cached += fileCached
        }
        if cached != pageCachePages { problems.append("page cache: counted \(pageCachePages), found \(cached)") }
        if mapped != mappedCachePages { problems.append("mapped page-cache pages: counted \(mappedCachePages), found \(mapped)") }
        if swapUsedPages != pagesInState[Int(PageState.swapped.rawValue)] || swapUsedPages > swapPages {
            problems.append("swap: \(swapUsedPages) pages used, \(pagesInState[Int(PageState.swapped.rawValue)]) swapped, \(swapPages) available")
        }
        if chargedPages > limitPages { problems.append("charged \(chargedPages) pages over the limit \(limitPages)") }
        // smaps against status.
        var rssSum: UInt64 = 0
        for m in mappings() {
            if m.rss != m.privateClean + m.privateDirty + m.sharedClean + m.sharedDirty {
                problems.append("mapping \(hex(m.start)): Rss \(m.rss) != Private/Shared Clean/Dirty sum")
            }
            rssSum += m.rss
        }
        if rssSum != rssPages * 4096 { problems.append("sum of mapping Rss \(rssSum) != VmRSS \(rssPages * 4096)") }
        if peakRSSPages < rssPages { problems.append("VmHWM below VmRSS") }
        return problems
    }

    /// VMAs in the address space (for tests and diagnostics).
    public var mappingCount: Int { vmas.count }

    /// Bytes of the model's own page-state tables: grows with touched memory only.
    public var stateFootprintBytes: Int {
        blocks.footprintBytes + pmds.footprintBytes
            + files.reduce(0) { $0 + $1.pages.footprintBytes } + vmas.count * MemoryLayout<VirtualMemoryArea>.stride
    }
}
