import GoMemSimCore
import GoMemSimTrace

/// The Linux kernel's side of one process's memory: an address space of VMAs, demand
/// paging with 4 KiB pages and 2 MiB transparent huge pages, the page cache with
/// fault-around and readahead, madvise/mprotect/munmap, and reclaim under machine RAM,
/// swap and cgroup v2 `memory.max`/`memory.high` — as facts/linux-paging.md describes.
///
///     var kernel = LinuxKernel(config: KernelConfig())
///     let buffer = try kernel.map(length: 600 << 20, protection: [.read, .write],
///                                 flags: .anonymous, file: nil, fileOffset: 0, fixedAddress: nil).value
///     _ = try kernel.touch(address: buffer, length: 600 << 20, isWrite: true)
///     // VmRSS is now 600 MiB: one zero-filled minor fault per 4 KiB page.
///
/// Rules (each cited where it is applied):
/// - mmap creates a VMA only: VmSize grows, VmRSS does not. Pages fault in on first
///   access: a write to private anonymous memory allocates a zeroed page, a read maps
///   the shared zero page (no RSS), a later write copies (COW). (§1)
/// - A file read fault maps the 64 KiB fault-around block of pages already in the page
///   cache; a page not in the page cache is a major fault that first reads 128 KiB
///   around it (readahead). Private file pages are copied on write. (§2)
/// - A 2 MiB-aligned range wholly inside one eligible anonymous VMA faults in as one
///   huge page; a partial DONTNEED, a VMA boundary or a write to the huge zero page
///   splits it, and a 2 MiB range that has a page table stays 4 KiB. (§5)
/// - DONTNEED frees now; FREE frees only under memory pressure. (§3)
/// - Reclaim takes unmapped clean page cache, then mapped file pages, then lazily
///   freed pages, then swaps anonymous pages; if nothing is left, OOM. (§6)
///
/// State is sparse: per-page state exists only for touched 64 KiB blocks and 2 MiB huge
/// pages, so a 1 TiB reservation costs a VMA until touched.
public struct LinuxKernel: KernelModel {
    public let config: KernelConfig

    /// The VMAs, sorted by start, non-overlapping, adjacent compatible ones merged.
    var vmas: [VirtualMemoryArea] = []
    /// The VMA the last access fell in: checked before the binary search, since
    /// accesses cluster (an allocator zeroing object after object in one arena). Only a
    /// guess — always validated against `vmas` — so no change to `vmas` invalidates it.
    var vmaHint = 0
    /// The page the last touch found as it asked, with nothing to change (see
    /// ``RepeatedTouch``): a sequential pass touches each page 512 times in a row.
    var lastTouch = RepeatedTouch()
    var files: [CachedFile] = []
    var fileIndex: [String: Int32] = [:]
    /// Page states of 4 KiB-mapped memory, 16 per entry, keyed by `page >> 4`.
    var blocks = SparseTable()
    /// What each touched 2 MiB range's PMD holds, keyed by `page >> 9`: a huge page
    /// (a `HugeState` raw value) or `PMD.pteTable` — a page table of 4 KiB PTEs, which
    /// stays until a munmap of the whole range, so later faults there are 4 KiB
    /// (`pmd_none` fails; khugepaged, which could collapse it, is not modelled).
    var pmds = SparseTable()

    /// Pages in each `PageState` (index = raw value; the `untouched` slot is unused).
    var pagesInState = [UInt64](repeating: 0, count: 8)
    /// Huge pages in each `HugeState` (index = raw value).
    var hugePages = [UInt64](repeating: 0, count: 4)
    var pageCachePages: UInt64 = 0
    /// Page-cache pages with at least one PTE mapping them (the rest are reclaimed first).
    var mappedCachePages: UInt64 = 0
    var swapUsedPages: UInt64 = 0
    var peakRSSPages: UInt64 = 0
    var faultCounts = [UInt64](repeating: 0, count: FaultKind.allCases.count)
    var faultCosts = [UInt64](repeating: 0, count: FaultKind.allCases.count)
    /// The reclaim scan position over the page cache (file, page): a CLOCK hand.
    var reclaimCursor = (file: 0, page: 0)
    /// Bumped by everything that may take a page out of memory or out of write access:
    /// each mmap, munmap, mprotect, madvise, read and file declaration, and each reclaim
    /// (``residencyEpoch``). Faults only bring pages in, and leave it.
    var residencyChanges: UInt64 = 0

    let limitPages: UInt64
    let highPages: UInt64?
    let swapPages: UInt64

    /// The highest user address on x86-64 with 4-level page tables (TASK_SIZE).
    static let taskSize: UInt64 = 0x7fff_ffff_f000

    public init(config: KernelConfig) {
        self.config = config
        limitPages = min(config.ramBytes, config.memoryMax ?? .max) >> 12
        highPages = config.memoryHigh.map { $0 >> 12 }
        swapPages = config.swapBytes >> 12
    }

    public var modelName: String? { config.modelName }

    /// A write touch leaves its pages resident and writable (`anon`, a dirty shared
    /// page, shmem, an anonymous huge page); only an munmap, mprotect or madvise, or
    /// reclaim, makes such a page fault again. So while ``residencyChanges`` holds still,
    /// a write touch of memory a write touch reached costs nothing and changes nothing.
    public var residencyEpoch: UInt64? { residencyChanges }

    /// RAM plus swap (mm/util.c `__vm_enough_memory`, OVERCOMMIT_GUESS: a single request
    /// for more pages than total RAM and swap is refused).
    public var commitLimit: UInt64? { config.ramBytes.addingReportingOverflow(config.swapBytes).partialValue }

    // MARK: Counters

    @inline(__always)
    var rssPages: UInt64 {
        pagesInState[Int(PageState.anon.rawValue)] + pagesInState[Int(PageState.lazyFree.rawValue)]
            + pagesInState[Int(PageState.fileClean.rawValue)] + pagesInState[Int(PageState.fileDirty.rawValue)]
            + pagesInState[Int(PageState.shmem.rawValue)]
            + 512 * (hugePages[Int(HugeState.anon.rawValue)] + hugePages[Int(HugeState.lazyFree.rawValue)])
    }

    /// Memory charged to the process's cgroup: anonymous and shmem pages plus the whole
    /// page cache (cgroup v2 `memory.current` includes page cache, facts §4).
    @inline(__always)
    var chargedPages: UInt64 {
        pagesInState[Int(PageState.anon.rawValue)] + pagesInState[Int(PageState.lazyFree.rawValue)]
            + pagesInState[Int(PageState.shmem.rawValue)]
            + 512 * (hugePages[Int(HugeState.anon.rawValue)] + hugePages[Int(HugeState.lazyFree.rawValue)])
            + pageCachePages
    }

    @inline(__always)
    mutating func recount(_ old: PageState, _ new: PageState) {
        pagesInState[Int(old.rawValue)] &-= 1
        pagesInState[Int(new.rawValue)] &+= 1
    }

    @inline(__always)
    mutating func count(_ kind: FaultKind, costNs: UInt64, times: UInt64 = 1) {
        faultCounts[kind.rawValue] &+= times
        faultCosts[kind.rawValue] &+= costNs
    }

    @inline(__always)
    mutating func notePeak() {
        let rss = rssPages
        if rss > peakRSSPages { peakRSSPages = rss }
    }

    // MARK: Page state access (slow paths; the anonymous fault loop works on whole blocks)

    func state(_ page: UInt64) -> PageState {
        PageBlock.state(blocks[page >> 4], page & 15)
    }

    /// Sets the 4 KiB state of `page` (the caller does the accounting).
    mutating func setState(_ page: UInt64, _ state: PageState) {
        let key = page >> 4
        let old = blocks[key]
        let new = PageBlock.setting(old, page & 15, state)
        guard new != old else { return }
        blocks[key] = new
        if old == 0 { pmds[page >> 9] = PMD.pteTable }
    }

    /// Adds `delta` to the map count of `file`'s page `page`.
    mutating func adjustMapCount(file: Int32, page: Int, by delta: Int) {
        let f = Int(file)
        let v = files[f].pages[page]
        let old = Int(v & CachedFile.mapCountMask)
        let count = max(0, min(old + delta, Int(CachedFile.mapCountMask)))
        files[f].pages[page] = (v & ~CachedFile.mapCountMask) | UInt16(count)
        if old == 0 && count > 0 { mappedCachePages += 1 } else if old > 0 && count == 0 { mappedCachePages -= 1 }
    }

    // MARK: Lookup

    /// The index of the VMA containing `address`, if any (binary search).
    @inline(__always)
    func vmaIndex(containing address: UInt64) -> Int? {
        var lo = 0, hi = vmas.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if vmas[mid].end <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo < vmas.count && vmas[lo].start <= address ? lo : nil
    }

    /// The index of the first VMA ending after `address`.
    func firstVMA(endingAfter address: UInt64) -> Int {
        var lo = 0, hi = vmas.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if vmas[mid].end <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: Files

    public mutating func declareFile(name: String, size: UInt64, cachedBytes: UInt64) throws(ModelError) {
        residencyChanges &+= 1
        guard fileIndex[name] == nil else { throw ModelError(.invalid, "file \"\(name)\" declared twice") }
        guard size <= 1 << 44 else { throw ModelError(.invalid, "file \"\(name)\" of \(size) bytes exceeds the modelled 16 TiB") }
        fileIndex[name] = Int32(files.count)
        let file = CachedFile(name: name, size: size, cachedBytes: cachedBytes)
        pageCachePages += file.cachedPages
        files.append(file)
    }

    public mutating func advance(to now: UInt64) {}
}

extension ModelError {
    static func segfault(_ address: UInt64, _ why: String) -> ModelError {
        ModelError(.segfault, "SIGSEGV at 0x\(String(address, radix: 16)): \(why)")
    }
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
