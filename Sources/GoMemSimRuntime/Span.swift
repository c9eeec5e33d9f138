import GoMemSimCore

/// An `mspan` (mheap.go): a run of runtime pages that holds objects of one span class,
/// one large object, or goroutine stacks. Its metadata lives off-heap, as in Go.
struct Span: BitwiseCopyable {
    enum State: UInt8 {
        /// The id is unused (the pages went back to the page allocator).
        case dead
        /// `mSpanInUse`: heap objects.
        case heap
        /// `mSpanManual`: goroutine stacks (counted in StackInuse, not HeapInuse).
        case stack
    }

    // 64 bytes, so that in ``SpanTable/spans`` (64-byte aligned) every record is one host
    // cache line: an allocation and a release each read their span's record, usually a
    // cache miss (the span classes' cached spans and the released objects' spans are
    // more than the host's L1 holds), and a 96-byte record was two lines for half the
    // spans. What only refills, sweeps and cycles read is in ``SpanSweepState``; `divMul`
    // is read from the size class (``SizeClasses/classToDivMul``), where Go copies it from.
    var base: UInt64
    /// `elemsize`: the class size; a large span's whole size; a stack span's stack size.
    var elemSize: UInt64
    /// Bytes the program asked for in the taken slots (for round-up waste).
    var requestedBytes: UInt64 = 0
    /// The kernel ``KernelModel/residencyEpoch`` at which ``residentPages`` holds.
    var residentEpoch: UInt64 = 0
    var nelems: UInt32
    /// The span's first word in ``SpanTable/bits``.
    var bitmapBase: Int32 = 0
    /// Index of the span's sub-object reference counts (tiny span class only), or -1.
    var tinyRefs: Int32 = -1
    /// `freeindex`: slots below it are not searched until the next sweep.
    var freeIndex: UInt32 = 0
    /// Slots taken (live or released-but-unswept objects).
    var allocCount: UInt32 = 0
    var npages: UInt32
    /// The span's 4 KiB pages (bit i: page i from ``base``) a write touch reached at
    /// kernel epoch ``residentEpoch``: while the epoch holds, they are resident and
    /// writable, and zeroing or initialising an object there needs no touch.
    /// Small-object spans only (at most 10 runtime pages: 20 bits).
    var residentPages: UInt32 = 0
    var state: State
    var spanClass: SpanClass
    /// `needzero`: the memory was used before, so objects must be zeroed on allocation.
    var needzero: Bool
    /// `sweepgen` behind the heap's: the span is on an unswept list.
    var unswept = false

    init(base: UInt64, npages: UInt32, state: State, spanClass: SpanClass, elemSize: UInt64, nelems: UInt32, needzero: Bool) {
        self.base = base
        self.npages = npages
        self.state = state
        self.spanClass = spanClass
        self.elemSize = elemSize
        self.nelems = nelems
        self.needzero = needzero
    }

    /// Words of each slot bitmap: one bit per slot, as Go sizes `allocBits`.
    var bitmapWords: Int { Int(max(nelems, 1) + 63) >> 6 }

    var bytes: UInt64 { UInt64(npages) << SizeClasses.pageShift }
    var isLarge: Bool { state == .heap && spanClass.sizeClass == 0 }
}

/// What of an `mspan` only refills, sweeps and collection cycles read and write (once per
/// span, not per object): kept out of ``Span`` so that the record allocations and
/// releases read stays one cache line.
struct SpanSweepState: BitwiseCopyable {
    /// The P whose mcache holds the span, or -1.
    var cachedBy: Int32 = -1
    /// Objects released before the current cycle started: the cycle finds them dead and
    /// the sweep frees them (`gcmarkBits` clear for them).
    var condemnedCount: UInt32 = 0
    /// Requested bytes of the condemned objects.
    var condemnedRequestedBytes: UInt64 = 0
}

/// One 64-slot word of each of a span's three bitmaps. Kept together because every
/// release and sweep reads and writes them for the same slots: one array and one cache
/// line per word instead of three (measured: the release path's cache misses and
/// uniqueness checks were a fifth of the allocator bench).
struct SlotBits {
    /// `allocBits`: the slot is taken (a live object, or a dead one not yet swept).
    var allocated: UInt64 = 0
    /// Released since the current cycle started (dead to the next one).
    var freed: UInt64 = 0
    /// Released before the current cycle started: dead to it, freed when swept.
    var condemned: UInt64 = 0
    /// Requested bytes of this word's objects released since the current cycle started
    /// (of its tiny blocks' sub-objects, in a tiny span): the span's sum joins its
    /// condemned bytes at the next cycle. Kept here, with `freed`, so that a release
    /// writes one record.
    var freedRequestedBytes: UInt64 = 0
}

/// All spans, with their slot bitmaps (``SlotBits``: `allocBits` and the bitmaps of
/// released objects, `gcmarkBits`' complement in effect), in flat arrays indexed by
/// span id.
struct SpanTable {
    /// Most bitmap words a span needs: the most objects a span holds is 1024 (8 B class).
    static let bitmapWords = 16
    /// Slots of a tiny-class span (8192 / 16).
    static let tinySlots = 512

    var spans = UnsafeTable<Span>()
    /// Each span's ``SpanSweepState``, by span id.
    var sweepStates = UnsafeTable<SpanSweepState>()
    /// Every span's bitmap words, ``Span/bitmapWords`` of them from ``Span/bitmapBase``:
    /// sized by the span's slots as Go sizes `allocBits` (a span of 64-byte objects needs
    /// 2 words, not the 16 of the 8-byte class), which keeps a large heap's bitmaps —
    /// read by every release — several times smaller and more often in cache.
    var bits = UnsafeTable<SlotBits>()
    /// Per slot of tiny-class spans: sub-objects still referenced (not released).
    var tinyRefCounts: [UInt8] = []
    // The free lists are ``UnsafeTable``s, not arrays: popped per span made and pushed
    // per span freed, where each array kept a copy-on-write uniqueness check (3 per span
    // made, 3 per span freed, callgrind). (Nor `InlineArray`s: callers copied those.)
    private var freeIDs = UnsafeTable<Int32>()
    private var freeTinyRefs = UnsafeTable<Int32>()
    /// Released spans' bitmaps by length in words, for reuse: a stack per length whose
    /// links are kept in each free bitmap's first word (``SlotBits/allocated``), which
    /// nothing reads until the bitmap is taken and cleared. -1: none.
    private var freeBitmaps = UnsafeTable<Int32>(repeating: -1, count: bitmapWords + 1)

    mutating func make(_ span: Span) -> Int {
        var span = span
        if span.state == .heap && span.spanClass == .tiny {
            if let slot = freeTinyRefs.popLast() {
                span.tinyRefs = slot
            } else {
                span.tinyRefs = Int32(tinyRefCounts.count / Self.tinySlots)
                tinyRefCounts += [UInt8](repeating: 0, count: Self.tinySlots)
            }
        }
        let words = span.bitmapWords
        let free = freeBitmaps[words]
        if free >= 0 {
            let base = Int(free)
            let next = Int32(truncatingIfNeeded: Int64(bitPattern: bits[base].allocated))
            freeBitmaps[words] = next
            // The stack's new top, taken by the next span of this length: its link is read
            // then, and its words cleared. Freed by a sweep long before, it was a DRAM miss
            // per span made at a million live objects (perf: 6 % of the allocator replay).
            if next >= 0 { prefetch(UnsafeRawPointer(bits.base + Int(next))) }
            span.bitmapBase = free
            for w in base..<base + words { bits[w] = SlotBits() }
        } else {
            span.bitmapBase = Int32(bits.count)
            bits.append(repeating: SlotBits(), count: words)
        }
        if let id = freeIDs.popLast() {
            // The next span made reuses the new top's record and sweep state, freed long
            // before: start loading them (the record's write then stalled setSpans' read).
            if let next = freeIDs.last { prefetchRecord(Int(next)) }
            spans[Int(id)] = span
            sweepStates[Int(id)] = SpanSweepState()
            return Int(id)
        }
        spans.append(span)
        sweepStates.append(SpanSweepState())
        return spans.count - 1
    }

    mutating func release(_ id: Int) {
        let tinyRefs = spans[id].tinyRefs
        if tinyRefs >= 0 {
            let start = Int(tinyRefs) * Self.tinySlots
            tinyRefCounts.withUnsafeMutableBufferPointer {
                UnsafeMutableBufferPointer(rebasing: $0[start..<start + Self.tinySlots]).update(repeating: 0)
            }
            freeTinyRefs.append(tinyRefs)
        }
        let words = spans[id].bitmapWords, base = Int(spans[id].bitmapBase)
        bits[base].allocated = UInt64(bitPattern: Int64(freeBitmaps[words]))
        freeBitmaps[words] = Int32(base)
        spans[id].state = .dead
        spans[id].tinyRefs = -1
        freeIDs.append(Int32(id))
    }

    /// The bitmap word holding `slot` of span `id`.
    @inline(__always)
    func word(_ id: Int, _ slot: UInt32) -> Int { Int(spans[id].bitmapBase) &+ Int(slot >> 6) }

    /// The range of span `id`'s words in ``bits``.
    // Inlined: called, it was handed a copy of the table (a memcpy per swept span).
    @inline(__always)
    func words(_ id: Int) -> Range<Int> {
        let base = Int(spans[id].bitmapBase)
        return base..<base + spans[id].bitmapWords
    }

    /// The bits of ``Span/residentPages`` for `length` bytes at `offset` into a span.
    /// A small-object span has at most 10 runtime pages (SizeClasses): 20 bits.
    @inline(__always)
    static func pageMask(offset: UInt64, length: UInt64) -> UInt32 {
        let first = offset >> 12, last = (offset &+ length &- 1) >> 12
        // Masking shifts (under 64 here): `<<` by a variable checks for overshifts.
        return UInt32(truncatingIfNeeded: (UInt64(2) &<< (last &- first) &- 1) &<< first)
    }

    /// `slot`'s bit in its word.
    @inline(__always)
    static func mask(_ slot: UInt32) -> UInt64 { UInt64(1) << UInt64(slot & 63) }

    /// `nextFreeIndex`: the first free slot at or after `freeindex`, taken.
    ///
    /// `id` is a span the runtime made (an mcache's, a new or a stack span: never an
    /// index from input), so its record is read unchecked, and so are its bitmap words,
    /// `bitmapBase ..< bitmapBase + bitmapWords` (the loop stops before word
    /// `nelems >> 6` past the last); the counts wrap as they stay at most `nelems`.
    /// On the allocator bench's fast path the checks were ~6 instructions per allocation.
    @inline(__always)
    mutating func takeNextFree(_ id: Int) -> UInt32? {
        assert(id >= 0 && id < spans.count, "a span the runtime made")
        let span = spans.base + id
        let nelems = span.pointee.nelems
        let base = Int(span.pointee.bitmapBase)
        var i = span.pointee.freeIndex
        while i < nelems {
            let w = Int(i >> 6)
            let word = bits.base + (base &+ w)  // w < bitmapWords: i < nelems
            let free = ~word.pointee.allocated & (~UInt64(0) << UInt64(i & 63))
            if free != 0 {
                let index = UInt32(truncatingIfNeeded: w << 6 | free.trailingZeroBitCount)
                guard index < nelems else { break }
                word.pointee.allocated |= Self.mask(index)
                span.pointee.freeIndex = index &+ 1  // ≤ nelems
                span.pointee.allocCount &+= 1  // a free slot was taken: ≤ nelems
                return index
            }
            i = UInt32(truncatingIfNeeded: w &+ 1) << 6
        }
        span.pointee.freeIndex = nelems
        return nil
    }

    /// Starts loading span `id`'s record (one cache line) and its ``SpanSweepState``
    /// (a sweep reads both; the sweep state alone was 70 % of a sweep's samples at a
    /// million live objects, perf).
    @inline(__always)
    func prefetchRecord(_ id: Int) {
        guard id < spans.count, id < sweepStates.count else { return }
        prefetch(UnsafeRawPointer(spans.base + id))
        prefetch(UnsafeRawPointer(sweepStates.base + id))
    }

    /// Starts loading the first line of span `id`'s bitmap words (reads its record).
    @inline(__always)
    func prefetchBitmap(_ id: Int) {
        guard id < spans.count else { return }
        let word = Int(spans[id].bitmapBase)
        guard word < bits.count else { return }
        prefetch(UnsafeRawPointer(bits.base + word))
    }

    @inline(__always)
    func isAllocated(_ id: Int, _ slot: UInt32) -> Bool {
        bits[word(id, slot)].allocated & Self.mask(slot) != 0
    }

    /// The slot is free again (a sweep or a stack free).
    @inline(__always)
    mutating func clearAllocated(_ id: Int, _ slot: UInt32) {
        bits[word(id, slot)].allocated &= ~Self.mask(slot)
    }

    /// Bits set in one of span `id`'s bitmaps.
    func popcount(_ id: Int, of bitmap: (SlotBits) -> UInt64) -> Int {
        var n = 0
        for w in words(id) { n += bitmap(bits[w]).nonzeroBitCount }
        return n
    }
}
