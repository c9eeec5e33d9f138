import GoMemSimCore
import GoMemSimTrace

/// `mallocgc` (malloc.go:890-1160): the tiny, small and large paths.
extension GoRuntime {
    /// `maxTinySize` / `_TinySize`.
    static let maxTinySize: UInt64 = 16
    /// `runtime.zerobase`: every zero-byte allocation returns its address (in .bss).
    static let zerobase: UInt64 = 0x55_7e00

    // Inlined (with `mallocPath`) into `allocate`: three calls of generic functions per
    // allocation cost ~100 instructions of argument shuffling (measured with callgrind).
    @inline(__always)
    mutating func mallocgc<K: KernelModel>(size: UInt64, scan: Bool, p: Int, now: UInt64,
                                           kernel: inout K) throws(ModelError) -> Allocation {
        var allocation = try mallocPath(size: size, scan: scan, p: p, now: now, kernel: &kernel)
        // Whether the deadline is as it was: it moves only with the collector's and the
        // scavenger's state, which a slot from the cached span leaves alone; a refill or
        // a large allocation (sweeping, heap growth) sets `gcCheckPending`.
        allocation.keepsDeadline = !gcCheckPending
        if bytesUntilFirstProfileSample <= size {
            allocation.costNs += try takeFirstProfileSample(kernel: &kernel)
            allocation.keepsDeadline = false
        } else {
            bytesUntilFirstProfileSample &-= size
        }
        // `shouldhelpgc`: only a refill or a large allocation tests the trigger, once the
        // object is allocated (malloc.go:1147), so the new object survives.
        if gcCheckPending {
            gcCheckPending = false
            allocation.costNs += triggerCollectionIfDue(now: now + allocation.costNs)
        }
        return allocation
    }

    @inline(__always)
    private mutating func mallocPath<K: KernelModel>(size: UInt64, scan: Bool, p: Int, now: UInt64,
                                                     kernel: inout K) throws(ModelError) -> Allocation {
        if size == 0 {
            latency.record(.tiny, config.costs.tinyAllocNs)
            return Allocation(address: Self.zerobase, costNs: config.costs.tinyAllocNs)
        }
        if !scan && size < Self.maxTinySize {
            let allocation = try mallocTiny(size: size, p: p, now: now, kernel: &kernel)
            latency.record(.tiny, allocation.costNs)
            return allocation
        }
        let header = scan && size > 512 ? config.goVersion.mallocHeaderBytes : 0
        if size + header <= SizeClasses.maxSmallSize {
            let request = size + header
            // SizeClasses.sizeClass(of:) from the one table (``SizeClasses/sizeToClassBy8``).
            // The index is in range (at most 4096 of 4097 entries: request ≤ 32768), and a
            // class is under 128: the span class is the class and the noscan bit, unchecked.
            let sizeClass = sizeToClassBy8.withUnsafeBufferPointer { $0[Int(truncatingIfNeeded: (request &+ 7) >> 3)] }
            let allocation = try mallocSmall(size: size, spanClass: SpanClass(rawValue: sizeClass &<< 1 | (scan ? 0 : 1)),
                                             p: p, now: now, kernel: &kernel)
            latency.record(.small, allocation.costNs)
            return allocation
        }
        let allocation = try mallocLarge(size: size, scan: scan, now: now, kernel: &kernel)
        latency.record(.large, allocation.costNs)
        return allocation
    }

    /// The tiny allocator (malloc.go:933-1005): pack pointer-free objects under 16 B into
    /// one 16-byte block; align the offset to 8, 4 or 2 by the size; the block is free only
    /// when every sub-object is.
    mutating func mallocTiny<K: KernelModel>(size: UInt64, p: Int, now: UInt64,
                                             kernel: inout K) throws(ModelError) -> Allocation {
        var offset = tinyBlocks[p].offset
        if size & 7 == 0 {
            offset = (offset + 7) & ~7
        } else if size & 3 == 0 {
            offset = (offset + 3) & ~3
        } else if size & 1 == 0 {
            offset = (offset + 1) & ~1
        }
        if offset + size <= Self.maxTinySize && tinyBlocks[p].address != 0 {
            let block = tinyBlocks[p]
            tinyBlocks[p].offset = offset + size
            tinyAllocs += 1
            mallocs += 1
            spans.tinyRefCounts[Int(spans.spans[Int(block.span)].tinyRefs) * SpanTable.tinySlots + Int(block.slot)] &+= 1
            spans.spans[Int(block.span)].requestedBytes += size
            return Allocation(address: block.address + offset, costNs: config.costs.tinyAllocNs)
        }
        // A new block from the tiny span class.
        var allocation = try mallocSmall(size: size, spanClass: .tiny, p: p, now: now, kernel: &kernel)
        allocation.costNs += config.costs.tinyAllocNs
        // Keep the block with more free space left (malloc.go:996-1001).
        if size < tinyBlocks[p].offset || tinyBlocks[p].address == 0 {
            let id = mcacheSpans[p * SpanClass.count + Int(SpanClass.tiny.rawValue)]
            let base = spans.spans[Int(id)].base
            tinyBlocks[p] = TinyBlock(address: allocation.address, offset: size, span: id,
                                      slot: UInt32((allocation.address - base) / 16))
        }
        return allocation
    }

    /// A small object from the P's cached span of `spanClass` (`nextFreeFast`/`nextFree`),
    /// refilling it from mcentral when it is full (out of line: one allocation in ~10).
    // Inlined into `mallocPath` and `mallocTiny`; the refill is not, so that the common
    // path's code stays small enough to inline (a called `mallocSmall` was ~25
    // instructions of frame and spills per allocation, callgrind).
    @inline(__always)
    mutating func mallocSmall<K: KernelModel>(size: UInt64, spanClass: SpanClass, p: Int, now: UInt64,
                                              kernel: inout K) throws(ModelError) -> Allocation {
        // p < gomaxprocs (`allocate`), and the span class < SpanClass.count: in range.
        let id = Int(mcacheSpans[unchecked: p &* SpanClass.count &+ Int(spanClass.rawValue)])
        if id >= 0, let slot = spans.takeNextFree(id) {
            return try smallObject(size: size, spanClass: spanClass, span: id, slot: slot,
                                   cost: config.costs.smallAllocNs, kernel: &kernel)
        }
        return try mallocSmallRefilling(size: size, spanClass: spanClass, p: p, now: now, kernel: &kernel)
    }

    /// ``mallocSmall(size:spanClass:p:now:kernel:)`` when the cached span is full: `mcache.refill`, then
    /// the new span's first free slot.
    @inline(never)
    mutating func mallocSmallRefilling<K: KernelModel>(size: UInt64, spanClass: SpanClass, p: Int, now: UInt64,
                                                       kernel: inout K) throws(ModelError) -> Allocation {
        let cost = config.costs.smallAllocNs + (try refill(p: p, spanClass: spanClass, now: now, kernel: &kernel))
        let id = Int(mcacheSpans[p * SpanClass.count + Int(spanClass.rawValue)])
        guard let slot = spans.takeNextFree(id) else { throw ModelError(.invalid, "mcache refill returned a full span") }
        return try smallObject(size: size, spanClass: spanClass, span: id, slot: slot, cost: cost, kernel: &kernel)
    }

    /// The object in `slot` of span `id`, just taken: its address, the heap's books, and
    /// its cost — `cost` so far plus the mutator's and, on reused memory, zeroing it.
    @inline(__always)
    mutating func smallObject<K: KernelModel>(size: UInt64, spanClass: SpanClass, span id: Int, slot: UInt32,
                                              cost: UInt64, kernel: inout K) throws(ModelError) -> Allocation {
        // `id`'s record through one pointer (the span the slot was just taken from: in
        // the table; nothing here changes the table's size): a checked subscript per
        // field reloaded the storage after each counter's store (~7 instructions per
        // allocation, callgrind).
        let span = spans.spans.base + id
        let elemSize = span.pointee.elemSize
        // slot < nelems: the object lies in the span (no overflow); the requested bytes
        // of a span's taken slots are at most its size.
        let spanBase = span.pointee.base
        let address = spanBase &+ UInt64(slot) &* elemSize
        span.pointee.requestedBytes &+= size
        let tinyRefs = span.pointee.tinyRefs
        let needzero = span.pointee.needzero
        if tinyRefs >= 0 { spans.tinyRefCounts[Int(tinyRefs) * SpanTable.tinySlots + Int(slot)] = 1 }
        heapAlloc &+= elemSize
        totalAlloc &+= elemSize
        mallocs &+= 1
        heapObjects &+= 1
        if !spanClass.noscan { gc.liveScanBytes &+= elemSize }
        // Unchecked: size and elemSize are at most 32 KiB plus a header (under 2¹⁶), the
        // costs at most 2³² ns (``CostTable/maxNs``, bounded by ``GoRuntime/init``), so
        // each product is below 2⁴⁸ and the two terms' sum below 2⁴⁹. Only adding them to
        // `cost`, which a refill's work may have made anything, is checked.
        var added = (size &* config.costs.mutatorNsPerKiB) &>> 10
        // memclrNoHeapPointers(x, size): reused memory is written before it is handed out.
        if needzero { added &+= (elemSize &* config.costs.zeroingNsPerKiB &+ 1023) &>> 10 }
        // The memory is written either way: zeroed here when reused, and initialised by
        // the program, whose work ``CostTable/mutatorNsPerKiB`` charges, when fresh (the
        // runtime leaves a fresh span alone, but the gc-grid runs' VmHWM follows their
        // mapped heap even with GOGC=off: calibration/gc-grid-sample.tsv). The touch,
        // unless the slot's pages were written since the kernel last evicted or
        // protected anything (``Span/residentPages``): it would change nothing and cost
        // nothing. Skipped for most allocations, ~150 instructions.
        let written = needzero ? elemSize : size
        let epoch = kernel.residencyEpoch
        // Read here, not with the fields above: held across the counters they spilled.
        let residentEpoch = span.pointee.residentEpoch
        let resident = span.pointee.residentPages
        let npages = span.pointee.npages
        // All of the span's pages resident (2 bits per runtime page, at most 20): any
        // slot's are, with no mask of the slot's own to build.
        let allPages = UInt32(truncatingIfNeeded: (UInt64(1) &<< (2 &* UInt64(npages))) &- 1)
        if written > 0 && (epoch == nil || residentEpoch != epoch || resident != allPages) {
            let offset = address &- spanBase
            let pages = SpanTable.pageMask(offset: offset, length: written)
            if epoch == nil || residentEpoch != epoch || resident & pages != pages {
                added += try touchWritten(span: id, address: address, length: written, pages: pages,
                                          epoch: epoch, kernel: &kernel)
            }
        }
        return Allocation(address: address, costNs: cost + added)
    }

    /// `mcache.refill` (mcache.go:146-214) then the trigger test (malloc.go:1147).
    mutating func refill<K: KernelModel>(p: Int, spanClass: SpanClass, now: UInt64,
                                         kernel: inout K) throws(ModelError) -> UInt64 {
        var cost = config.costs.mcacheRefillNs
        let cacheIndex = p * SpanClass.count + Int(spanClass.rawValue)
        let old = Int(mcacheSpans[cacheIndex])
        if old >= 0 { spans.sweepStates[old].cachedBy = -1 }  // full: neither partial nor cached
        if gc.unsweptSpans > 0 {
            // The background sweeper's progress so far, then this goroutine's share:
            // proportional sweep, then the class's own unswept spans (mcentral.cacheSpan).
            backgroundSweep(until: now)
            let spanBytes = UInt64(classLayouts[spanClass.sizeClass].npages) << SizeClasses.pageShift
            cost += deductSweepCredit(spanBytes: spanBytes)
            cost += sweepClass(spanClass)
        }
        let id: Int
        if let partial = partialSpans.pop(Int(spanClass.rawValue)) {
            id = Int(partial)
        } else {
            // The instance's table, not the static ones: each static read was a `swift_once`.
            let layout = classLayouts[spanClass.sizeClass]
            let allocated = try allocSpan(npages: Int(layout.npages), state: .heap, spanClass: spanClass,
                                          elemSize: UInt64(layout.size), nelems: layout.objects, kernel: &kernel)
            id = allocated.id
            cost += allocated.costNs
        }
        spans.sweepStates[id].cachedBy = Int32(p)
        mcacheSpans[cacheIndex] = Int32(id)
        // "We assume that all of its slots will get used": heapLive gains the span's whole
        // unused remainder, tail included (mcache.go:205-211).
        let span = spans.spans[id]
        heapLive += span.bytes - UInt64(span.allocCount) * span.elemSize
        gcCheckPending = true
        return cost
    }

    /// `mcache.allocLarge` (mcache.go:217-260): a span of `ceil(size/8192)` pages.
    mutating func mallocLarge<K: KernelModel>(size: UInt64, scan: Bool, now: UInt64,
                                              kernel: inout K) throws(ModelError) -> Allocation {
        guard size <= 1 << 46 else {
            throw ModelError(.outOfMemory, "allocation of \(size) bytes exceeds the address space")
        }
        let npages = (size + SizeClasses.pageSize - 1) >> SizeClasses.pageShift
        var cost = config.costs.largeAllocNs
        if gc.unsweptSpans > 0 {
            backgroundSweep(until: now)
            cost += deductSweepCredit(spanBytes: npages << SizeClasses.pageShift)
            cost += reclaim(npages: npages)
        }
        let allocated = try allocSpan(npages: Int(npages), state: .heap, spanClass: SpanClass(sizeClass: 0, noscan: !scan),
                                      elemSize: npages << SizeClasses.pageShift, nelems: 1, kernel: &kernel)
        cost += allocated.costNs
        let id = allocated.id
        _ = spans.takeNextFree(id)
        spans.spans[id].requestedBytes = size
        let bytes = spans.spans[id].bytes
        heapAlloc += bytes
        totalAlloc += bytes
        mallocs += 1
        heapObjects += 1
        heapLive += bytes
        if scan { gc.liveScanBytes &+= bytes }
        if spans.spans[id].needzero {
            // Large objects are zeroed over their requested size (memclrNoHeapPointersChunked).
            cost += try zero(address: spans.spans[id].base, length: size, kernel: &kernel)
        }
        gcCheckPending = true
        return Allocation(address: spans.spans[id].base, costNs: cost)
    }

    // Inlined: called for most small allocations, its own frame was ~30 instructions of
    // each (callgrind, gc-grid S=256).
    @inline(__always)
    mutating func zero<K: KernelModel>(address: UInt64, length: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        let touch = try kernel.touch(address: address, length: length, isWrite: true)
        return touch.costNs + (length * config.costs.zeroingNsPerKiB + 1023) / 1024
    }

    /// The kernel's touch of a slot being zeroed or initialised; when the kernel's
    /// residency epoch held through it, the pages it reached join the span's
    /// ``Span/residentPages``.
    @inline(never)
    mutating func touchWritten<K: KernelModel>(span id: Int, address: UInt64, length: UInt64, pages: UInt32,
                                               epoch: UInt64?, kernel: inout K) throws(ModelError) -> UInt64 {
        let touch = try kernel.touch(address: address, length: length, isWrite: true)
        if let epoch, kernel.residencyEpoch == epoch {
            if spans.spans[id].residentEpoch != epoch {
                spans.spans[id].residentEpoch = epoch
                spans.spans[id].residentPages = 0
            }
            spans.spans[id].residentPages |= pages
            noteHeapResident(span: id, pages: pages, epoch: epoch)
        }
        return touch.costNs
    }

    /// Adds span `id`'s `pages` (``Span/residentPages`` bits) to ``heapResidentPages``
    /// at `epoch`, starting the map afresh when the epoch moved.
    mutating func noteHeapResident(span id: Int, pages: UInt32, epoch: UInt64) {
        if heapResidentEpoch != epoch {
            heapResidentEpoch = epoch
            for w in heapResidentPages.indices { heapResidentPages[w] = 0 }
        }
        let first = Int((spans.spans[id].base &- Self.heapBase) >> 12)
        var rest = pages
        while rest != 0 {
            let page = first + rest.trailingZeroBitCount
            rest &= rest &- 1
            if page >> 6 >= heapResidentPages.count {
                heapResidentPages += [UInt64](repeating: 0, count: page >> 6 + 1 - heapResidentPages.count)
            }
            heapResidentPages[page >> 6] |= 1 << UInt64(page & 63)
        }
    }

    /// The ``Span/residentPages`` a new small-object span of `npages` runtime pages (at
    /// most 10) at `base` starts with: its 4 KiB pages in ``heapResidentPages``.
    // Inlined: called, this non-mutating method of the runtime was handed a copy of the
    // whole runtime (a ~2 KB memcpy per span, callgrind).
    @inline(__always)
    func heapResidentPages(base: UInt64, npages: Int) -> UInt32 {
        let first = Int((base &- Self.heapBase) >> 12), count = 2 * npages
        let word = first >> 6, shift = UInt64(first & 63)
        guard count <= 32, word < heapResidentPages.count else { return 0 }
        var bits = heapResidentPages[word] &>> shift
        if shift &+ UInt64(count) > 64, word + 1 < heapResidentPages.count {
            bits |= heapResidentPages[word + 1] &<< (64 &- shift)
        }
        return UInt32(truncatingIfNeeded: bits & (UInt64(1) << UInt64(count) &- 1))
    }

    /// The trace released the object at `address`: it is dead to the next cycle that
    /// starts. A tiny sub-object only drops its block's reference count.
    mutating func markReleased(address: UInt64, size: UInt64) {
        // A small object: its page's ``ObjectPage`` leads to the bitmap word.
        let page = (address &- Self.heapBase) >> SizeClasses.pageShift
        if address >= Self.heapBase, page < UInt64(objectPages.count) {
            let objectPage = objectPages[unchecked: Int(page)]  // page < count
            if objectPage.bitmapBase >= 0 {
                releaseSmall(address: address, size: size, objectPage)
                return
            }
        }
        releaseThroughSpan(address: address, size: size)
    }

    /// Releases a small object (not a tiny block's) from its page's record: the slot by
    /// the class's `divMul` from the offset in the span, as `objIndex` does; the same
    /// checks and effects as ``releaseThroughSpan(address:size:)`` for such an object.
    @inline(__always)
    private mutating func releaseSmall(address: UInt64, size: UInt64, _ objectPage: ObjectPage) {
        // The class of a small-object span the runtime recorded: in the table.
        let layout = classLayouts.withUnsafeBufferPointer { $0[objectPage.spanClass.sizeClass] }
        let index = objectPage.slot(of: address, divMul: layout.divMul)
        guard index < layout.objects else { invalidReleases += 1; return }
        // The span's words from its bitmap base, one per 64 of its `objects` slots: in range.
        let word = Int(objectPage.bitmapBase) &+ Int(index >> 6), mask = SpanTable.mask(index)
        let bits = spans.bits[unchecked: word]
        guard bits.allocated & mask != 0, (bits.freed | bits.condemned) & mask == 0 else { invalidReleases += 1; return }
        spans.bits[unchecked: word].freed = bits.freed | mask
        spans.bits[unchecked: word].freedRequestedBytes &+= size
        let elemSize = UInt64(layout.size)
        gc.releasedBytes &+= elemSize
        gc.releasedObjects &+= 1
        if !objectPage.spanClass.noscan { gc.liveScanBytes &-= min(gc.liveScanBytes, elemSize) }
    }

    /// A release through the span map and the span's record: large objects, tiny
    /// blocks, and addresses outside small-object spans.
    mutating func releaseThroughSpan(address: UInt64, size: UInt64) {
        guard let id = spanID(containing: address) else { invalidReleases += 1; return }
        guard spans.spans[id].state == .heap else { invalidReleases += 1; return }
        let sizeClass = spans.spans[id].spanClass.sizeClass
        let large = sizeClass == 0
        // `objIndex`: offset * divMul >> 32 (the offset is under 80 KiB, divMul under 2^29).
        let index = large ? 0 : UInt32(truncatingIfNeeded: ((address &- spans.spans[id].base)
            &* UInt64(classLayouts[sizeClass].divMul)) >> 32)
        guard index < spans.spans[id].nelems else { invalidReleases += 1; return }
        let word = spans.word(id, index), mask = SpanTable.mask(index)
        let bits = spans.bits[word]
        guard bits.allocated & mask != 0 else { invalidReleases += 1; return }
        let tinyRefs = spans.spans[id].tinyRefs
        if tinyRefs >= 0 {
            let ref = Int(tinyRefs) * SpanTable.tinySlots + Int(index)
            guard spans.tinyRefCounts[ref] > 0 else { invalidReleases += 1; return }
            spans.tinyRefCounts[ref] -= 1
            spans.bits[word].freedRequestedBytes &+= size
            if spans.tinyRefCounts[ref] == 0 {
                gc.releasedBytes &+= spans.spans[id].elemSize
                gc.releasedObjects &+= 1
            }
            return
        }
        guard (bits.freed | bits.condemned) & mask == 0 else { invalidReleases += 1; return }
        spans.bits[word].freed = bits.freed | mask
        spans.bits[word].freedRequestedBytes &+= large ? spans.spans[id].requestedBytes : size
        let elemSize = spans.spans[id].elemSize
        gc.releasedBytes &+= elemSize
        gc.releasedObjects &+= 1
        if !spans.spans[id].spanClass.noscan { gc.liveScanBytes &-= min(gc.liveScanBytes, elemSize) }
    }

    /// The span holding `address`, from the arena's span map.
    @inline(__always)
    func spanID(containing address: UInt64) -> Int? {
        let page = (address &- Self.heapBase) >> SizeClasses.pageShift
        guard address >= Self.heapBase, page < UInt64(spanOfPage.count) else { return nil }
        let id = spanOfPage[unchecked: Int(page)]  // page < count
        return id >= 0 ? Int(id) : nil
    }
}
