/// A declared file and which of its pages are in the page cache.
///
/// Per 4 KiB file page a `UInt16`: bit 15 = in the page cache (up to date), bit 14 =
/// dirty, bits 0–13 = how many of this process's PTEs map it (`page_mapcount`). The page
/// cache is shared by every mapping of the file and by read(2); it is not process RSS
/// unless mapped (facts/linux-paging.md §2).
struct CachedFile {
    static let cachedBit: UInt16 = 0x8000
    static let dirtyBit: UInt16 = 0x4000
    static let mapCountMask: UInt16 = 0x3FFF

    let name: String
    let size: UInt64
    var pages: FilePageFlags
    var cachedPages: UInt64

    init(name: String, size: UInt64, cachedBytes: UInt64) {
        self.name = name
        self.size = size
        let count = Int((size + 4095) >> 12)
        let cached = min(count, Int((min(cachedBytes, size) + 4095) >> 12))
        pages = FilePageFlags(count: count, initiallyCached: cached)
        cachedPages = UInt64(cached)
    }

    var pageCount: Int { pages.count }

    @inline(__always) func isCached(_ page: Int) -> Bool { pages[page] & Self.cachedBit != 0 }
    @inline(__always) func isDirty(_ page: Int) -> Bool { pages[page] & Self.dirtyBit != 0 }
    @inline(__always) func mapCount(_ page: Int) -> UInt16 { pages[page] & Self.mapCountMask }
}

/// The per-page flags of a file, stored in chunks of 4096 pages (16 MiB of file) that
/// are allocated on first change: until then a chunk's pages are as declared (the
/// first `initiallyCached` pages cached). A large file costs 8 bytes per 16 MiB until
/// its pages change.
struct FilePageFlags {
    static let chunkShift = 12
    static let chunkPages = 1 << chunkShift

    let count: Int
    let initiallyCached: Int
    private var chunks: [[UInt16]]

    init(count: Int, initiallyCached: Int) {
        self.count = count
        self.initiallyCached = initiallyCached
        chunks = Array(repeating: [], count: (count + Self.chunkPages - 1) >> Self.chunkShift)
    }

    @inline(__always)
    private func declared(_ page: Int) -> UInt16 { page < initiallyCached ? CachedFile.cachedBit : 0 }

    subscript(page: Int) -> UInt16 {
        get {
            let chunk = page >> Self.chunkShift
            return chunks[chunk].isEmpty ? declared(page) : chunks[chunk][page & (Self.chunkPages - 1)]
        }
        set {
            let chunk = page >> Self.chunkShift
            if chunks[chunk].isEmpty {
                guard newValue != declared(page) else { return }
                let base = chunk << Self.chunkShift
                chunks[chunk] = (base..<min(base + Self.chunkPages, count)).map(declared)
            }
            chunks[chunk][page & (Self.chunkPages - 1)] = newValue
        }
    }

    /// Bytes held: a pointer per chunk, 2 bytes per page of changed chunks.
    var footprintBytes: Int { chunks.reduce(chunks.count * 8) { $0 + $1.count * 2 } }

    /// The first page at or after `page` that may be in the page cache: skips chunks
    /// that were never changed and were declared uncached.
    func nextPossiblyCached(from page: Int) -> Int {
        var p = page
        while p < count, p >= initiallyCached, chunks[p >> Self.chunkShift].isEmpty {
            p = ((p >> Self.chunkShift) + 1) << Self.chunkShift
        }
        return min(p, count)
    }
}
