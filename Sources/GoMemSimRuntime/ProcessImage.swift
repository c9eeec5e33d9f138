import GoMemSimCore
import GoMemSimTrace

/// The memory of a Go 1.19 linux/amd64 program before `main` runs: the binary, the
/// runtime's reservations, the first heap arena and chunk, the start-up stacks and
/// objects. Calibration ('start' rows of seed-examples-go1.19.tsv): VSZ 699.4 MiB,
/// RSS 1.88 MiB, HeapAlloc 0.047 MiB, HeapReleased ≈ 3.4 MiB.
///
/// What is derived from the runtime: the page-summary reservations (585.1 MiB
/// PROT_NONE, mpagealloc_64bit.go `sysInit`), the arena map (32 MiB), the chunk bitmaps
/// (1 MiB), the first 64 MiB arena with its 2.07 MiB `heapArena`, the first 4 MiB
/// chunk. What is a typical figure, chosen with the calibration: the binary's segment
/// sizes and how much of them start-up touches, `persistentalloc` chunks, the
/// start-up heap objects, and ``unattributedReservedBytes`` — the VSZ the calibration
/// shows beyond the items above (vdso, vvar and reservations not modelled one by one).
public struct ProcessImage: Codable, Hashable, Sendable {
    /// The executable, declared to the kernel as a file in the page cache.
    public var binaryName = "/proc/self/exe"
    public var textBytes: UInt64 = 1000 << 10
    public var textResidentBytes: UInt64 = 760 << 10
    public var rodataBytes: UInt64 = 980 << 10
    public var rodataResidentBytes: UInt64 = 560 << 10
    public var dataBytes: UInt64 = 88 << 10
    public var bssBytes: UInt64 = 220 << 10
    public var bssResidentBytes: UInt64 = 140 << 10
    /// `persistentalloc` chunks (`persistentChunkSize` = 256 KiB): mspans, mcaches, itabs.
    public var persistentChunks = 2
    public var persistentResidentBytes: UInt64 = 192 << 10
    /// The main thread's stack VMA as Linux grows it, and what of it is touched.
    public var mainThreadStackBytes: UInt64 = 132 << 10
    public var mainThreadStackResidentBytes: UInt64 = 16 << 10
    /// OS threads (Ms) of an idle program: m0, sysmon and two more; each has a 32 KiB
    /// signal stack, and all but m0 a 16 KiB g0 stack, from the heap (proc.go `malg`).
    public var threads = 4
    /// forcegc, bgsweep, bgscavenge, finalizer — plus the main goroutine.
    public var runtimeGoroutines = 4
    /// Goroutines start at `_StackMin` = 2 KiB in 1.19 until a GC has measured the
    /// average stack (`adaptivestackstart`).
    public var startupStackBytes: UInt64 = 2048
    /// The main goroutine's stack as init and main grow it (copystack doubles it and frees
    /// the old one; a pool span left empty returns its pages to the heap, free and not
    /// released).
    public var mainStackGrowth: [UInt64] = [4096, 8192]
    /// Start-up heap objects (size, count): runtime and package init, 0.047 MiB.
    public var startupObjects: [StartupObjects] = [
        .init(size: 16, count: 200), .init(size: 32, count: 150), .init(size: 48, count: 100),
        .init(size: 64, count: 80), .init(size: 96, count: 40), .init(size: 128, count: 30),
        .init(size: 208, count: 20), .init(size: 256, count: 12), .init(size: 384, count: 8),
        .init(size: 512, count: 6), .init(size: 896, count: 3), .init(size: 1024, count: 2),
        .init(size: 2048, count: 1), .init(size: 4096, count: 1),
    ]
    /// PROT_NONE reservations not modelled one by one (see the type's comment).
    public var unattributedReservedBytes: UInt64 = 12_644 << 10

    public struct StartupObjects: Codable, Hashable, Sendable {
        public var size: UInt64
        public var count: Int
        public init(size: UInt64, count: Int) {
            self.size = size
            self.count = count
        }
    }

    public init() {}
}

extension GoRuntime {
    /// Where the linker puts the text segment of a non-PIE Go binary.
    static let textAddress: UInt64 = 0x40_0000

    mutating func mapProcessImage<K: KernelModel>(kernel: inout K) throws(ModelError) {
        let image = config.image
        let page = Self.physPageSize
        func pageRound(_ n: UInt64) -> UInt64 { (n + page - 1) / page * page }

        // The binary: text r-x, rodata r--, data rw- (private, file-backed), bss anonymous.
        let fileBytes = pageRound(image.textBytes) + pageRound(image.rodataBytes) + pageRound(image.dataBytes)
        try kernel.declareFile(name: image.binaryName, size: fileBytes, cachedBytes: fileBytes)
        var address = Self.textAddress
        var offset: UInt64 = 0
        for (bytes, protection, resident, write) in [
            (image.textBytes, Protection([.read, .exec]), image.textResidentBytes, false),
            (image.rodataBytes, Protection.read, image.rodataResidentBytes, false),
            (image.dataBytes, Protection([.read, .write]), image.dataBytes, true),
        ] {
            let length = pageRound(bytes)
            let mapped = try kernel.map(length: length, protection: protection, flags: [], file: image.binaryName,
                                        fileOffset: offset, fixedAddress: address).value
            if resident > 0 { _ = try kernel.touch(address: mapped, length: min(resident, length), isWrite: write) }
            address = mapped + length
            offset += length
        }
        let bss = try kernel.map(length: pageRound(image.bssBytes), protection: [.read, .write], flags: [.anonymous],
                                 file: nil, fileOffset: 0, fixedAddress: address).value
        if image.bssResidentBytes > 0 { _ = try kernel.touch(address: bss, length: image.bssResidentBytes, isWrite: true) }

        // The main thread's stack, at the top of the user address space.
        let stackTop: UInt64 = 0x7fff_ffff_f000
        let stack = try kernel.map(length: pageRound(image.mainThreadStackBytes), protection: [.read, .write],
                                   flags: [.anonymous], file: nil, fileOffset: 0,
                                   fixedAddress: stackTop - pageRound(image.mainThreadStackBytes)).value
        _ = try kernel.touch(address: stack + pageRound(image.mainThreadStackBytes) - image.mainThreadStackResidentBytes,
                             length: image.mainThreadStackResidentBytes, isWrite: true)

        // mallocinit: page summaries reserved per level (mpagealloc_64bit.go sysInit).
        summaryBases = []
        for bits in Self.summaryShifts.map({ 48 - $0 }) {
            let bytes = pageRound((UInt64(1) << bits) * 8)
            summaryBases.append(try kernel.map(length: bytes, protection: .none, flags: [.anonymous], file: nil,
                                               fileOffset: 0, fixedAddress: nil).value)
        }
        if image.unattributedReservedBytes > 0 {
            _ = try kernel.map(length: pageRound(image.unattributedReservedBytes), protection: .none, flags: [.anonymous],
                               file: nil, fileOffset: 0, fixedAddress: nil)
        }
        if image.persistentChunks > 0 {
            let bytes = UInt64(image.persistentChunks) * (256 << 10)
            let chunks = try kernel.map(length: bytes, protection: [.read, .write], flags: [.anonymous], file: nil,
                                        fileOffset: 0, fixedAddress: nil).value
            metadataSys += bytes
            if image.persistentResidentBytes > 0 {
                _ = try kernel.touch(address: chunks, length: min(bytes, image.persistentResidentBytes), isWrite: true)
            }
        }

        // schedinit/newm: signal stacks and g0 stacks of the Ms; the start-up goroutines.
        for m in 0..<image.threads {
            let signal = try allocateStack(bytes: 32 << 10, kernel: &kernel)
            _ = try kernel.touch(address: signal.address + (32 << 10) - page, length: page, isWrite: true)
            if m > 0 {
                let g0 = try allocateStack(bytes: 16 << 10, kernel: &kernel)
                _ = try kernel.touch(address: g0.address + (16 << 10) - page, length: page, isWrite: true)
            }
        }
        _ = try startGoroutineStack(0, bytes: image.startupStackBytes, kernel: &kernel)
        for g in 0..<UInt32(image.runtimeGoroutines) {
            _ = try startGoroutineStack(UInt32.max - g, bytes: image.startupStackBytes, kernel: &kernel)
        }
        for objects in image.startupObjects {
            for _ in 0..<objects.count {
                let object = try mallocgc(size: objects.size, scan: true, p: 0, now: 0, kernel: &kernel)
                _ = try kernel.touch(address: object.address, length: objects.size, isWrite: true)
            }
        }
        // copystack: the 4 KiB stack's pool span empties and goes back to the heap. These
        // free, unreleased pages in the first huge page are what the heap-growth scavenging
        // of a later `make` releases — the MADV_NOHUGEPAGE on the first 2 MiB of the heap
        // in the calibration's book runs.
        for bytes in image.mainStackGrowth {
            let old = goroutineStacks[0]
            _ = try startGoroutineStack(0, bytes: bytes, kernel: &kernel)  // new stack first, then copy
            if let old { freeStack(address: old) }
        }
        latency = LatencyStatistics()
    }
}
