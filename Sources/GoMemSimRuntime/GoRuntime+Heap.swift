import GoMemSimCore
import GoMemSimTrace

/// `mheap` (mheap.go): spans from the page allocator, heap growth in 4 MiB chunks inside
/// 64 MiB arenas, and the OS calls of mem_linux.go.
extension GoRuntime {
    /// `mheap.allocSpan` (mheap.go:1171-1352).
    mutating func allocSpan<K: KernelModel>(npages: Int, state: Span.State, spanClass: SpanClass, elemSize: UInt64,
                                            nelems: UInt32, kernel: inout K) throws(ModelError) -> (id: Int, costNs: UInt64) {
        var cost = config.costs.pageAllocNs
        var growth: UInt64 = 0
        var found = allocatePages(npages)
        if found == nil {
            let grown = try grow(npages: npages, kernel: &kernel)
            growth = grown.bytes
            cost += grown.costNs
            found = allocatePages(npages)
        }
        guard let (page, scavengedPages) = found else { throw ModelError(.outOfMemory, "heap cannot hold \(npages) pages") }
        let base = Self.heapBase + UInt64(page) << SizeClasses.pageShift
        let bytes = UInt64(npages) << SizeClasses.pageShift
        let scavengedBytes = UInt64(scavengedPages) << SizeClasses.pageShift

        // Synchronous scavenging (mheap.go:1269-1310): over the memory limit, release what
        // this span will page in; after a growth, release down to the scavenge goal.
        var toScavenge: UInt64 = 0
        if let limit = memoryLimit, scavengedBytes + mappedReady > limit {
            toScavenge = scavengedBytes + mappedReady - limit
        }
        if scavenger.gcPercentGoal != .max && growth > 0 {
            let retained = heapRetained
            if retained + growth > scavenger.gcPercentGoal {
                toScavenge = max(toScavenge, min(growth, retained + growth - scavenger.gcPercentGoal))
            }
        }

        // Account the pages to their new owner.
        heapFree -= bytes - scavengedBytes
        heapReleased -= scavengedBytes
        if state == .stack { stackInuse += bytes } else { heapInuse += bytes }

        if toScavenge > 0 {
            let work = try scavenge(bytes: toScavenge, kernel: &kernel)
            scavenger.releasedEager += work.released
            cost += work.durationNs
        }
        if scavengedPages > 0 { cost += try sysUsed(address: base, length: bytes, kernel: &kernel) }

        let needzero = allocNeedsZero(base: base, npages: npages)
        var span = Span(base: base, npages: UInt32(npages), state: state, spanClass: spanClass,
                        elemSize: elemSize, nelems: nelems, needzero: needzero)
        if needzero, state == .heap, spanClass.sizeClass != 0, let epoch = heapResidentEpoch {
            // Pages an earlier span's zeroing made resident at kernel epoch `epoch`: while
            // it holds (``smallObject`` compares), zeroing them again needs no touch. (Not
            // the kernel's epoch here: the generic property read copied the kernel.)
            span.residentEpoch = epoch
            span.residentPages = heapResidentPages(base: base, npages: npages)
        }
        let id = spans.make(span)
        if spans.spans.count > mspanCapacity { cost += try growSpanStructs(kernel: &kernel) }
        let initHeapBits = state == .heap && config.goVersion.hasArenaHeapBitmap
            && (spanClass.sizeClass != 0 || config.goVersion.clearsHeapBitmapOfLargeSpans)
        cost += try setSpans(base: base, npages: npages, id: Int32(id), initHeapBits: initHeapBits, kernel: &kernel)
        return (id, cost)
    }

    /// `pageAlloc.alloc`: the first fit of `npages` pages, allocated, and how many of them
    /// were scavenged; nil when none fits.
    @inline(__always)
    private mutating func allocatePages(_ npages: Int) -> (page: Int, scavenged: Int)? {
        if npages == 1 {
            guard let one = pages.allocateOne() else { return nil }
            return (one.page, one.scavenged ? 1 : 0)
        }
        guard let page = pages.find(npages) else { return nil }
        return (page, pages.allocate(page: page, count: npages))
    }

    /// `mheap_.spanalloc` (a fixalloc of `mspan` structs, ~160 B each on linux/amd64):
    /// 16 KiB chunks carved from 256 KiB `persistentalloc` chunks, never returned — so
    /// `MSpanSys`, part of the memory GOMEMLIMIT counts, follows the peak span count
    /// (~1.3 MB per 64 MiB arena of one-page spans). The first 1024 structs fit in the
    /// process image's persistent chunks.
    mutating func growSpanStructs<K: KernelModel>(kernel: inout K) throws(ModelError) -> UInt64 {
        var cost: UInt64 = 0
        if spanStructChunk.bytes < Self.fixAllocChunkBytes {
            let chunk = try kernel.map(length: Self.persistentChunkBytes, protection: [.read, .write],
                                       flags: [.anonymous], file: nil, fileOffset: 0, fixedAddress: nil)
            cost += chunk.costNs
            metadataSys += Self.persistentChunkBytes
            spanStructChunk = (chunk.value, Self.persistentChunkBytes)
        }
        cost += try kernel.touch(address: spanStructChunk.address, length: Self.fixAllocChunkBytes, isWrite: true).costNs
        spanStructChunk.address += Self.fixAllocChunkBytes
        spanStructChunk.bytes -= Self.fixAllocChunkBytes
        mspanCapacity += Int(Self.fixAllocChunkBytes / Self.mspanBytes)
        return cost
    }

    /// Returns a span's pages to the page allocator (`mheap.freeSpan`): free, backed,
    /// and merged with free neighbours by the bitmap.
    mutating func freeSpan(_ id: Int) {
        let span = spans.spans[id]
        let page = Int((span.base - Self.heapBase) >> SizeClasses.pageShift)
        pages.free(page: page, count: Int(span.npages))
        if span.state == .stack { stackInuse -= span.bytes } else { heapInuse -= span.bytes }
        heapFree += span.bytes
        for p in page..<page + Int(span.npages) {
            spanOfPage[p] = -1
            objectPages[p] = ObjectPage()
        }
        scavenger.freeHWM = max(scavenger.freeHWM, page + Int(span.npages))  // pageAlloc.free
        spans.release(id)
    }

    /// `mheap.grow` (mheap.go:1385-1460): whole 4 MiB chunks, new arenas when the
    /// current one is used up; the new memory is mapped read-write and counted as released.
    mutating func grow<K: KernelModel>(npages: Int, kernel: inout K) throws(ModelError) -> (bytes: UInt64, costNs: UInt64) {
        guard !summaryBases.isEmpty else { throw ModelError(.invalid, "the Go runtime model was not started") }
        var cost = config.costs.heapGrowNs
        let chunk = UInt64(PageAllocator.chunkPages)
        let ask = (UInt64(npages) + chunk - 1) / chunk * chunk << SizeClasses.pageShift
        // sysMap's read-write mmap of the growth fails with ENOMEM beyond the kernel's
        // overcommit limit, and Go throws (mem_linux.go). Checked before the arenas are
        // reserved: the model's per-page tables would grow with the reservation.
        if let limit = kernel.commitLimit, ask > limit {
            throw ModelError(.outOfMemory, "runtime: out of memory: cannot allocate \(ask)-byte block (\(heapInuse) in use): mmap of more than RAM + swap (\(limit) bytes) refused")
        }
        var totalGrowth: UInt64 = 0
        if currentArena.end == 0 || currentArena.base + ask > currentArena.end {
            let reserved = try sysAlloc(bytes: ask, kernel: &kernel)
            cost += reserved.costNs
            if reserved.address == currentArena.end {
                currentArena.end = reserved.address + reserved.bytes
            } else {
                // Discontiguous: add what is left of the current arena, then switch.
                if currentArena.end > currentArena.base {
                    let size = currentArena.end - currentArena.base
                    cost += try sysMap(address: currentArena.base, length: size, kernel: &kernel)
                    totalGrowth += size
                }
                currentArena = (reserved.address, reserved.address + reserved.bytes)
            }
        }
        let v = currentArena.base
        currentArena.base = v + ask
        cost += try sysMap(address: v, length: ask, kernel: &kernel)
        totalGrowth += ask
        return (totalGrowth, cost)
    }

    /// `sysMap` + `pageAlloc.grow`: Reserved → Prepared; counted released until used.
    private mutating func sysMap<K: KernelModel>(address: UInt64, length: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        var cost = try kernel.protect(address: address, length: length, protection: [.read, .write]).costNs
        heapReleased += length
        let firstChunk = Int((address - Self.heapBase) / Self.chunkBytes)
        let count = Int(length / Self.chunkBytes)
        pages.grow(firstChunk: firstChunk, count: count)
        cost += try growPageAllocatorMetadata(address: address, length: length, kernel: &kernel)
        return cost
    }

    /// `mheap.sysAlloc` (malloc.go:563-700): reserve whole arenas at the next hint and
    /// allocate their `heapArena` metadata.
    private mutating func sysAlloc<K: KernelModel>(bytes: UInt64, kernel: inout K) throws(ModelError) -> (address: UInt64, bytes: UInt64, costNs: UInt64) {
        let n = (bytes + Self.arenaBytes - 1) / Self.arenaBytes * Self.arenaBytes
        var cost: UInt64 = 0
        if arenaIndexAddress == nil {
            let index = try kernel.map(length: Self.arenaIndexBytes, protection: [.read, .write], flags: [.anonymous],
                                       file: nil, fileOffset: 0, fixedAddress: nil)
            arenaIndexAddress = index.value
            cost += index.costNs
        }
        let reserved = try kernel.map(length: n, protection: .none, flags: [.anonymous], file: nil, fileOffset: 0,
                                      fixedAddress: nextArenaHint)
        cost += reserved.costNs
        let address = reserved.value
        guard address >= Self.heapBase, (address - Self.heapBase) % Self.arenaBytes == 0 else {
            throw ModelError(.invalid, "kernel placed the heap arena at 0x\(String(address, radix: 16)), not at the hint 0x\(String(nextArenaHint, radix: 16))")
        }
        nextArenaHint = address + n
        let metadataBytes = arenaMetadataBytes
        var arenaBase = address
        while arenaBase < address + n {
            let metadata = try kernel.map(length: metadataBytes, protection: [.read, .write], flags: [.anonymous],
                                          file: nil, fileOffset: 0, fixedAddress: nil)
            cost += metadata.costNs
            metadataSys += metadataBytes
            let slot = Int((arenaBase - Self.heapBase) / Self.arenaBytes)
            while arenas.count <= slot {
                arenas.append(Arena(base: Self.heapBase + UInt64(arenas.count) * Self.arenaBytes, metadataAddress: 0))
            }
            arenas[slot] = Arena(base: arenaBase, metadataAddress: metadata.value)
            let pagesNeeded = (slot + 1) * Self.pagesPerArena
            if spanOfPage.count < pagesNeeded {
                spanOfPage.append(repeating: -1, count: pagesNeeded - spanOfPage.count)
                objectPages.append(repeating: ObjectPage(), count: pagesNeeded - objectPages.count)
                prefetchesReleases = objectPages.count >= Self.prefetchReleasesMinPages
            }
            // The arena map entry (mheap_.arenas[0][ai] = r).
            if let index = arenaIndexAddress {
                let entry = index + ((arenaBase &- Self.arenaBaseOffset) / Self.arenaBytes) * 8
                cost += try kernel.touch(address: entry, length: 8, isWrite: true).costNs
            }
            arenaBase += Self.arenaBytes
        }
        return (address, n, cost)
    }

    /// The `heapArena` struct, page-rounded: bitmap (pre-1.22), span map, page bits.
    var arenaMetadataBytes: UInt64 {
        let bitmap = config.goVersion.hasArenaHeapBitmap ? Self.arenaBitmapBytes : 0
        let bytes = bitmap + Self.arenaSpansBytes + Self.arenaOtherMetadataBytes
        return (bytes + Self.physPageSize - 1) / Self.physPageSize * Self.physPageSize
    }

    /// `pageAlloc.sysGrow` and the chunk bitmaps (mpagealloc_64bit.go): map the summary
    /// entries covering the new range read-write and write them; write each new chunk's
    /// `pallocData`.
    private mutating func growPageAllocatorMetadata<K: KernelModel>(address: UInt64, length: UInt64,
                                                                   kernel: inout K) throws(ModelError) -> UInt64 {
        var cost: UInt64 = 0
        let limit = address + length
        for level in 0..<Self.summaryShifts.count {
            let shift = Self.summaryShifts[level]
            let lo = (address &- Self.arenaBaseOffset) >> shift
            let hi = ((limit - 1) &- Self.arenaBaseOffset) >> shift + 1
            let block = UInt64(1) << Self.summaryLevelBits[level]
            let alignedLo = lo / block * block
            let alignedHi = (hi + block - 1) / block * block
            let base = summaryBases[level]
            var pageAddress = (base + alignedLo * 8) / Self.physPageSize * Self.physPageSize
            let end = (base + alignedHi * 8 + Self.physPageSize - 1) / Self.physPageSize * Self.physPageSize
            while pageAddress < end {
                if !mappedSummaryPages.contains(pageAddress) {
                    // Map the longest run of unmapped pages at once.
                    var runEnd = pageAddress
                    while runEnd < end && !mappedSummaryPages.contains(runEnd) {
                        mappedSummaryPages.insert(runEnd)
                        runEnd += Self.physPageSize
                    }
                    cost += try kernel.protect(address: pageAddress, length: runEnd - pageAddress,
                                               protection: [.read, .write]).costNs
                    metadataSys += runEnd - pageAddress
                    pageAddress = runEnd
                } else {
                    pageAddress += Self.physPageSize
                }
            }
            cost += try kernel.touch(address: base + lo * 8, length: (hi - lo) * 8, isWrite: true).costNs
        }
        var chunkAddress = address
        while chunkAddress < limit {
            let chunkIndex = (chunkAddress &- Self.arenaBaseOffset) / Self.chunkBytes
            let l1 = chunkIndex >> 13
            let l2Base: UInt64
            if let known = chunksL2Addresses[l1] {
                l2Base = known
            } else {
                let l2 = try kernel.map(length: Self.chunksL2Bytes, protection: [.read, .write], flags: [.anonymous],
                                        file: nil, fileOffset: 0, fixedAddress: nil)
                cost += l2.costNs
                metadataSys += Self.chunksL2Bytes
                chunksL2Addresses[l1] = l2.value
                l2Base = l2.value
            }
            cost += try kernel.touch(address: l2Base + (chunkIndex & 0x1fff) * 128, length: 128, isWrite: true).costNs
            chunkAddress += Self.chunkBytes
        }
        return cost
    }

    /// A write of `length` bytes at `offset` into arena `arena`'s metadata: the kernel's
    /// touch, unless its pages were written since the kernel last evicted or protected
    /// anything (``metadataResidentPages``) — as for zeroing a slot, such a touch would
    /// cost nothing and change nothing. Two touches of every span allocation.
    // Inlined (the residency check); the touch is not.
    @inline(__always)
    mutating func writeMetadata<K: KernelModel>(arena: Int, offset: UInt64, length: UInt64,
                                                kernel: inout K) throws(ModelError) -> UInt64 {
        guard length > 0 else { return 0 }
        let epoch = kernel.residencyEpoch
        let first = arena * Self.metadataWords * 64 + Int(offset >> 12)
        let last = arena * Self.metadataWords * 64 + Int((offset + length - 1) >> 12)
        if let epoch, epoch == metadataResidentEpoch, last >> 6 < metadataResidentPages.count {
            if first >> 6 == last >> 6 {
                // One word (almost every write: a span's map entries, its bitmap part).
                let mask = (UInt64(2) &<< UInt64(last &- first) &- 1) &<< UInt64(first & 63)
                if metadataResidentPages[first >> 6] & mask == mask { return 0 }
            } else if (first...last).allSatisfy({ metadataResidentPages[$0 >> 6] & (1 << ($0 & 63)) != 0 }) {
                return 0
            }
        }
        return try touchMetadata(arena: arena, offset: offset, length: length, first: first, last: last,
                                 epoch: epoch, kernel: &kernel)
    }

    /// ``writeMetadata(arena:offset:length:kernel:)``'s touch of metadata pages `first...last`
    /// (``metadataResidentPages`` bits), which join the resident ones if the kernel's
    /// epoch held.
    @inline(never)
    private mutating func touchMetadata<K: KernelModel>(arena: Int, offset: UInt64, length: UInt64, first: Int, last: Int,
                                                        epoch: UInt64?, kernel: inout K) throws(ModelError) -> UInt64 {
        let touch = try kernel.touch(address: arenas[arena].metadataAddress + offset, length: length, isWrite: true)
        if let epoch, kernel.residencyEpoch == epoch {
            if metadataResidentEpoch != epoch {
                metadataResidentEpoch = epoch
                for w in metadataResidentPages.indices { metadataResidentPages[w] = 0 }
            }
            let words = arenas.count * Self.metadataWords
            if metadataResidentPages.count < words {
                metadataResidentPages += [UInt64](repeating: 0, count: words - metadataResidentPages.count)
            }
            for page in first...last { metadataResidentPages[page >> 6] |= 1 << (page & 63) }
        }
        return touch.costNs
    }

    /// Words of ``metadataResidentPages`` per arena: a bit per 4 KiB page of its metadata.
    static let metadataWords = Int((arenaBitmapBytes + arenaSpansBytes + arenaOtherMetadataBytes) >> 12) / 64 + 1

    /// `h.setSpans`: one span-map pointer per page, written in the arena metadata; then,
    /// with `initHeapBits`, `heapBits.initSpan` (``clearHeapBitmap(base:bytes:kernel:)``).
    private mutating func setSpans<K: KernelModel>(base: UInt64, npages: Int, id: Int32, initHeapBits: Bool,
                                                   kernel: inout K) throws(ModelError) -> UInt64 {
        var cost: UInt64 = 0
        let bitmap = config.goVersion.hasArenaHeapBitmap ? Self.arenaBitmapBytes : 0
        let span = spans.spans[Int(id)]
        let smallObjects = span.state == .heap && span.spanClass.sizeClass != 0 && span.tinyRefs < 0
        let spanPage = Int((base - Self.heapBase) >> SizeClasses.pageShift)
        let offset = (base &- Self.heapBase) % Self.arenaBytes
        if offset + UInt64(npages) << SizeClasses.pageShift <= Self.arenaBytes {
            // In one arena (every small-object span): the pages in a row, no pieces.
            for p in spanPage..<spanPage + npages {
                spanOfPage[p] = id
                if smallObjects {
                    objectPages[p] = ObjectPage(bitmapBase: span.bitmapBase, spanClass: span.spanClass,
                                                pageInSpan: UInt8(truncatingIfNeeded: p &- spanPage))
                }
            }
            // The span map's entries, then the heap bitmap's part, in the same arena's
            // metadata (one call for both: two per span made were ~90 instructions).
            let arena = spanPage / Self.pagesPerArena, first = UInt64(spanPage % Self.pagesPerArena)
            cost = try writeMetadata(arena: arena, offset: bitmap + first * 8, length: UInt64(npages) * 8,
                                     kernel: &kernel)
            if initHeapBits {
                cost += try clearHeapBitmap(arena: arena, offset: offset, bytes: UInt64(npages) << SizeClasses.pageShift,
                                            kernel: &kernel)
            }
            return cost
        }
        for piece in ArenaPieces(base: base, bytes: UInt64(npages) << SizeClasses.pageShift) {
            let first = Int(piece.offset >> SizeClasses.pageShift)
            let count = Int(piece.length >> SizeClasses.pageShift)
            let heapPage = piece.arena * Self.pagesPerArena + first
            for p in heapPage..<heapPage + count {
                spanOfPage[p] = id
                if smallObjects {
                    objectPages[p] = ObjectPage(bitmapBase: span.bitmapBase, spanClass: span.spanClass,
                                                pageInSpan: UInt8(p - spanPage))
                }
            }
            cost += try writeMetadata(arena: piece.arena, offset: bitmap + UInt64(first) * 8,
                                      length: UInt64(count) * 8, kernel: &kernel)
        }
        if initHeapBits { cost += try clearHeapBitmap(base: base, bytes: UInt64(npages) << SizeClasses.pageShift, kernel: &kernel) }
        return cost
    }

    /// `heapBits.initSpan` (mbitmap.go:774-799): clear the span's 2-bit-per-word heap
    /// bitmap, 1/32 of its size.
    private mutating func clearHeapBitmap<K: KernelModel>(base: UInt64, bytes: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        var cost: UInt64 = 0
        for piece in ArenaPieces(base: base, bytes: bytes) {
            cost += try clearHeapBitmap(arena: piece.arena, offset: piece.offset, bytes: piece.length, kernel: &kernel)
        }
        return cost
    }

    /// ``clearHeapBitmap(base:bytes:kernel:)`` for `bytes` at `offset` in one arena: its
    /// bitmap bytes are those at `offset / 32`.
    @inline(__always)
    private mutating func clearHeapBitmap<K: KernelModel>(arena: Int, offset: UInt64, bytes: UInt64,
                                                          kernel: inout K) throws(ModelError) -> UInt64 {
        try writeMetadata(arena: arena, offset: offset / 32, length: bytes / 32, kernel: &kernel)
    }

    /// `mheap.allocNeedsZero` (mheap.go:1050-1100): memory below an arena's `zeroedBase`
    /// was handed out before and may be dirty.
    private mutating func allocNeedsZero(base: UInt64, npages: Int) -> Bool {
        let arena = Int((base &- Self.heapBase) / Self.arenaBytes)
        let offset = (base &- Self.heapBase) % Self.arenaBytes, end = offset + UInt64(npages) << SizeClasses.pageShift
        if end <= Self.arenaBytes {
            // In one arena (every small-object span): `zeroedBase` is written only when it
            // grows (a write per span kept the arenas array's uniqueness check).
            let zeroedBase = arenas[arena].zeroedBase
            if end > zeroedBase { arenas[arena].zeroedBase = end }
            return offset < zeroedBase
        }
        var needZero = false
        for piece in ArenaPieces(base: base, bytes: UInt64(npages) << SizeClasses.pageShift) {
            if piece.offset < arenas[piece.arena].zeroedBase { needZero = true }
            arenas[piece.arena].zeroedBase = max(arenas[piece.arena].zeroedBase, piece.offset + piece.length)
        }
        return needZero
    }

    /// `sysUsed` → `sysHugePage` (mem_linux.go:126-161): MADV_HUGEPAGE on the whole huge
    /// pages inside the range, undoing the NOHUGEPAGE of earlier releases.
    mutating func sysUsed<K: KernelModel>(address: UInt64, length: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        let begin = (address + Self.hugePageSize - 1) / Self.hugePageSize * Self.hugePageSize
        let end = (address + length) / Self.hugePageSize * Self.hugePageSize
        guard begin < end else { return 0 }
        return try kernel.advise(address: begin, length: end - begin, advice: .hugePage).costNs
    }

    /// `sysUnused` (mem_linux.go:39-116): MADV_NOHUGEPAGE on the huge pages holding
    /// unaligned ends (so khugepaged cannot re-inflate them), then MADV_DONTNEED
    /// (MADV_FREE with `madvdontneed=0`).
    mutating func sysUnused<K: KernelModel>(address: UInt64, length: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        var cost: UInt64 = 0
        let hugeMask = Self.hugePageSize - 1
        let head: UInt64? = address & hugeMask != 0 ? address & ~hugeMask : nil
        let tail: UInt64? = (address + length) & hugeMask != 0 ? (address + length - 1) & ~hugeMask : nil
        if let head, let tail, head + Self.hugePageSize == tail {
            cost += try kernel.advise(address: head, length: 2 * Self.hugePageSize, advice: .noHugePage).costNs
        } else {
            if let head {
                cost += try kernel.advise(address: head, length: Self.hugePageSize, advice: .noHugePage).costNs
            }
            if let tail, tail != head {
                cost += try kernel.advise(address: tail, length: Self.hugePageSize, advice: .noHugePage).costNs
            }
        }
        cost += try kernel.advise(address: address, length: length, advice: config.madvdontneed ? .dontNeed : .free).costNs
        return cost
    }
}

/// The pieces of `[base, base+bytes)` in each 64 MiB heap arena, in address order:
/// (arena index, offset in the arena, length). A sequence, not an array, so the span
/// allocation path (three walks per span) allocates nothing.
struct ArenaPieces: Sequence, IteratorProtocol {
    var address: UInt64
    let end: UInt64

    init(base: UInt64, bytes: UInt64) {
        address = base
        end = base + bytes
    }

    mutating func next() -> (arena: Int, offset: UInt64, length: UInt64)? {
        guard address < end else { return nil }
        let arena = Int((address - GoRuntime.heapBase) / GoRuntime.arenaBytes)
        let arenaBase = GoRuntime.heapBase + UInt64(arena) * GoRuntime.arenaBytes
        let pieceEnd = Swift.min(end, arenaBase + GoRuntime.arenaBytes)
        defer { address = pieceEnd }
        return (arena, address - arenaBase, pieceEnd - address)
    }
}
