/// What one 4 KiB virtual page holds (facts/linux-paging.md §7). Four bits, so a block
/// of 16 pages (64 KiB, one fault-around block) packs into one `UInt64`.
enum PageState: UInt8, CaseIterable {
    /// No PTE: never touched, or released by munmap/DONTNEED.
    case untouched = 0
    /// Mapped to the shared zero page after a read of private anonymous memory: no RSS.
    case zeroPage
    /// A private anonymous page (also a copy-on-write copy of a file page): RssAnon.
    case anon
    /// A page-cache page mapped and not written through this mapping: RssFile.
    case fileClean
    /// A page-cache page written through a shared mapping: RssFile, dirty.
    case fileDirty
    /// A private anonymous page after MADV_FREE, not yet reclaimed: RssAnon, LazyFree.
    case lazyFree
    /// A private anonymous page written to swap: VmSwap.
    case swapped
    /// A shared anonymous (shmem) page: RssShmem.
    case shmem

    var isResident: Bool {
        switch self {
        case .anon, .fileClean, .fileDirty, .lazyFree, .shmem: true
        case .untouched, .zeroPage, .swapped: false
        }
    }

    /// Whether the page is a page-cache page of a file.
    var isFile: Bool { self == .fileClean || self == .fileDirty }

    /// Whether the page is charged as anonymous memory (not via the page cache).
    var isAnonCharged: Bool { self == .anon || self == .lazyFree || self == .shmem }
}

/// 16 page states packed in a `UInt64`, one per 4 bits; page `i` of the block is bits 4i…4i+3.
enum PageBlock {
    static let pagesShift: UInt64 = 4
    static let pages: UInt64 = 16

    @inline(__always)
    static func state(_ bits: UInt64, _ i: UInt64) -> PageState {
        PageState(rawValue: UInt8(truncatingIfNeeded: (bits >> (i &* 4)) & 0xF)) ?? .untouched
    }

    @inline(__always)
    static func setting(_ bits: UInt64, _ i: UInt64, _ state: PageState) -> UInt64 {
        let shift = i &* 4
        return (bits & ~(0xF << shift)) | (UInt64(state.rawValue) << shift)
    }

    /// A block with all 16 pages in `state`.
    static func uniform(_ state: PageState) -> UInt64 {
        UInt64(state.rawValue) &* 0x1111_1111_1111_1111
    }
}

/// The state of a PMD-mapped 2 MiB transparent huge page (one entry per 512 pages).
enum HugeState: UInt64 {
    /// An anonymous huge page: RssAnon and AnonHugePages +2 MiB.
    case anon = 1
    /// An anonymous huge page after MADV_FREE of all of it.
    case lazyFree
    /// The huge zero page, mapped by a read fault (`use_zero_page`): no RSS.
    case zero

    /// The 4 KiB state each of its pages takes when the PMD is split.
    var splitState: PageState {
        switch self {
        case .anon: .anon
        case .lazyFree: .lazyFree
        case .zero: .zeroPage
        }
    }
}

/// PMD values besides a huge page.
enum PMD {
    /// The 2 MiB range is mapped by a page table of 4 KiB PTEs.
    static let pteTable: UInt64 = 4
}
