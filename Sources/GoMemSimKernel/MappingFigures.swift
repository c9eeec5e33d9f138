import GoMemSimCore

/// One mapping as `/proc/self/smaps` shows it, in bytes (fs/proc/task_mmu.c).
///
/// A page is *shared* when more than one PTE maps it (`page_mapcount` ≥ 2), else
/// *private* — so a file page mapped once is Private_Clean even though it lives in the
/// page cache. Pss divides each page by its map count. Invariant:
/// `rss == privateClean + privateDirty + sharedClean + sharedDirty`.
public struct MappingFigures: Hashable, Sendable {
    public var start: UInt64
    public var size: UInt64
    public var rss: UInt64 = 0
    public var pss: UInt64 = 0
    public var privateClean: UInt64 = 0
    public var privateDirty: UInt64 = 0
    public var sharedClean: UInt64 = 0
    public var sharedDirty: UInt64 = 0
    public var anonHugePages: UInt64 = 0
    public var lazyFree: UInt64 = 0
    public var swap: UInt64 = 0
    /// The perms column of /proc/self/maps, e.g. `rw-p`.
    public var permissions: String
    /// The smaps VmFlags line, e.g. `rd wr mr mw me ac hg`.
    public var vmFlags: String
    /// `anon`, `file` or `shmem`.
    public var kind: String
    /// The file's name for file mappings.
    public var path: String?

    /// The columns of `checkpoint_mappings`, in order (after `run_id`).
    public static let columns = [
        "seq", "start", "size", "rss", "pss", "private_clean", "private_dirty", "shared_clean",
        "shared_dirty", "anon_huge_pages", "lazy_free", "swap", "prot", "flags", "kind", "path",
    ]

    func row(seq: Int) -> [FigureValue] {
        func i(_ v: UInt64) -> FigureValue { .int(Int64(clamping: v)) }
        return [
            .int(Int64(seq)), i(start), i(size), i(rss), i(pss), i(privateClean), i(privateDirty),
            i(sharedClean), i(sharedDirty), i(anonHugePages), i(lazyFree), i(swap),
            .text(permissions), .text(vmFlags), .text(kind), path.map(FigureValue.text) ?? .null,
        ]
    }
}
