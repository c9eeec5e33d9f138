import GoMemSimCore
import GoMemSimTrace

// Demand paging: what a CPU access to not-yet-mapped memory costs and leaves behind
// (facts/linux-paging.md §1, §2, §5; mm/memory.c `handle_mm_fault`).
extension LinuxKernel {
    /// 21 where a PMD maps a huge page (anonymous, lazily freed, or the huge zero page),
    /// else 12.
    public func pageShift(at address: UInt64) -> UInt8 {
        HugeState(rawValue: pmds[address >> 21]) == nil ? 12 : 21
    }

    public mutating func touch(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch {
        guard length > 0 else { return PageTouch() }
        guard length <= UInt64.max - address else { throw .segfault(address, "access of \(length) bytes wraps the address space") }
        let page = address >> 12
        let onePage = (address &+ length &- 1) >> 12 == page
        if onePage, lastTouch.repeats(page: page, isWrite: isWrite, epoch: residencyChanges) {
            return PageTouch(pageShift: lastTouch.pageShift)
        }
        // Before the peak's `defer`: without a fault RSS cannot have grown.
        if let touch = touchWithoutFault(address: address, length: length, isWrite: isWrite) {
            if onePage { lastTouch = RepeatedTouch(page: page, isWrite: isWrite, epoch: residencyChanges, touch) }
            return touch
        }
        return try touchPages(address: address, length: length, isWrite: isWrite)
    }

    /// ``touch(address:length:isWrite:)`` page by page (faults included), for a valid range.
    mutating func touchPages(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch {
        lastTouch = RepeatedTouch()  // a fault may change any page, that one's too (a huge zero page split)
        defer { notePeak() }
        var result = PageTouch(pageShift: 21)
        var page = address >> 12
        let endPage = ((address + length - 1) >> 12) + 1
        var vi = -1
        while page < endPage {
            if vi < 0 || page >= vmas[vi].end >> 12 {
                vi = try vmaForAccess(at: page << 12, isWrite: isWrite)
                vmaHint = vi
            }
            let vma = vmas[vi]
            let vmaEndPage = vma.end >> 12
            let chunk = page >> 9
            let chunkEnd = (chunk + 1) << 9

            // A PMD-mapped huge page: no fault unless writing to the huge zero page,
            // which is split to 4 KiB PTEs and copied on write (do_huge_pmd_wp_page).
            let pmd = pmds[chunk]
            if let state = HugeState(rawValue: pmd) {
                if !isWrite || state == .anon {
                    page = min(endPage, chunkEnd)
                    continue
                }
                if state == .lazyFree {  // a write cancels MADV_FREE, without a fault
                    pmds[chunk] = HugeState.anon.rawValue
                    hugePages[Int(HugeState.lazyFree.rawValue)] -= 1
                    hugePages[Int(HugeState.anon.rawValue)] += 1
                    page = min(endPage, chunkEnd)
                    continue
                }
                splitHugePage(chunk, state)
            } else if vma.isPrivateAnonymous, chunk << 9 >= vma.start >> 12, chunkEnd <= vmaEndPage,
                      pmd == 0, isHugePageEligible(vma) {
                // A 2 MiB-aligned range wholly inside an eligible VMA with no page table
                // yet faults in as one huge page (do_huge_pmd_anonymous_page).
                if isWrite {
                    if try hugePageFault(chunk, vma: vma, cost: &result.costNs) {
                        result.minorFaults += 1
                        page = min(endPage, chunkEnd)
                        continue
                    }
                } else if config.thpUseZeroPage {
                    pmds[chunk] = HugeState.zero.rawValue
                    hugePages[Int(HugeState.zero.rawValue)] += 1
                    count(.thpZeroPage, costNs: config.faultNs)
                    result.costNs += config.faultNs
                    result.minorFaults += 1
                    page = min(endPage, chunkEnd)
                    continue
                }
            }

            result.pageShift = 12
            let stop = min(endPage, (page | 15) + 1, vmaEndPage)
            if vma.isPrivateAnonymous {
                try touchAnonymousBlock(page..<stop, isWrite: isWrite, result: &result)
            } else {
                for p in page..<stop { try touchMappedPage(p, vma: vma, isWrite: isWrite, result: &result) }
            }
            page = stop
        }
        return result
    }

    /// The common touch — of memory already faulted in, as every allocation's zeroing of
    /// reused memory is, or a read of memory only read before — answered from the hinted
    /// VMA, one PMD and one block, without the page loop: the access lies in one 16-page
    /// block of the last VMA used, a private anonymous one that allows it, and the
    /// block's pages are all `anon` under a PTE table (for a read, all on the zero page
    /// also do), or the range lies in an anonymous huge page (for a read, any huge
    /// page: the huge zero page or a lazily freed one too). Nothing changes (no fault),
    /// so the result is what ``touchPages(address:length:isWrite:)`` gives.
    /// `nil` for anything else.
    @inline(__always)
    func touchWithoutFault(address: UInt64, length: UInt64, isWrite: Bool) -> PageTouch? {
        let first = address >> 12, last = (address &+ length &- 1) >> 12
        guard first >> 4 == last >> 4, vmaHint < vmas.count else { return nil }
        let vma = vmas[vmaHint]
        guard vma.start <= address, last < vma.end >> 12, vma.isPrivateAnonymous,
              !vma.protection.isEmpty, !isWrite || vma.protection.contains(.write) else { return nil }
        let pmd = pmds[first >> 9]
        // A read faults on no huge page (HugeState 1…3); a write only on the zero or a lazily freed one.
        if pmd == HugeState.anon.rawValue || (!isWrite && pmd != 0 && pmd < PMD.pteTable) {
            return PageTouch(pageShift: 21)
        }
        guard pmd == PMD.pteTable else { return nil }
        // The nibbles of pages first…last, each `anon` (or, for a read, each `zeroPage`).
        let shift = (first & 15) &* 4
        let width = (last &- first &+ 1) &* 4
        let mask = width == 64 ? UInt64.max : ((1 << width) &- 1) << shift
        let bits = blocks[first >> 4] & mask
        guard bits == PageBlock.uniform(.anon) & mask || (!isWrite && bits == PageBlock.uniform(.zeroPage) & mask) else {
            return nil
        }
        return PageTouch(pageShift: 12)
    }

    /// The VMA for an access at `address`, or SIGSEGV: no mapping, PROT_NONE, or a
    /// write without PROT_WRITE (on x86 any protection but PROT_NONE can be read).
    @inline(__always)
    func vmaForAccess(at address: UInt64, isWrite: Bool) throws(ModelError) -> Int {
        let i: Int
        if vmaHint < vmas.count, vmas[vmaHint].start <= address, address < vmas[vmaHint].end {
            i = vmaHint
        } else {
            guard let found = vmaIndex(containing: address) else { throw .segfault(address, "no mapping") }
            i = found
        }
        let prot = vmas[i].protection
        if prot.isEmpty { throw .segfault(address, "access to PROT_NONE mapping \(hex(vmas[i].start))-\(hex(vmas[i].end))") }
        if isWrite && !prot.contains(.write) {
            throw .segfault(address, "write to \(vmas[i].permissions) mapping \(hex(vmas[i].start))-\(hex(vmas[i].end))")
        }
        return i
    }

    /// THP eligibility of an anonymous VMA: `enabled=always` unless MADV_NOHUGEPAGE,
    /// `enabled=madvise` only with MADV_HUGEPAGE (transhuge.rst, facts §5).
    @inline(__always)
    func isHugePageEligible(_ vma: VirtualMemoryArea) -> Bool {
        switch config.thpMode {
        case .always: vma.hugePageAdvice != .noHugePage
        case .madvise: vma.hugePageAdvice == .hugePage
        case .never: false
        }
    }

    /// Allocates and clears a 2 MiB page for `chunk`. When memory is short, `defrag`
    /// decides whether the fault stalls in direct reclaim or falls back to 4 KiB pages
    /// (returns false). Clearing 512 × 4 KiB is the cost (facts §9).
    mutating func hugePageFault(_ chunk: UInt64, vma: VirtualMemoryArea, cost: inout UInt64) throws(ModelError) -> Bool {
        if chargedPages + 512 > limitPages || highPages.map({ chargedPages + 512 > $0 }) == true {
            let stalls: Bool = switch config.thpDefrag {
            case .always: true
            case .madvise, .deferMadvise: vma.hugePageAdvice == .hugePage
            case .defer_, .never: false
            }
            guard stalls else { return false }
            let need = chargedPages + 512 - min(limitPages, highPages ?? .max)
            let freed = reclaim(need, cost: &cost)
            guard freed >= need else { return false }
        }
        pmds[chunk] = HugeState.anon.rawValue
        hugePages[Int(HugeState.anon.rawValue)] += 1
        let ns = config.faultNs + 512 * config.zeroPageNs
        count(.thp, costNs: ns)
        cost += ns
        return true
    }

    /// The fast path: pages of one 64 KiB block of a private anonymous VMA, updated in
    /// a register and stored once.
    mutating func touchAnonymousBlock(_ pages: Range<UInt64>, isWrite: Bool, result: inout PageTouch) throws(ModelError) {
        let key = pages.lowerBound >> 4
        var original = blocks[key]
        var bits = original
        for page in pages {
            let i = page & 15
            let state = PageBlock.state(bits, i)
            let next: PageState
            switch state {
            case .untouched where isWrite, .zeroPage where isWrite, .swapped:
                if chargedPages + 1 > limitPages || (highPages.map { chargedPages + 1 > $0 } ?? false) {
                    if bits != original { storeBlock(key, bits, original) }
                    try makeRoom(1, cost: &result.costNs)
                    original = blocks[key]
                    bits = original
                }
                next = .anon
                let kind: FaultKind
                let ns: UInt64
                switch state {
                case .untouched: (kind, ns) = (.minorAnon, config.faultNs + config.zeroPageNs)
                case .zeroPage: (kind, ns) = (.minorCOW, config.faultNs + config.zeroPageNs)
                default:
                    (kind, ns) = (.swapIn, config.majorFaultNs)
                    swapUsedPages -= 1
                }
                count(kind, costNs: ns)
                result.costNs += ns
                if kind.isMajor { result.majorFaults += 1 } else { result.minorFaults += 1 }
            case .untouched:
                next = .zeroPage
                count(.minorZeroPage, costNs: config.faultNs)
                result.costNs += config.faultNs
                result.minorFaults += 1
            case .lazyFree where isWrite:
                next = .anon  // the write re-dirties the page: MADV_FREE cancelled, no fault
            default:
                continue
            }
            recount(state, next)
            bits = PageBlock.setting(bits, i, next)
        }
        if bits != original { storeBlock(key, bits, original) }
    }

    @inline(__always)
    mutating func storeBlock(_ key: UInt64, _ bits: UInt64, _ original: UInt64) {
        blocks[key] = bits
        if original == 0 { pmds[key >> 5] = PMD.pteTable }
    }

    /// One page of a file or shmem mapping.
    mutating func touchMappedPage(_ page: UInt64, vma: VirtualMemoryArea, isWrite: Bool,
                                  result: inout PageTouch) throws(ModelError) {
        let state = self.state(page)
        if vma.isAnonymous {  // MAP_SHARED|MAP_ANONYMOUS: shmem, allocated on first touch
            guard state == .untouched || state == .zeroPage else { return }
            try makeRoom(1, cost: &result.costNs)
            setState(page, .shmem)
            recount(state, .shmem)
            let ns = config.faultNs + config.zeroPageNs
            count(.minorShmem, costNs: ns)
            result.costNs += ns
            result.minorFaults += 1
            return
        }
        let file = vma.file
        let filePage = vma.filePage(page)
        guard filePage < files[Int(file)].pageCount else {
            throw ModelError(.segfault, "SIGBUS at \(hex(page << 12)): beyond the end of \"\(files[Int(file)].name)\"")
        }
        switch state {
        case .untouched:
            if !isWrite {
                try fileReadFault(page, filePage: filePage, vma: vma, result: &result)
                return
            }
            // A write fault: the page is read into the page cache first if needed; a
            // shared mapping then dirties it, a private one copies it (do_cow_fault).
            let major = try ensureCached(file: file, page: filePage, cost: &result.costNs)
            var ns = major ? config.majorFaultNs : config.faultNs
            if vma.isShared {
                setState(page, .fileDirty)
                recount(.untouched, .fileDirty)
                adjustMapCount(file: file, page: filePage, by: 1)
                files[Int(file)].pages[filePage] |= CachedFile.dirtyBit
                count(major ? .majorFile : .minorFile, costNs: ns)
            } else {
                try makeRoom(1, cost: &result.costNs)
                setState(page, .anon)
                recount(.untouched, .anon)
                ns += config.copyPageNs
                count(major ? .majorFile : .minorCOW, costNs: ns)
            }
            result.costNs += ns
            if major { result.majorFaults += 1 } else { result.minorFaults += 1 }
        case .fileClean where isWrite:
            if vma.isShared {  // write-notify fault: the page-cache page becomes dirty
                setState(page, .fileDirty)
                recount(.fileClean, .fileDirty)
                files[Int(file)].pages[filePage] |= CachedFile.dirtyBit
                count(.minorFile, costNs: config.faultNs)
                result.costNs += config.faultNs
            } else {  // copy-on-write of a private file page: now anonymous
                try makeRoom(1, cost: &result.costNs)
                // Reclaim may have unmapped this very page: then it is a fresh write fault.
                guard self.state(page) == .fileClean else {
                    return try touchMappedPage(page, vma: vma, isWrite: isWrite, result: &result)
                }
                setState(page, .anon)
                recount(.fileClean, .anon)
                adjustMapCount(file: file, page: filePage, by: -1)
                let ns = config.faultNs + config.copyPageNs
                count(.minorCOW, costNs: ns)
                result.costNs += ns
            }
            result.minorFaults += 1
        case .swapped:
            try makeRoom(1, cost: &result.costNs)
            setState(page, .anon)
            recount(.swapped, .anon)
            swapUsedPages -= 1
            count(.swapIn, costNs: config.majorFaultNs)
            result.costNs += config.majorFaultNs
            result.majorFaults += 1
        case .lazyFree where isWrite:
            setState(page, .anon)
            recount(.lazyFree, .anon)
        default:
            break
        }
    }

    /// A read fault on a file page (do_read_fault). If the page is not in the page cache
    /// the fault is major: readahead reads 128 KiB around it, the fault is retried, and
    /// the retry's fault-around maps the cached pages of the 64 KiB block — which is why
    /// the first read of example 5-3 shows 64 KiB resident even from a cold cache.
    mutating func fileReadFault(_ page: UInt64, filePage: Int, vma: VirtualMemoryArea,
                                result: inout PageTouch) throws(ModelError) {
        let file = vma.file
        let major = try ensureCached(file: file, page: filePage, cost: &result.costNs)
        var ns = major ? config.majorFaultNs : config.faultNs
        // do_fault_around (mm/memory.c): the window starts at the fault_around_bytes-aligned
        // address, or at the VMA's start if that is later, and spans fault_around_bytes
        // from there — so a VMA that is not 64 KiB-aligned still maps 16 pages — never
        // past the VMA or the page table (2 MiB); only pages already cached and not mapped.
        let span = max(1, config.faultAroundBytes >> 12)
        let from = max(page - page % span, vma.start >> 12, page & ~511)
        let to = min(from + span, vma.end >> 12, (page | 511) + 1)
        let filePages = files[Int(file)].pageCount
        for p in from..<to {
            let fp = vma.filePage(p)
            guard fp < filePages, files[Int(file)].isCached(fp), state(p) == .untouched else { continue }
            setState(p, .fileClean)
            recount(.untouched, .fileClean)
            adjustMapCount(file: file, page: fp, by: 1)
            if p != page { ns += config.mapPageNs }
        }
        count(major ? .majorFile : .minorFile, costNs: ns)
        result.costNs += ns
        if major { result.majorFaults += 1 } else { result.minorFaults += 1 }
    }

    /// Makes `file`'s page `page` cached, reading the readahead window around it
    /// (mmap read-around: `ra_pages` centred on the fault, do_sync_mmap_readahead).
    /// Returns whether I/O was needed; the I/O cost is the caller's major fault.
    mutating func ensureCached(file: Int32, page: Int, cost: inout UInt64) throws(ModelError) -> Bool {
        guard !files[Int(file)].isCached(page) else { return false }
        let window = Int(max(1, config.readaheadBytes >> 12))
        let start = max(0, page - window / 2)
        let end = min(start + window, files[Int(file)].pageCount)
        _ = try readIntoPageCacheOrThrow(file: file, pages: start..<end, cost: &cost)
        return true
    }

    /// Reads the uncached pages of `pages` into the page cache, making room first.
    mutating func readIntoPageCacheOrThrow(file: Int32, pages: Range<Int>, cost: inout UInt64) throws(ModelError) -> UInt64 {
        var missing: UInt64 = 0
        for p in pages where !files[Int(file)].isCached(p) { missing += 1 }
        guard missing > 0 else { return 0 }
        try makeRoom(missing, cost: &cost)
        return markCached(file: file, pages: pages)
    }

    /// Reads what fits of `pages` into the page cache without ever failing (readahead
    /// that is only a hint). Returns the pages read.
    mutating func readIntoPageCache(file: Int32, pages: Range<Int>) -> UInt64 {
        var missing: UInt64 = 0
        for p in pages where !files[Int(file)].isCached(p) { missing += 1 }
        guard missing > 0 else { return 0 }
        var ignored: UInt64 = 0
        if chargedPages + missing > limitPages {
            _ = reclaim(chargedPages + missing - limitPages, cost: &ignored)
            guard chargedPages + missing <= limitPages else { return 0 }
        }
        return markCached(file: file, pages: pages)
    }

    mutating func markCached(file: Int32, pages: Range<Int>) -> UInt64 {
        var added: UInt64 = 0
        for p in pages where !files[Int(file)].isCached(p) {
            files[Int(file)].pages[p] |= CachedFile.cachedBit
            added += 1
        }
        files[Int(file)].cachedPages += added
        pageCachePages += added
        return added
    }

    /// `read(2)`: copies through the page cache (uncached pages are read in windows of
    /// `read_ahead_kb`, each one I/O) and writes the destination, which faults it in —
    /// a fresh anonymous buffer becomes resident (example 5-2). Reading past the end of
    /// the file is a short read.
    public mutating func readFile(_ file: String, fileOffset: UInt64, into address: UInt64,
                                  length: UInt64) throws(ModelError) -> KernelCall<Void> {
        residencyChanges &+= 1
        guard let f = fileIndex[file] else { throw ModelError(.invalid, "read of undeclared file \"\(file)\"") }
        var cost = config.syscallNs
        let size = files[Int(f)].size
        guard fileOffset < size, length > 0 else { return KernelCall((), costNs: cost) }
        let bytes = min(length, size - fileOffset)
        let first = Int(fileOffset >> 12), end = Int((fileOffset + bytes - 1) >> 12) + 1
        let window = Int(max(1, config.readaheadBytes >> 12))
        var start = first
        while start < end {
            let stop = min(start + window, end)
            if try readIntoPageCacheOrThrow(file: f, pages: start..<stop, cost: &cost) > 0 {
                count(.readIO, costNs: config.majorFaultNs)
                cost += config.majorFaultNs
            }
            start = stop
        }
        do {
            cost += try touch(address: address, length: bytes, isWrite: true).costNs
        } catch where error.kind == .segfault {
            throw ModelError(.invalid, "read(2) into \(hex(address)): \(error.message) (EFAULT)")
        }
        cost += UInt64(Double(bytes) * config.copyByteNs)
        return KernelCall((), costNs: cost)
    }
}
