/// The L2 streamer (Intel optimization manual, hardware prefetch section; facts §4):
/// it watches the requests that reach L2 — demand misses and L1 prefetches — per
/// 4 KiB page, and once two successive requests in a page move the same way it runs
/// `distance` lines ahead of the latest one, never past the page (physical contiguity
/// beyond it is unknown). It tracks a fixed number of pages, replacing the least
/// recently used tracker.
struct StreamPrefetcher {
    private var pages: [UInt64]
    private var lastLine: [UInt64]
    private var direction: [Int8]
    private var confidence: [UInt8]
    /// The farthest line already requested in the stream's direction.
    private var ahead: [UInt64]
    private var stamps: [UInt64]
    private var clock: UInt64 = 0
    private let distance: UInt64
    private let pageLineShift: UInt64

    init(streams: Int, distance: Int, lineShift: UInt64) {
        pages = [UInt64](repeating: .max, count: streams)
        lastLine = [UInt64](repeating: 0, count: streams)
        direction = [Int8](repeating: 0, count: streams)
        confidence = [UInt8](repeating: 0, count: streams)
        ahead = [UInt64](repeating: 0, count: streams)
        stamps = [UInt64](repeating: 0, count: streams)
        self.distance = UInt64(distance)
        pageLineShift = lineShift >= 12 ? 0 : 12 - lineShift
    }

    /// Trains on a request for `line`; returns the lines to prefetch as `[first, last]`
    /// walked with `step` (+1 or -1), or `nil`.
    mutating func train(_ line: UInt64) -> (first: UInt64, last: UInt64, step: Int8)? {
        let page = line >> pageLineShift
        clock &+= 1
        var t = -1
        var oldest = 0
        for i in 0..<pages.count {
            if pages[i] == page { t = i; break }
            if stamps[i] < stamps[oldest] { oldest = i }
        }
        guard t >= 0 else {
            pages[oldest] = page
            lastLine[oldest] = line
            direction[oldest] = 0
            confidence[oldest] = 0
            ahead[oldest] = line
            stamps[oldest] = clock
            return nil
        }
        stamps[t] = clock
        let previous = lastLine[t]
        guard line != previous else { return nil }
        let dir: Int8 = line > previous ? 1 : -1
        if dir == direction[t] {
            confidence[t] = min(confidence[t] &+ 1, 15)
        } else {
            direction[t] = dir
            confidence[t] = 1
            ahead[t] = line
        }
        lastLine[t] = line
        guard confidence[t] >= 2 else { return nil }
        let pageFirst = page << pageLineShift
        let pageLast = pageFirst + (1 << pageLineShift) - 1
        if dir > 0 {
            let target = min(line + distance, pageLast)
            let first = max(ahead[t], line) + 1
            guard first <= target else { return nil }
            ahead[t] = target
            return (first, target, 1)
        } else {
            let target = line >= pageFirst + distance ? line - distance : pageFirst
            let from = min(ahead[t], line)
            guard from > target else { return nil }
            ahead[t] = target
            return (from - 1, target, -1)
        }
    }
}
