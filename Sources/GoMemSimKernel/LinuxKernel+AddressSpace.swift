import GoMemSimCore
import GoMemSimTrace

// mmap, munmap, mprotect, madvise: the VMA list and what each call does to pages
// (facts/linux-paging.md §1–§3, mm/mmap.c, mm/mprotect.c, mm/madvise.c).
extension LinuxKernel {
    public mutating func map(length: UInt64, protection: Protection, flags: MapFlags, file: String?,
                             fileOffset: UInt64, fixedAddress: UInt64?) throws(ModelError) -> KernelCall<UInt64> {
        residencyChanges &+= 1
        guard length > 0, length <= Self.taskSize else { throw ModelError(.invalid, "mmap of \(length) bytes (EINVAL)") }
        let length = (length + 4095) & ~4095
        var fileNumber: Int32 = -1
        if let file {
            guard let index = fileIndex[file] else { throw ModelError(.invalid, "mmap of undeclared file \"\(file)\"") }
            guard fileOffset & 4095 == 0 else { throw ModelError(.invalid, "mmap file offset \(fileOffset) not page-aligned (EINVAL)") }
            fileNumber = index
        }
        // A hint is used when the range is free (Go's arena hints); otherwise top-down
        // placement below mmap_base, as the kernel's get_unmapped_area does.
        var address: UInt64
        if let hint = fixedAddress, hint & 4095 == 0, hint <= Self.taskSize - length,
           isFree(hint, hint + length) {
            address = hint
        } else {
            // thp_get_unmapped_area (mm/huge_memory.c): with THP available, a mapping of
            // at least 2 MiB starts on a 2 MiB boundary so it can hold huge pages (file
            // systems such as ext4, xfs and tmpfs use it; anonymous mappings since 6.7).
            let alignment: UInt64 = length >= 2 << 20 && config.thpMode != .never ? 2 << 20 : 4096
            guard let free = topDownGap(length, alignment: alignment) else {
                throw ModelError(.invalid, "mmap of \(length) bytes: no free address range (ENOMEM)")
            }
            address = free
        }
        let vma = VirtualMemoryArea(start: address, end: address + length, protection: protection,
                                    isShared: flags.contains(.shared), file: fileNumber,
                                    fileOffset: file == nil ? 0 : fileOffset, hugePageAdvice: .none)
        let index = firstVMA(endingAfter: address)
        vmas.insert(vma, at: index)
        mergeVMAs(around: index..<(index + 1))
        var cost = config.syscallNs
        // MAP_POPULATE faults every page in: a write fault for private writable
        // mappings, else a read fault (populate_vma_page_range, mm/gup.c).
        if flags.contains(.populate), !protection.isEmpty {
            let isWrite = protection.contains(.write) && !flags.contains(.shared)
            cost += try touch(address: address, length: length, isWrite: isWrite).costNs
        }
        return KernelCall(address, costNs: cost)
    }

    public mutating func unmap(address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void> {
        residencyChanges &+= 1
        let (start, end) = try pageRange(address, length, call: "munmap")
        guard overlapsMapping(start, end) else {
            throw ModelError(.invalid, "munmap of \(hex(start))-\(hex(end)), which is not mapped")
        }
        splitVMA(at: start)
        splitVMA(at: end)
        var released: (ptes: UInt64, hugePages: UInt64) = (0, 0)
        let i = firstVMA(endingAfter: start)
        while i < vmas.count, vmas[i].start < end {
            let r = releasePages(of: vmas[i], from: vmas[i].start >> 12, to: vmas[i].end >> 12)
            released = (released.ptes + r.ptes, released.hugePages + r.hugePages)
            vmas.remove(at: i)
        }
        // free_pgtables: page tables of 2 MiB ranges now wholly unmapped go away.
        let firstChunk = (start + (2 << 20) - 1) >> 21, endChunk = end >> 21
        if firstChunk < endChunk {
            for chunk in pmds.keys(in: firstChunk..<endChunk) where pmds[chunk] == PMD.pteTable { pmds[chunk] = 0 }
        }
        return KernelCall((), costNs: config.syscallNs + releaseCost(released))
    }

    public mutating func protect(address: UInt64, length: UInt64, protection: Protection) throws(ModelError) -> KernelCall<Void> {
        residencyChanges &+= 1
        let (start, end) = try pageRange(address, length, call: "mprotect")
        try changeVMAs(start, end, call: "mprotect") { $0.protection = protection }
        return KernelCall((), costNs: config.syscallNs)
    }

    public mutating func advise(address: UInt64, length: UInt64, advice: Advice) throws(ModelError) -> KernelCall<Void> {
        residencyChanges &+= 1
        let (start, end) = try pageRange(address, length, call: "madvise")
        var cost = config.syscallNs
        switch advice {
        case .hugePage:
            try changeVMAs(start, end, call: "madvise") { $0.hugePageAdvice = .hugePage }
        case .noHugePage:
            try changeVMAs(start, end, call: "madvise") { $0.hugePageAdvice = .noHugePage }
        case .dontNeed:
            // Zaps the PTEs now (private anonymous pages are freed, RSS drops); the VMA
            // is unchanged. Next access refaults: zero page / fresh zeroed page / page cache.
            try requireMapped(start, end, call: "madvise(MADV_DONTNEED)")
            var released: (ptes: UInt64, hugePages: UInt64) = (0, 0)
            var i = firstVMA(endingAfter: start)
            while i < vmas.count, vmas[i].start < end {
                let vma = vmas[i]
                let r = releasePages(of: vma, from: max(start, vma.start) >> 12, to: min(end, vma.end) >> 12)
                released = (released.ptes + r.ptes, released.hugePages + r.hugePages)
                i += 1
            }
            cost += releaseCost(released)
        case .free:
            try requireMapped(start, end, call: "madvise(MADV_FREE)")
            var i = firstVMA(endingAfter: start)
            while i < vmas.count, vmas[i].start < end {
                guard vmas[i].isPrivateAnonymous else {
                    throw ModelError(.invalid, "madvise(MADV_FREE) of \(hex(start))-\(hex(end)): not private anonymous memory (EINVAL)")
                }
                i += 1
            }
            cost += lazyFree(from: start >> 12, to: end >> 12) * config.releasePageNs
        case .willNeed:
            // File mappings: start reading the range into the page cache (asynchronous
            // I/O, so the caller pays only the call); pages are not mapped.
            try requireMapped(start, end, call: "madvise(MADV_WILLNEED)")
            var i = firstVMA(endingAfter: start)
            while i < vmas.count, vmas[i].start < end {
                let vma = vmas[i]
                if !vma.isAnonymous {
                    let first = vma.filePage(max(start, vma.start) >> 12)
                    let last = min(vma.filePage(min(end, vma.end) >> 12), files[Int(vma.file)].pageCount)
                    if first < last { _ = readIntoPageCache(file: vma.file, pages: first..<last) }
                }
                i += 1
            }
        }
        return KernelCall((), costNs: cost)
    }

    // MARK: VMA list

    func pageRange(_ address: UInt64, _ length: UInt64, call: String) throws(ModelError) -> (UInt64, UInt64) {
        guard address & 4095 == 0 else { throw ModelError(.invalid, "\(call) of unaligned address \(hex(address)) (EINVAL)") }
        guard length > 0, address <= Self.taskSize, length <= Self.taskSize - address else {
            throw ModelError(.invalid, "\(call) of \(length) bytes at \(hex(address)) (EINVAL)")
        }
        return (address, (address + length + 4095) & ~4095)
    }

    func isFree(_ start: UInt64, _ end: UInt64) -> Bool {
        let i = firstVMA(endingAfter: start)
        return i == vmas.count || vmas[i].start >= end
    }

    func overlapsMapping(_ start: UInt64, _ end: UInt64) -> Bool { !isFree(start, end) }

    /// Throws ENOMEM (as `.invalid`) unless every page of the range is mapped.
    func requireMapped(_ start: UInt64, _ end: UInt64, call: String) throws(ModelError) {
        var cursor = start
        var i = firstVMA(endingAfter: start)
        while cursor < end {
            guard i < vmas.count, vmas[i].start <= cursor else {
                throw ModelError(.invalid, "\(call) of \(hex(start))-\(hex(end)): \(hex(cursor)) is not mapped (ENOMEM)")
            }
            cursor = vmas[i].end
            i += 1
        }
    }

    /// The highest free range of `length` bytes below `mmapBase` starting on an
    /// `alignment` boundary (a power of two).
    func topDownGap(_ length: UInt64, alignment: UInt64 = 4096) -> UInt64? {
        var high = min(config.mmapBase, Self.taskSize)
        for vma in vmas.reversed() where vma.start < high {
            if vma.end <= high, high - vma.end >= length {
                let start = (high - length) & ~(alignment - 1)
                if start >= vma.end { return start }
            }
            high = vma.start
        }
        let low: UInt64 = 0x10000  // vm.mmap_min_addr
        guard high >= low + length else { return nil }
        let start = (high - length) & ~(alignment - 1)
        return start >= low ? start : nil
    }

    /// Splits the VMA containing `address` so that a VMA starts there (`__split_vma`).
    /// A huge page straddling the split point is split first (`vma_adjust_trans_huge`).
    mutating func splitVMA(at address: UInt64) {
        guard let i = vmaIndex(containing: address), vmas[i].start < address else { return }
        if address & ((2 << 20) - 1) != 0, let state = HugeState(rawValue: pmds[address >> 21]) {
            splitHugePage(address >> 21, state)
        }
        var right = vmas[i]
        right.start = address
        if !right.isAnonymous { right.fileOffset += address - vmas[i].start }
        vmas[i].end = address
        vmas.insert(right, at: i + 1)
    }

    /// Merges compatible neighbours of the VMAs in `range` (`vma_merge`).
    mutating func mergeVMAs(around range: Range<Int>) {
        var i = min(range.upperBound, vmas.count - 1)
        let low = max(range.lowerBound, 1)
        while i >= low {
            if vmas[i - 1].canMerge(with: vmas[i]), !(vmas[i].isAnonymous && vmas[i].isShared) {
                vmas[i - 1].end = vmas[i].end
                vmas.remove(at: i)
            }
            i -= 1
        }
    }

    /// Applies `change` to the VMAs covering `[start, end)`, splitting at the ends and
    /// merging afterwards, as mprotect and madvise(MADV_[NO]HUGEPAGE) do.
    mutating func changeVMAs(_ start: UInt64, _ end: UInt64, call: String,
                             _ change: (inout VirtualMemoryArea) -> Void) throws(ModelError) {
        try requireMapped(start, end, call: call)
        splitVMA(at: start)
        splitVMA(at: end)
        let first = firstVMA(endingAfter: start)
        var i = first
        while i < vmas.count, vmas[i].start < end {
            change(&vmas[i])
            i += 1
        }
        mergeVMAs(around: (first)..<i)
    }

    // MARK: Releasing pages

    /// Zaps the PTEs of pages `[from, to)` of `vma` (munmap, MADV_DONTNEED): anonymous
    /// pages are freed, file pages unmapped (they stay in the page cache), swap slots
    /// freed. A huge page wholly inside goes at once; one partly inside is split first
    /// and its remaining 4 KiB pages stay resident. Returns the PTEs and the whole huge
    /// pages released.
    mutating func releasePages(of vma: VirtualMemoryArea, from: UInt64, to: UInt64) -> (ptes: UInt64, hugePages: UInt64) {
        guard from < to else { return (0, 0) }
        var released: UInt64 = 0
        var releasedHuge: UInt64 = 0
        for chunk in pmds.keys(in: (from >> 9)..<(((to - 1) >> 9) + 1)) {
            guard let state = HugeState(rawValue: pmds[chunk]) else { continue }
            if chunk << 9 >= from && (chunk + 1) << 9 <= to {
                pmds[chunk] = 0
                hugePages[Int(state.rawValue)] -= 1
                releasedHuge += 1
            } else {
                splitHugePage(chunk, state)
            }
        }
        for key in blocks.keys(in: (from >> 4)..<(((to - 1) >> 4) + 1)) {
            var bits = blocks[key]
            for page in max(from, key << 4)..<min(to, (key + 1) << 4) {
                let state = PageBlock.state(bits, page & 15)
                guard state != .untouched else { continue }
                release(state, of: vma, page: page)
                bits = PageBlock.setting(bits, page & 15, .untouched)
                released += 1
            }
            blocks[key] = bits
        }
        return (released, releasedHuge)
    }

    /// What zapping costs: per PTE, and per whole PMD-mapped huge page (one folio freed).
    func releaseCost(_ released: (ptes: UInt64, hugePages: UInt64)) -> UInt64 {
        released.ptes * config.releasePageNs + released.hugePages * config.releaseHugePageNs
    }

    /// The accounting of one page leaving `state` for `untouched`.
    mutating func release(_ state: PageState, of vma: VirtualMemoryArea, page: UInt64) {
        recount(state, .untouched)
        if state.isFile {
            adjustMapCount(file: vma.file, page: vma.filePage(page), by: -1)
        } else if state == .swapped {
            swapUsedPages -= 1
        }
    }

    /// Replaces the PMD mapping of `chunk` by 512 PTEs in the same state (`__split_huge_pmd`).
    mutating func splitHugePage(_ chunk: UInt64, _ state: HugeState) {
        pmds[chunk] = 0
        hugePages[Int(state.rawValue)] -= 1
        let split = state.splitState
        for key in (chunk << 5)..<((chunk + 1) << 5) { blocks[key] = PageBlock.uniform(split) }
        pagesInState[Int(split.rawValue)] += 512
        pmds[chunk] = PMD.pteTable
    }

    /// MADV_FREE of private anonymous pages `[from, to)`: resident pages become lazily
    /// free (RSS unchanged; reclaim may discard them; a write cancels); swapped pages'
    /// slots are freed; zero-page PTEs are skipped (madvise_free_pte_range, mm/madvise.c).
    mutating func lazyFree(from: UInt64, to: UInt64) -> UInt64 {
        var pages: UInt64 = 0
        for chunk in pmds.keys(in: (from >> 9)..<(((to - 1) >> 9) + 1)) {
            guard let state = HugeState(rawValue: pmds[chunk]) else { continue }
            if chunk << 9 >= from && (chunk + 1) << 9 <= to {
                if state == .anon {
                    pmds[chunk] = HugeState.lazyFree.rawValue
                    hugePages[Int(HugeState.anon.rawValue)] -= 1
                    hugePages[Int(HugeState.lazyFree.rawValue)] += 1
                    pages += 1
                }
            } else {
                splitHugePage(chunk, state)
            }
        }
        for key in blocks.keys(in: (from >> 4)..<(((to - 1) >> 4) + 1)) {
            var bits = blocks[key]
            for page in max(from, key << 4)..<min(to, (key + 1) << 4) {
                switch PageBlock.state(bits, page & 15) {
                case .anon:
                    recount(.anon, .lazyFree)
                    bits = PageBlock.setting(bits, page & 15, .lazyFree)
                    pages += 1
                case .swapped:
                    recount(.swapped, .untouched)
                    swapUsedPages -= 1
                    bits = PageBlock.setting(bits, page & 15, .untouched)
                default:
                    break
                }
            }
            blocks[key] = bits
        }
        return pages
    }
}
