/// Consistency checks tests call after every step; each returned string is a violation.
extension GoRuntime {
    public func _checkInvariants() -> [String] {
        var problems: [String] = []
        var heapSpanBytes: UInt64 = 0, stackSpanBytes: UInt64 = 0, allocBytes: UInt64 = 0, objects: UInt64 = 0
        for id in spans.spans.indices {
            let span = spans.spans[id], sweepState = spans.sweepStates[id]
            guard span.state != .dead else { continue }
            let taken = spans.popcount(id) { $0.allocated }
            if taken != Int(span.allocCount) {
                problems.append("span \(id): allocCount \(span.allocCount) but \(taken) bits set")
            }
            if span.tinyRefs >= 0 && spans.popcount(id, of: { $0.freed }) != 0 {
                problems.append("span \(id): a tiny span with freed bits (its releases count references)")
            }
            let condemned = spans.popcount(id) { $0.condemned }
            if condemned != Int(sweepState.condemnedCount) {
                problems.append("span \(id): condemnedCount \(sweepState.condemnedCount) but \(condemned) bits set")
            }
            for w in spans.words(id) {
                let word = spans.bits[w]
                if word.freed & ~word.allocated != 0 { problems.append("span \(id): freed slot not allocated") }
                if word.condemned & ~word.allocated != 0 { problems.append("span \(id): condemned slot not allocated") }
                if word.condemned & word.freed != 0 { problems.append("span \(id): slot both freed and condemned") }
            }
            if span.unswept && sweepState.cachedBy >= 0 { problems.append("span \(id): unswept but cached") }
            if span.allocCount > span.nelems { problems.append("span \(id): more objects than slots") }
            if span.state == .stack {
                stackSpanBytes += span.bytes
            } else {
                heapSpanBytes += span.bytes
                allocBytes += UInt64(span.allocCount) * span.elemSize
                objects += UInt64(span.allocCount)
            }
            if spanID(containing: span.base) != id || spanID(containing: span.base + span.bytes - 1) != id {
                problems.append("span \(id): span map does not point at it")
            }
            let firstPage = Int((span.base - Self.heapBase) >> SizeClasses.pageShift)
            let smallObjects = span.state == .heap && span.spanClass.sizeClass != 0 && span.tinyRefs < 0
            for p in firstPage..<firstPage + Int(span.npages) {
                let page = objectPages[p]
                let expected = smallObjects
                    ? ObjectPage(bitmapBase: span.bitmapBase, spanClass: span.spanClass, pageInSpan: UInt8(p - firstPage))
                    : ObjectPage()
                if page.bitmapBase != expected.bitmapBase || page.spanClass != expected.spanClass
                    || page.pageInSpan != expected.pageInSpan {
                    problems.append("span \(id): page \(p)'s ObjectPage does not describe it")
                }
            }
        }
        for p in spanOfPage.indices where spanOfPage[p] < 0 && objectPages[p].bitmapBase >= 0 {
            problems.append("page \(p) is in no span but its ObjectPage names a bitmap")
        }
        if heapSpanBytes != heapInuse { problems.append("heapInuse \(heapInuse) != in-use spans \(heapSpanBytes)") }
        if stackSpanBytes != stackInuse { problems.append("stackInuse \(stackInuse) != stack spans \(stackSpanBytes)") }
        if allocBytes != heapAlloc { problems.append("heapAlloc \(heapAlloc) != taken slots \(allocBytes)") }
        if objects != heapObjects { problems.append("heapObjects \(heapObjects) != taken slots \(objects)") }
        let counts = pages.pageCounts()
        let page = SizeClasses.pageSize
        if UInt64(counts.allocated) * page != heapInuse + stackInuse {
            problems.append("page bitmap has \(counts.allocated) pages allocated, spans \((heapInuse + stackInuse) / page)")
        }
        if UInt64(counts.freeUnscavenged) * page != heapFree {
            problems.append("page bitmap has \(counts.freeUnscavenged) free unscavenged pages, heapFree \(heapFree / page)")
        }
        if UInt64(counts.scavenged) * page != heapReleased {
            problems.append("page bitmap has \(counts.scavenged) scavenged pages, heapReleased \(heapReleased / page)")
        }
        if counts.overlap != 0 { problems.append("\(counts.overlap) pages both allocated and scavenged") }
        if heapSys + stackInuse != UInt64(pages.chunkCount) * Self.chunkBytes - unmappedChunkBytes {
            problems.append("heapSys + stackInuse \(heapSys + stackInuse) != mapped chunks")
        }
        for i in mcacheSpans.indices where mcacheSpans[i] >= 0 {
            let span = spans.spans[Int(mcacheSpans[i])]
            if span.state != .heap || Int(span.spanClass.rawValue) != i % SpanClass.count || spans.sweepStates[Int(mcacheSpans[i])].cachedBy != Int32(i / SpanClass.count) {
                problems.append("mcache slot \(i) holds a span of another class or owner")
            }
        }
        for c in 0..<SpanClass.count {
            for id in partialSpans.list(c) {
                let span = spans.spans[Int(id)]
                if span.state != .heap || Int(span.spanClass.rawValue) != c || span.allocCount >= span.nelems || spans.sweepStates[Int(id)].cachedBy >= 0
                    || span.unswept {
                    problems.append("mcentral \(c) holds span \(id) that is not a free-slot uncached span of its class")
                }
            }
        }
        let unswept = gc.unswept.all
        if unswept.count != gc.unsweptSpans { problems.append("unswept lists hold \(unswept.count) spans, count \(gc.unsweptSpans)") }
        for id in unswept where !spans.spans[Int(id)].unswept || spans.spans[Int(id)].state != .heap {
            problems.append("span \(id) on an unswept list is swept or not a heap span")
        }
        return problems
    }

    /// Chunk slots below the first mapped chunk that were never added to the heap.
    private var unmappedChunkBytes: UInt64 {
        var bytes: UInt64 = 0
        for ci in 0..<pages.chunkCount where !pages.present[ci] { bytes += Self.chunkBytes }
        return bytes
    }
}
