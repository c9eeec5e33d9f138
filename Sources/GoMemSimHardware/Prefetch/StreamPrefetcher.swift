/// The L2 streamer (Intel optimization manual, hardware prefetch section; facts §4):
/// it watches the requests that reach L2 — demand misses and L1 prefetches — per
/// 4 KiB page, and once two successive requests in a page move the same way it runs
/// `distance` lines ahead of the latest one, never past the page (physical contiguity
/// beyond it is unknown). It tracks a fixed number of pages, replacing the least
/// recently used tracker.
struct StreamPrefetcher {
    /// One tracked page's stream, and its place in the trackers' recency order.
    struct Tracker {
        var page: UInt64 = .max  // no page: a line's page is below 2^58
        var lastLine: UInt64 = 0
        /// The farthest line already requested in the stream's direction.
        var ahead: UInt64 = 0
        /// The next less and more recently used trackers, around a circular list.
        var older: Int32
        var newer: Int32
        var direction: Int8 = 0
        var confidence: UInt8 = 0
    }

    /// The `streams` trackers and a sentinel after them that closes their recency list
    /// (its `newer` is the least recently used tracker, its `older` the most recent), and
    /// ``StreamerStorage/buckets`` counts: count `b` is the number of tracked pages whose
    /// low bits are `b`. A request for a page whose count is 0 — nearly every new page of a
    /// random access (at most 256 of the 1024 counts are not 0) — is a miss without a
    /// scan, and takes the least recent tracker from the list, not from a scan of use
    /// stamps. Trackers never used are the least recent, by index: the order a scan for
    /// the oldest stamp took them in. Updated in place: a copy of the hierarchy calls
    /// ``makeUnique()`` before it trains (``CacheHierarchy/ownCaches()``).
    private var storage: StreamerStorage
    private let distance: UInt64
    private let pageLineShift: UInt64

    init(streams: Int, distance: Int, lineShift: UInt64) {
        storage = StreamerStorage(streams: max(streams, 1))
        self.distance = UInt64(distance)
        pageLineShift = lineShift >= 12 ? 0 : 12 - lineShift
    }

    /// Gives this copy trackers of its own.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Trains on a request for `line`; returns the lines to prefetch as `[first, last]`
    /// walked with `step` (+1 or -1), or `nil`. Inlined (mandatory) into the prefetchers'
    /// training: a random access trains twice, and a call each time cost as much as the
    /// lookup.
    @_transparent
    mutating func train(_ line: UInt64) -> (first: UInt64, last: UInt64, step: Int8)? {
        let page = line &>> pageLineShift  // pageLineShift < 64
        let tracked = storage.trackers, n = storage.streams, counts = storage.counts
        // The most recent page first: an L1 prefetch's request follows its demand's, in
        // the same page (a random access trains twice, on one page).
        var i = Int(tracked[n].older)
        if tracked[i].page != page {
            i = n
            if counts[StreamerStorage.bucket(page)] != 0 {
                i = 0
                while i < n && tracked[i].page != page { i &+= 1 }
            }
        }
        guard i < n else {
            let t = Int(tracked[n].newer)  // the least recent
            Self.use(t, tracked, sentinel: n)
            let old = tracked[t].page
            if old != .max { counts[StreamerStorage.bucket(old)] &-= 1 }
            counts[StreamerStorage.bucket(page)] &+= 1
            tracked[t].page = page
            tracked[t].lastLine = line
            tracked[t].direction = 0
            tracked[t].confidence = 0
            tracked[t].ahead = line
            return nil
        }
        Self.use(i, tracked, sentinel: n)
        let previous = tracked[i].lastLine
        guard line != previous else { return nil }
        let dir: Int8 = line > previous ? 1 : -1
        if dir == tracked[i].direction {
            tracked[i].confidence = min(tracked[i].confidence &+ 1, 15)
        } else {
            tracked[i].direction = dir
            tracked[i].confidence = 1
            tracked[i].ahead = line
        }
        tracked[i].lastLine = line
        guard tracked[i].confidence >= 2 else { return nil }
        let pageFirst = page &<< pageLineShift
        let pageLast = pageFirst + (1 &<< pageLineShift) - 1
        if dir > 0 {
            let target = min(line + distance, pageLast)
            let first = max(tracked[i].ahead, line) + 1
            guard first <= target else { return nil }
            tracked[i].ahead = target
            return (first, target, 1)
        } else {
            let target = line >= pageFirst + distance ? line - distance : pageFirst
            let from = min(tracked[i].ahead, line)
            guard from > target else { return nil }
            tracked[i].ahead = target
            return (from - 1, target, -1)
        }
    }

    /// Makes tracker `t` the most recently used: out of the list, back in before the sentinel.
    @inline(__always)
    private static func use(_ t: Int, _ tracked: UnsafeMutablePointer<Tracker>, sentinel s: Int) {
        let mostRecent = Int(tracked[s].older)
        guard t != mostRecent else { return }
        let (older, newer) = (Int(tracked[t].older), Int(tracked[t].newer))
        tracked[older].newer = Int32(truncatingIfNeeded: newer)
        tracked[newer].older = Int32(truncatingIfNeeded: older)
        tracked[t].older = Int32(truncatingIfNeeded: mostRecent)
        tracked[t].newer = Int32(truncatingIfNeeded: s)
        tracked[mostRecent].newer = Int32(truncatingIfNeeded: t)
        tracked[s].older = Int32(truncatingIfNeeded: t)
    }
}

/// The streamer's trackers and page counts (see ``StreamPrefetcher``), owned by
/// reference and copied by ``StreamPrefetcher/makeUnique()``.
final class StreamerStorage {
    let streams: Int
    /// `streams` trackers and the sentinel.
    let trackers: UnsafeMutablePointer<StreamPrefetcher.Tracker>
    /// Tracked pages by ``bucket(_:)``; 16 bits, as all 256 trackers may share one.
    let counts: UnsafeMutablePointer<UInt16>
    /// Four counts for each of the most trackers a profile may have (`streamer_streams`
    /// ≤ 256), so at least three in four are 0.
    static var buckets: Int { 1024 }

    /// The count of `page`: its low bits.
    @inline(__always)
    static func bucket(_ page: UInt64) -> Int { Int(truncatingIfNeeded: page) & (buckets &- 1) }

    init(streams n: Int) {
        streams = n
        trackers = .allocate(capacity: n + 1)
        for i in 0...n {
            (trackers + i).initialize(to: StreamPrefetcher.Tracker(older: Int32(i == 0 ? n : i - 1),
                                                                   newer: Int32(i == n ? 0 : i + 1)))
        }
        counts = .allocate(capacity: Self.buckets)
        counts.initialize(repeating: 0, count: Self.buckets)
    }

    deinit {
        trackers.deallocate()
        counts.deallocate()
    }

    /// An unshared copy.
    func copy() -> StreamerStorage {
        let c = StreamerStorage(streams: streams)
        c.trackers.update(from: trackers, count: streams + 1)
        c.counts.update(from: counts, count: Self.buckets)
        return c
    }
}
