import GoMemSimCore
import GoMemSimTrace

extension CacheHierarchy {
    /// Every access of `run`, in order, each exactly as
    /// ``access(address:length:isWrite:dependent:pageShift:)`` with `pageShift` leaves it
    /// (every counter, latency row and carried fraction); returns the sum of what those
    /// calls return. The form for replaying a raw-address trace (``RawAccess`` batches from
    /// `BinaryTraceReader.readAccesses(into:)`): one call per batch instead of one per access.
    ///
    /// Why it is faster, not different: the same-line repeats (7 of 8 accesses of an 8-byte
    /// sequential pass) run in a loop of their own, ``sameLineRun(from:to:pageShift:total:counts:)``,
    /// with no call in it, so their state stays in registers; every other access goes
    /// through the per-access path. The caches are made this copy's own once per run. And
    /// a run knows what comes next: before a new line's lookups it asks the host to fetch
    /// the sets the access ``prefetchDistance`` places on will read, so on random access
    /// the host's misses on the large levels' state overlap with this access's work.
    @inline(__always)
    mutating func access(_ run: UnsafeBufferPointer<RawAccess>, pageShift: UInt8) -> UInt64 {
        guard let next = run.baseAddress, !run.isEmpty else { return 0 }
        if !isKnownUniquelyReferenced(&owner) { ownCaches() }
        return skylakeSPShaped ? access(from: next, to: next + run.count, pageShift: pageShift, SkylakeSPShape.self)
            : access(from: next, to: next + run.count, pageShift: pageShift, AnyFlatShape.self)
    }

    /// ``access(_:pageShift:)``'s loop over the accesses from `next` to `end`, the caches
    /// owned, the flat path's with `S`'s geometry.
    @inline(__always)
    mutating func access<S: FlatShape>(from next: UnsafePointer<RawAccess>, to end: UnsafePointer<RawAccess>,
                                       pageShift: UInt8, _ shape: S.Type) -> UInt64 {
        var next = next
        var total: UInt64 = 0
        var counts = SameLineCounts()
        let lineShift = flatLineShift(S.self)
        let lineBytes: UInt64 = 1 &<< lineShift
        while true {
            next = sameLineRun(from: next, to: end, pageShift: pageShift, total: &total, counts: &counts)
            guard next < end else { break }
            let a = next.pointee
            next += 1
            if flat && UInt64(a.length) <= lineBytes &- (a.address & (lineBytes &- 1)) {
                // One line (the next of a sequential pass), which the same-line path does not
                // take (on the flat path the run's test is its test): ``linesBody``'s flat
                // case for one line, without the frame of ``accessOutsideRun(_:pageShift:)``.
                let line = a.address &>> lineShift
                // No ``peekSets(_:pageShift:)``: this line's sets were prefetched 4 accesses
                // ago, or lie next to those of a line just looked up (~107 instructions an
                // access saved on random access, callgrind).
                let ahead = next + (Self.prefetchDistance - 1)
                if ahead < end {
                    flatPrefetchSets(ahead.pointee.address &>> lineShift, after: line, pageShift: pageShift, S.self)
                }
                total &+= takeWholeNs(adding: flatAccessLine(line, isWrite: a.isWrite, dependent: a.dependent,
                                                              pageShift: pageShift, S.self))
            } else {
                total &+= accessOutsideRun(a, pageShift: pageShift)
            }
        }
        // The same-line path's count is by `lastLineRepeats`, which is `pageShift`'s class
        // whenever `lastLinePageShift` is `pageShift` (they are set together).
        let c = TranslationState.pageClass(pageShift) &<< 2
        repeats[c] &+= counts.readIndependent
        repeats[c | 1] &+= counts.readDependent
        repeats[c | 2] &+= counts.writeIndependent
        repeats[c | 3] &+= counts.writeDependent
        return total
    }

    /// How many accesses ahead of a new line ``access(_:pageShift:)`` prefetches the sets
    /// of: far enough for a host DRAM miss (100–150 ns on the benchmark VM) to complete
    /// while the accesses before it are modelled (~150 ns each on random access).
    static var prefetchDistance: Int { 4 }

    /// The accesses from `next` on (up to `end`) that take the same-line fast path of
    /// ``sameLineAccess(address:length:isWrite:dependent:pageShift:)``, with its effects:
    /// their time added to the read or write total and the carried fraction (in the same
    /// order), the whole nanoseconds due added to `total`, the accesses counted in `counts`
    /// (for ``repeats``), a write's line marked dirty. Returns the first access that does
    /// not take it (`end`: none). A write stops the run unless the hierarchy is ``flat``
    /// (its L1 mark is inline here; the general path's is a call).
    @inline(__always)
    mutating func sameLineRun(from next: UnsafePointer<RawAccess>, to end: UnsafePointer<RawAccess>, pageShift: UInt8,
                              total: inout UInt64, counts: inout SameLineCounts) -> UnsafePointer<RawAccess> {
        // An access stays in `lastLine` when its offset from the line's first byte is below
        // `limit` and its length at most the bytes left; `limit` 0 (no access matches) when
        // `lastLine`'s page was not translated last with this page shift. (No line is
        // `.max`: lines are at least 8 bytes.)
        let start = lastLine &<< lineShift
        let limit = lastLine != .max && lastLinePageShift == UInt16(pageShift) ? lineBytes : 0
        func repeats(_ a: RawAccess) -> Bool {
            let offset = a.address &- start
            return offset < limit && UInt64(a.length) <= limit &- offset
        }
        // A new line first (every access of a random pass): no run to set up.
        guard next < end && repeats(next.pointee) else { return next }
        let (writesRepeat, l1, key) = (flat, flatLevels[0], FlatLRUArray.word(lastLine))
        let (independentNs, dependentNs) = (l1NsBy[0], l1NsBy[1])
        var (carry, readNs, writeNs) = (carryNs, reads.totalNs, writes.totalNs)
        var p = next
        var whole: UInt64 = 0
        while p < end {
            let a = p.pointee
            guard repeats(a) else { break }
            let ns = a.dependent ? dependentNs : independentNs
            if a.isWrite {
                guard writesRepeat else { break }
                _ = l1.markDirty(key)  // ``flatDirtyLastLine()``
                writeNs += ns
                if a.dependent { counts.writeDependent &+= 1 } else { counts.writeIndependent &+= 1 }
            } else {
                readNs += ns
                if a.dependent { counts.readDependent &+= 1 } else { counts.readIndependent &+= 1 }
            }
            whole &+= Self.takeWholeNs(adding: ns, carry: &carry)
            p += 1
        }
        (carryNs, reads.totalNs, writes.totalNs) = (carry, readNs, writeNs)
        total &+= whole
        return p
    }

    /// One access of a run that ``sameLineRun(from:to:pageShift:total:counts:)`` stopped at:
    /// ``access(address:length:isWrite:dependent:pageShift:)`` with the caches already owned.
    @inline(never)
    mutating func accessOutsideRun(_ a: RawAccess, pageShift: UInt8) -> UInt64 {
        let length = UInt64(a.length)
        if let ns = sameLineAccess(address: a.address, length: length, isWrite: a.isWrite, dependent: a.dependent,
                                   pageShift: pageShift) {
            return ns
        }
        return linesBody(address: a.address, length: length, isWrite: a.isWrite, dependent: a.dependent,
                         pageShift: pageShift)
    }
}

/// The same-line repeats of a run of accesses, by kind, until they are added to ``CacheHierarchy/repeats``.
struct SameLineCounts {
    var readIndependent: UInt64 = 0
    var readDependent: UInt64 = 0
    var writeIndependent: UInt64 = 0
    var writeDependent: UInt64 = 0
}
