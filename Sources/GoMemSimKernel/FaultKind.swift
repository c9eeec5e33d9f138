/// The kinds of page fault (and fault-like kernel work) the `faults` table counts.
enum FaultKind: Int, CaseIterable {
    /// Write to untouched private anonymous memory: allocate and zero 4 KiB (`do_anonymous_page`).
    case minorAnon
    /// Read of untouched private anonymous memory: map the zero page, no RSS.
    case minorZeroPage
    /// Write to a zero-page or a private file page: copy-on-write (`wp_page_copy`).
    case minorCOW
    /// Read (or shared write) of a file page already in the page cache; maps fault-around neighbours.
    case minorFile
    /// First touch of shared anonymous (shmem) memory.
    case minorShmem
    /// A file page not in the page cache: synchronous readahead I/O.
    case majorFile
    /// A 2 MiB transparent huge page allocated and cleared in one fault.
    case thp
    /// A read mapping the huge zero page over 2 MiB.
    case thpZeroPage
    /// A swapped page read back.
    case swapIn
    /// read(2) I/O to fill the page cache (not a page fault; one per readahead window).
    case readIO

    var name: String {
        switch self {
        case .minorAnon: "minor_anon"
        case .minorZeroPage: "minor_zero_page"
        case .minorCOW: "minor_cow"
        case .minorFile: "minor_file"
        case .minorShmem: "minor_shmem"
        case .majorFile: "major_file"
        case .thp: "thp"
        case .thpZeroPage: "thp_zero_page"
        case .swapIn: "swap_in"
        case .readIO: "read_io"
        }
    }

    /// Whether the kernel counts it as a major fault (`maj_flt`): it waited for I/O.
    var isMajor: Bool { self == .majorFile || self == .swapIn }
    /// Whether it is a page fault at all.
    var isFault: Bool { self != .readIO }
}
