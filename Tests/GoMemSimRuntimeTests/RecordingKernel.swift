import GoMemSimCore
import GoMemSimTrace

/// A test double of Linux: VMAs with protection and THP flags (split and merged as
/// Linux does), resident 4 KiB pages, and a log of every call, so tests can assert what
/// the runtime asked of the kernel. No huge pages, no page cache.
struct RecordingKernel: KernelModel {
    enum HugeFlag: String { case none = "-", huge = "hg", noHuge = "nh" }

    struct VMA: Equatable {
        var start: UInt64
        var end: UInt64
        var protection: Protection
        var file: String?
        var huge: HugeFlag
        var length: UInt64 { end - start }
    }

    enum Call: Equatable {
        case map(address: UInt64, length: UInt64, protection: Protection, fixed: UInt64?)
        case protect(address: UInt64, length: UInt64, protection: Protection)
        case advise(address: UInt64, length: UInt64, advice: Advice)
        case touch(address: UInt64, length: UInt64, isWrite: Bool)
    }

    private(set) var vmas: [VMA] = []
    private(set) var resident: Set<UInt64> = []
    private(set) var calls: [Call] = []
    var logTouches = true
    private var nextMmap: UInt64 = 0x7f00_0000_0000
    private var files: Set<String> = []

    /// Cost of MADV_DONTNEED: a syscall plus zapping each resident 4 KiB page.
    static let adviseCallNs: UInt64 = 1_000
    static let zapPageNs: UInt64 = 25

    var modelName: String? { "recording" }
    var vmSize: UInt64 { vmas.reduce(0) { $0 + $1.length } }
    var rss: UInt64 { UInt64(resident.count) * 4096 }

    func residentBytes(in start: UInt64, _ end: UInt64) -> UInt64 {
        var n: UInt64 = 0
        var page = start & ~0xfff
        while page < end { if resident.contains(page) { n += 4096 }; page += 4096 }
        return n
    }

    /// VMAs overlapping `[start, end)`, as `size_kb/flags` like the calibration's smaps rows.
    func mappings(overlapping start: UInt64, _ end: UInt64) -> [String] {
        vmas.filter { $0.start < end && $0.end > start }.map { "\($0.length >> 10)/\($0.huge.rawValue)" }
    }

    mutating func declareFile(name: String, size: UInt64, cachedBytes: UInt64) throws(ModelError) {
        files.insert(name)
    }

    mutating func map(length: UInt64, protection: Protection, flags: MapFlags, file: String?,
                      fileOffset: UInt64, fixedAddress: UInt64?) throws(ModelError) -> KernelCall<UInt64> {
        if let file, !files.contains(file) { throw ModelError(.invalid, "undeclared file \(file)") }
        let length = (length + 0xfff) & ~0xfff
        var address: UInt64
        if let fixed = fixedAddress, !vmas.contains(where: { $0.start < fixed + length && $0.end > fixed }) {
            address = fixed
        } else {
            nextMmap -= length
            address = nextMmap
        }
        calls.append(.map(address: address, length: length, protection: protection, fixed: fixedAddress))
        vmas.append(VMA(start: address, end: address + length, protection: protection, file: file, huge: .none))
        vmas.sort { $0.start < $1.start }
        merge()
        return KernelCall(address, costNs: 1_000)
    }

    mutating func unmap(address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void> {
        modify(address, address + length) { _ in }
        vmas.removeAll { $0.start >= address && $0.end <= address + length }
        return KernelCall((), costNs: 1_000)
    }

    mutating func advise(address: UInt64, length: UInt64, advice: Advice) throws(ModelError) -> KernelCall<Void> {
        calls.append(.advise(address: address, length: length, advice: advice))
        var cost = Self.adviseCallNs
        switch advice {
        case .hugePage: modify(address, address + length) { $0.huge = .huge }
        case .noHugePage: modify(address, address + length) { $0.huge = .noHuge }
        case .dontNeed, .free:
            var page = address
            while page < address + length {
                if resident.remove(page) != nil { cost += Self.zapPageNs }
                page += 4096
            }
        case .willNeed: break
        }
        return KernelCall((), costNs: cost)
    }

    mutating func protect(address: UInt64, length: UInt64, protection: Protection) throws(ModelError) -> KernelCall<Void> {
        calls.append(.protect(address: address, length: length, protection: protection))
        modify(address, address + length) { $0.protection = protection }
        return KernelCall((), costNs: 1_000)
    }

    mutating func touch(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch {
        if logTouches { calls.append(.touch(address: address, length: length, isWrite: isWrite)) }
        guard length > 0 else { return PageTouch() }
        var faults: UInt32 = 0
        var page = address & ~0xfff
        while page < address + length {
            guard let vma = vmas.first(where: { $0.start <= page && page < $0.end }), !vma.protection.isEmpty else {
                throw ModelError(.segfault, "access to 0x\(String(page, radix: 16))")
            }
            if resident.insert(page).inserted { faults += 1 }
            page += 4096
        }
        return PageTouch(costNs: UInt64(faults) * 250, pageShift: 12, minorFaults: faults)
    }

    mutating func readFile(_ file: String, fileOffset: UInt64, into address: UInt64,
                           length: UInt64) throws(ModelError) -> KernelCall<Void> {
        KernelCall((), costNs: 0)
    }

    mutating func advance(to now: UInt64) {}
    func fill(_ figures: inout MemoryFigures) {
        figures.vmSize = vmSize
        figures.vmRSS = rss
    }
    func checkpointRows(seq: Int, into rows: inout ModelRows) {}
    func runRows(into rows: inout ModelRows) {}

    /// Applies `change` to the parts of VMAs inside `[start, end)`, splitting at the ends,
    /// then merges neighbours that became alike.
    private mutating func modify(_ start: UInt64, _ end: UInt64, _ change: (inout VMA) -> Void) {
        var result: [VMA] = []
        for vma in vmas {
            guard vma.start < end && vma.end > start else { result.append(vma); continue }
            if vma.start < start { var head = vma; head.end = start; result.append(head) }
            var middle = vma
            middle.start = max(vma.start, start)
            middle.end = min(vma.end, end)
            change(&middle)
            result.append(middle)
            if vma.end > end { var tail = vma; tail.start = end; result.append(tail) }
        }
        vmas = result
        merge()
    }

    private mutating func merge() {
        var merged: [VMA] = []
        for vma in vmas {
            if var last = merged.last, last.end == vma.start, last.protection == vma.protection,
               last.file == nil, vma.file == nil, last.huge == vma.huge {
                last.end = vma.end
                merged[merged.count - 1] = last
            } else {
                merged.append(vma)
            }
        }
        vmas = merged
    }
}
