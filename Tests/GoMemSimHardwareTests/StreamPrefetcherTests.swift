@testable import GoMemSimHardware
import Testing

// The L2 streamer keeps its trackers in a recency list; the rule it must follow is the
// one it was first written with: on a page it does not track, take the tracker with the
// oldest use stamp (the first such by index while some were never used). The reference
// below is that first form, kept as the specification.

/// The streamer as first written: six arrays, a use stamp per tracker, a scan for the oldest.
private struct ReferenceStreamer {
    var pages: [UInt64], lastLine: [UInt64], direction: [Int8], confidence: [UInt8], ahead: [UInt64], stamps: [UInt64]
    var clock: UInt64 = 0
    let distance: UInt64, pageLineShift: UInt64

    init(streams: Int, distance: Int, lineShift: UInt64) {
        pages = Array(repeating: .max, count: streams)
        lastLine = Array(repeating: 0, count: streams)
        direction = Array(repeating: 0, count: streams)
        confidence = Array(repeating: 0, count: streams)
        ahead = Array(repeating: 0, count: streams)
        stamps = Array(repeating: 0, count: streams)
        self.distance = UInt64(distance)
        pageLineShift = lineShift >= 12 ? 0 : 12 - lineShift
    }

    mutating func train(_ line: UInt64) -> (first: UInt64, last: UInt64, step: Int8)? {
        let page = line >> pageLineShift
        clock += 1
        var t = -1, oldest = 0
        for i in 0..<pages.count {
            if pages[i] == page { t = i; break }
            if stamps[i] < stamps[oldest] { oldest = i }
        }
        guard t >= 0 else {
            (pages[oldest], lastLine[oldest], direction[oldest], confidence[oldest]) = (page, line, 0, 0)
            (ahead[oldest], stamps[oldest]) = (line, clock)
            return nil
        }
        stamps[t] = clock
        let previous = lastLine[t]
        guard line != previous else { return nil }
        let dir: Int8 = line > previous ? 1 : -1
        if dir == direction[t] {
            confidence[t] = min(confidence[t] + 1, 15)
        } else {
            (direction[t], confidence[t], ahead[t]) = (dir, 1, line)
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
        }
        let target = line >= pageFirst + distance ? line - distance : pageFirst
        let from = min(ahead[t], line)
        guard from > target else { return nil }
        ahead[t] = target
        return (from - 1, target, -1)
    }
}

/// Requests that mix forward and backward runs in a few pages (so streams form and
/// their prefetches run out at page ends) with jumps to many other pages (so trackers
/// are replaced, in use order and, early on, in index order).
private func requests(pages: UInt64, count: Int, seed: UInt64) -> [UInt64] {
    var state = seed
    var line: UInt64 = 1 << 20
    return (0..<count).map { _ in
        let r = SplitMix64.next(&state)
        switch r & 7 {
        case 0, 1: line &+= 1
        case 2: line &-= 1
        case 3: line &+= 2
        case 4: line = (1 << 20) &+ (r >> 8) % (pages * 64)  // another page, from a wider set
        default: line = (1 << 20) &+ (r >> 8) % 256              // one of the first four pages
        }
        return line
    }
}

@Test(arguments: [(1, 16), (4, 16), (32, 16), (32, 64), (256, 20)])
func theStreamerReplacesTrackersAsTheStampScanDid(streams: Int, distance: Int) {
    for pages: UInt64 in [3, 40, 600] {
        var streamer = StreamPrefetcher(streams: streams, distance: distance, lineShift: 6)
        var reference = ReferenceStreamer(streams: streams, distance: distance, lineShift: 6)
        var prefetches = 0
        for (i, line) in requests(pages: pages, count: 20_000, seed: pages &* 31 &+ UInt64(streams)).enumerated() {
            let got = streamer.train(line), want = reference.train(line)
            #expect(got?.first == want?.first && got?.last == want?.last && got?.step == want?.step,
                    "streams \(streams) pages \(pages) request \(i)")
            if want != nil { prefetches += 1 }
            if got?.first != want?.first { return }
        }
        #expect(prefetches > 100, "the requests form streams (streams \(streams), pages \(pages))")
    }
}

/// 256 trackers on 256 pages that share every low bit the page counts are kept by: the
/// count of that bucket reaches 256 (which an 8-bit count wrapped to 0, so a tracked page
/// read as untracked and lost its stream). Each round requests the next line of every
/// page; all pages stay tracked, so from the third round each request extends a stream.
@Test func aBucketCanCountEveryTracker() {
    var streamer = StreamPrefetcher(streams: 256, distance: 16, lineShift: 6)
    var reference = ReferenceStreamer(streams: 256, distance: 16, lineShift: 6)
    var prefetches = 0
    for round: UInt64 in 0..<4 {
        for k: UInt64 in 0..<256 {
            let line = (k &* 4096) &<< 6 &+ round  // page k * 4096, line `round` of it
            let got = streamer.train(line), want = reference.train(line)
            #expect(got?.first == want?.first && got?.last == want?.last && got?.step == want?.step,
                    "round \(round) page \(k)")
            if got != nil { prefetches += 1 }
        }
    }
    #expect(prefetches == 512)  // rounds 2 and 3: every page's stream confirmed
}
