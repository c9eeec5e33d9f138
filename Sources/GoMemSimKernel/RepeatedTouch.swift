import GoMemSimCore

/// A touch that found its 4 KiB page mapped as it asked, with nothing to change
/// (``LinuxKernel/touchWithoutFault(address:length:isWrite:)``), kept so that the next
/// touch within that page skips the VMA and page-table lookups. It answers while nothing
/// could have changed the page: the kernel's ``LinuxKernel/residencyChanges`` has not
/// moved (every munmap, mprotect, madvise, file read and reclaim moves it) and no touch
/// has faulted since (a fault clears it). A write's answer serves reads too: a page a
/// write finds anonymous, or in an anonymous huge page, a read finds the same way.
struct RepeatedTouch {
    /// The page number (`address >> 12`); `.max`: none.
    var page: UInt64 = .max
    var isWrite = false
    var epoch: UInt64 = 0
    /// 21 when the page lies in a huge page, else 12.
    var pageShift: UInt8 = 12

    init() {}

    init(page: UInt64, isWrite: Bool, epoch: UInt64, _ touch: PageTouch) {
        self.page = page
        self.isWrite = isWrite
        self.epoch = epoch
        pageShift = touch.pageShift
    }

    /// Whether a touch of `page` (within it) gets this one's answer at `epoch`.
    @inline(__always)
    func repeats(page: UInt64, isWrite: Bool, epoch: UInt64) -> Bool {
        page == self.page && epoch == self.epoch && (!isWrite || self.isWrite)
    }
}
