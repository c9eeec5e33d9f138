import GoMemSimCore
import GoMemSimTrace

/// One mapping of the address space, Linux's `vm_area_struct`: a page-aligned range
/// with one protection, one backing (anonymous, shmem, or a file at an offset) and one
/// set of madvise flags. A change to part of it (mprotect, MADV_HUGEPAGE) splits it;
/// adjacent compatible areas merge (`vma_merge`, mm/mmap.c).
struct VirtualMemoryArea: Hashable {
    enum HugePageAdvice: UInt8 { case none, hugePage, noHugePage }

    var start: UInt64
    var end: UInt64
    var protection: Protection
    var isShared: Bool
    /// Index into the kernel's files; -1 for anonymous memory.
    var file: Int32
    /// Byte offset in the file that `start` maps.
    var fileOffset: UInt64
    var hugePageAdvice: HugePageAdvice

    var length: UInt64 { end - start }
    var isAnonymous: Bool { file < 0 }
    var isPrivateAnonymous: Bool { file < 0 && !isShared }

    /// The file page mapped at `page` (a virtual page number).
    @inline(__always)
    func filePage(_ page: UInt64) -> Int { Int(truncatingIfNeeded: (fileOffset >> 12) &+ (page &- (start >> 12))) }

    /// Whether `next` can merge into this area: adjacent, same attributes, and for files
    /// contiguous offsets (`is_mergeable_vma` + `can_vma_merge_after`).
    func canMerge(with next: VirtualMemoryArea) -> Bool {
        end == next.start && protection == next.protection && isShared == next.isShared
            && file == next.file && hugePageAdvice == next.hugePageAdvice
            && (file < 0 || fileOffset + length == next.fileOffset)
    }

    /// The `perms` column of /proc/self/maps, e.g. `rw-p`.
    var permissions: String {
        (protection.contains(.read) ? "r" : "-") + (protection.contains(.write) ? "w" : "-")
            + (protection.contains(.exec) ? "x" : "-") + (isShared ? "s" : "p")
    }

    /// The smaps `VmFlags` line (fs/proc/task_mmu.c `show_smap_vma_flags`): rd wr ex,
    /// sh/ms for shared mappings, mr mw me (may read/write/exec), ac (accounted: private
    /// writable), hg/nh (MADV_HUGEPAGE/MADV_NOHUGEPAGE). The file's open mode is not
    /// modelled, so a shared mapping may write when its protection allows writing.
    var vmFlags: String {
        var flags: [String] = []
        if protection.contains(.read) { flags.append("rd") }
        if protection.contains(.write) { flags.append("wr") }
        if protection.contains(.exec) { flags.append("ex") }
        if isShared && protection.contains(.write) { flags.append("sh") }
        flags.append("mr")
        if !isShared || protection.contains(.write) { flags.append("mw") }
        flags.append("me")
        if isShared { flags.append("ms") }
        if !isShared && protection.contains(.write) { flags.append("ac") }
        switch hugePageAdvice {
        case .hugePage: flags.append("hg")
        case .noHugePage: flags.append("nh")
        case .none: break
        }
        return flags.joined(separator: " ")
    }
}
