/// A declared file and which of its pages are in the page cache.
///
/// One `UInt16` per 4 KiB file page: bit 15 = in the page cache (up to date), bit 14 =
/// dirty, bits 0–13 = how many of this process's PTEs map it (`page_mapcount`). The page
/// cache is shared by every mapping of the file and by read(2); it is not process RSS
/// unless mapped (facts/linux-paging.md §2).
struct CachedFile {
    static let cachedBit: UInt16 = 0x8000
    static let dirtyBit: UInt16 = 0x4000
    static let mapCountMask: UInt16 = 0x3FFF

    let name: String
    let size: UInt64
    var pages: [UInt16]
    var cachedPages: UInt64 = 0

    init(name: String, size: UInt64, cachedBytes: UInt64) {
        self.name = name
        self.size = size
        let count = Int((size + 4095) >> 12)
        pages = Array(repeating: 0, count: count)
        let cached = min(count, Int((min(cachedBytes, size) + 4095) >> 12))
        for i in 0..<cached { pages[i] = Self.cachedBit }
        cachedPages = UInt64(cached)
    }

    var pageCount: Int { pages.count }

    @inline(__always) func isCached(_ page: Int) -> Bool { pages[page] & Self.cachedBit != 0 }
    @inline(__always) func isDirty(_ page: Int) -> Bool { pages[page] & Self.dirtyBit != 0 }
    @inline(__always) func mapCount(_ page: Int) -> UInt16 { pages[page] & Self.mapCountMask }
}
