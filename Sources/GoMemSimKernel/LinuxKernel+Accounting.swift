import GoMemSimCore

// What the process would see in /proc/self/status and /proc/self/smaps
// (facts/linux-paging.md §4), and the run's fault table.
extension LinuxKernel {
    public func fill(_ figures: inout MemoryFigures) {
        let page: UInt64 = 4096, hugePage: UInt64 = 2 << 20
        let anonHuge = hugePages[Int(HugeState.anon.rawValue)] + hugePages[Int(HugeState.lazyFree.rawValue)]
        figures.vmSize = vmas.reduce(0) { $0 + $1.length }
        figures.rssAnon = (pagesInState[Int(PageState.anon.rawValue)] + pagesInState[Int(PageState.lazyFree.rawValue)]) * page
            + anonHuge * hugePage
        figures.rssFile = (pagesInState[Int(PageState.fileClean.rawValue)] + pagesInState[Int(PageState.fileDirty.rawValue)]) * page
        figures.rssShmem = pagesInState[Int(PageState.shmem.rawValue)] * page
        figures.vmRSS = rssPages * page  // = RssAnon + RssFile + RssShmem
        figures.vmHWM = peakRSSPages * page
        figures.vmSwap = swapUsedPages * page
        figures.pageCache = pageCachePages * page
        figures.minorFaults = totalFaults(major: false)
        figures.majorFaults = totalFaults(major: true)
    }

    /// The `/proc/self/status` figures alone.
    public var figures: MemoryFigures {
        var figures = MemoryFigures()
        fill(&figures)
        return figures
    }

    func totalFaults(major: Bool) -> UInt64 {
        var total: UInt64 = 0
        for kind in FaultKind.allCases where kind.isFault && kind.isMajor == major { total += faultCounts[kind.rawValue] }
        return total
    }

    /// One `checkpoint_mappings` row per VMA, in address order.
    public func checkpointRows(seq: Int, into rows: inout ModelRows) {
        for mapping in mappings() {
            rows.append(to: "checkpoint_mappings", columns: MappingFigures.columns, mapping.row(seq: seq))
        }
    }

    /// One `faults` row per kind (kind, count, cost_ns), every kind, in a fixed order.
    public func runRows(into rows: inout ModelRows) {
        for kind in FaultKind.allCases {
            rows.append(to: "faults", columns: ["kind", "count", "cost_ns"], [
                .text(kind.name), .int(Int64(clamping: faultCounts[kind.rawValue])),
                .int(Int64(clamping: faultCosts[kind.rawValue])),
            ])
        }
    }

    /// The fault count of a kind by its `faults` table name (e.g. `major_file`), 0 if unknown.
    public func faultCount(_ name: String) -> UInt64 {
        FaultKind.allCases.first { $0.name == name }.map { faultCounts[$0.rawValue] } ?? 0
    }

    /// Every VMA with its smaps figures, in address order. Costs O(touched entries ×
    /// log VMAs): the tables are scanned once, not the address ranges.
    public func mappings() -> [MappingFigures] {
        var result = vmas.map { vma in
            MappingFigures(start: vma.start, size: vma.length, permissions: vma.permissions, vmFlags: vma.vmFlags,
                           kind: vma.isAnonymous ? (vma.isShared ? "shmem" : "anon") : "file",
                           path: vma.isAnonymous ? nil : files[Int(vma.file)].name)
        }
        pmds.forEach { chunk, value in
            guard let state = HugeState(rawValue: value), state != .zero,
                  let vi = vmaIndex(containing: chunk << 21) else { return }
            let bytes: UInt64 = 2 << 20
            result[vi].rss += bytes
            result[vi].pss += bytes
            result[vi].anonHugePages += bytes
            if state == .lazyFree {
                result[vi].privateClean += bytes
                result[vi].lazyFree += bytes
            } else {
                result[vi].privateDirty += bytes
            }
        }
        blocks.forEach { key, bits in
            var vi: Int? = nil
            for i in 0..<PageBlock.pages {
                let state = PageBlock.state(bits, i)
                guard state != .untouched, state != .zeroPage else { continue }
                let page = (key << 4) | i
                if vi == nil || page << 12 >= vmas[vi!].end { vi = vmaIndex(containing: page << 12) }
                guard let v = vi else { continue }
                let size: UInt64 = 4096
                switch state {
                case .anon, .shmem:
                    result[v].rss += size
                    result[v].pss += size
                    result[v].privateDirty += size
                case .lazyFree:
                    result[v].rss += size
                    result[v].pss += size
                    result[v].privateClean += size
                    result[v].lazyFree += size
                case .fileClean, .fileDirty:
                    let vma = vmas[v]
                    let fp = vma.filePage(page)
                    let mapCount = max(1, UInt64(files[Int(vma.file)].mapCount(fp)))
                    let dirty = state == .fileDirty || files[Int(vma.file)].isDirty(fp)
                    result[v].rss += size
                    result[v].pss += size / mapCount
                    switch (mapCount > 1, dirty) {
                    case (false, false): result[v].privateClean += size
                    case (false, true): result[v].privateDirty += size
                    case (true, false): result[v].sharedClean += size
                    case (true, true): result[v].sharedDirty += size
                    }
                case .swapped:
                    result[v].swap += size
                case .untouched, .zeroPage:
                    break
                }
            }
        }
        return result
    }
}
