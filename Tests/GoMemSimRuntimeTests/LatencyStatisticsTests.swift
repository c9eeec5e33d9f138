import Histogram
import Testing
@testable import GoMemSimRuntime

/// The latency statistics bin values into their own counts and build the histograms when
/// read; whatever the values, they must end equal to histograms that recorded every
/// value as it came.
@Suite struct LatencyStatisticsTests {
    @Test func pendingValuesEndInTheSameHistograms() {
        var statistics = LatencyStatistics()
        var direct = [LatencyStatistics.makeHistogram(), LatencyStatistics.makeHistogram(),
                      LatencyStatistics.makeHistogram()]
        var seed: UInt64 = 42
        for i in 0..<20_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            // Runs of a value, ~300 distinct values, and values past the histogram's top,
            // which are clamped.
            let value: UInt64 = i % 7 == 0 ? 5_000_000_000_000 : (seed >> 33) % 300 + 1
            let path = LatencyStatistics.Path(rawValue: Int(seed >> 62) % 3)!
            for _ in 0..<(i % 5 == 0 ? 3 : 1) {
                statistics.record(path, value)
                _ = direct[path.rawValue].record(min(value, 3_600_000_000_000))
            }
        }
        for path in LatencyStatistics.Path.allCases {
            let expected = direct[path.rawValue]
            let actual = statistics.paths[path.rawValue]
            #expect(statistics.count(path) == expected.totalCount)
            #expect(actual.totalCount == expected.totalCount)
            #expect(actual.max == expected.max)
            #expect(actual.min == expected.min)
            #expect(actual.mean == expected.mean)
            for q in [10.0, 50, 90, 99, 99.9] {
                #expect(actual.valueAtPercentile(q) == expected.valueAtPercentile(q))
            }
        }
        #expect(statistics.count(.tiny) + statistics.count(.small) + statistics.count(.large) == 28_000)  // 16 000 once, 4 000 three times
    }

    /// Values spread over every power of two the histograms track (and 0, recorded as
    /// 1): the binning must pick the package's bucket for each, and the exact min and max.
    @Test func binnedCountsMatchTheHistogramOverEveryMagnitude() {
        var statistics = LatencyStatistics()
        var direct = [LatencyStatistics.makeHistogram(), LatencyStatistics.makeHistogram(),
                      LatencyStatistics.makeHistogram()]
        var seed: UInt64 = 7
        for _ in 0..<50_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let magnitude = (seed >> 58) % 43  // up to 2^42, past the 1-hour top
            let value = (seed >> 16) & ((1 << magnitude) - 1) | (magnitude > 0 ? 1 << (magnitude - 1) : 0)
            let path = LatencyStatistics.Path(rawValue: Int(seed >> 8 & 3) % 3)!
            statistics.record(path, value)
            _ = direct[path.rawValue].record(min(max(value, 1), 3_600_000_000_000))
        }
        for path in LatencyStatistics.Path.allCases {
            let expected = direct[path.rawValue]
            let actual = statistics.paths[path.rawValue]
            #expect(actual == expected)  // every bucket's count, the total, min and max
            #expect(actual.maxRecorded == expected.maxRecorded)
            #expect(actual.min == expected.min)
            #expect(actual.mean == expected.mean)
            #expect(statistics.count(path) == expected.totalCount)
        }
    }

    /// Counts are kept in 16 bits: a bucket's count past 2^16 − 1 carries into its high
    /// bits, so the histogram still holds the full count.
    @Test func bucketCountCarriesPastItsLowBits() {
        var statistics = LatencyStatistics()
        let index = LatencyStatistics.countsIndex(300)
        for _ in 0..<65_536 * 3 + 5 { statistics.record(.small, 300) }
        #expect(statistics.count(.small, bucket: index) == 65_536 * 3 + 5)
        #expect(statistics.count(.small, bucket: index + 1) == 0)
        #expect(statistics.count(.tiny, bucket: index) == 0)
        #expect(statistics.small.countForValue(300) == 65_536 * 3 + 5)
        var huge = LatencyStatistics()
        for _ in 0..<65_536 { huge.record(.large, 7) }
        huge.setLowCount(.large, bucket: 7, to: .max)  // as if 2 * 65,536 − 1 recorded
        huge.record(.large, 7)
        #expect(huge.count(.large, bucket: 7) == 2 * 65_536)
    }

    /// Values under 2048 keep no min, max or count of their own: they are read off their
    /// unit-wide buckets. Each mix of narrow and wide values must still give the exact
    /// count, min and max — narrow only, wide only, narrow min with wide max, and 0
    /// recorded as 1.
    @Test func extremesOfNarrowValuesComeFromTheirBuckets() {
        var statistics = LatencyStatistics()
        for value: UInt64 in [700, 3, 2047, 3] { statistics.record(.tiny, value) }
        for value: UInt64 in [5000, 2048, 90_000] { statistics.record(.large, value) }
        for value: UInt64 in [0, 150, 2049, 1999] { statistics.record(.small, value) }
        #expect(statistics.count(.tiny) == 4 && statistics.count(.large) == 3 && statistics.count(.small) == 4)
        #expect(statistics.tiny.min == 3 && statistics.tiny.maxRecorded == 2047)
        #expect(statistics.large.min == 2048 && statistics.large.maxRecorded == 90_000)
        #expect(statistics.small.min == 1 && statistics.small.maxRecorded == 2049)
        #expect(statistics.tiny.countForValue(3) == 2)
        var direct = LatencyStatistics.makeHistogram()
        for value: UInt64 in [1, 150, 2049, 1999] { _ = direct.record(value) }
        #expect(statistics.small == direct)
        #expect(statistics.small.mean == direct.mean)
        #expect(LatencyStatistics().count(.small) == 0 && LatencyStatistics().small.totalCount == 0)
    }

    /// The package's bucket rule, spot-checked: unit buckets up to 2047, then 1024 per
    /// power of two, and each bucket's lowest value maps back to it.
    @Test func bucketIndexFollowsTheHistogramRule() {
        #expect(LatencyStatistics.countsIndex(1) == 1)
        #expect(LatencyStatistics.countsIndex(2047) == 2047)
        #expect(LatencyStatistics.countsIndex(2048) == 2048)
        #expect(LatencyStatistics.countsIndex(2049) == 2048)  // 2-wide buckets from 2048
        #expect(LatencyStatistics.countsIndex(2050) == 2049)
        #expect(LatencyStatistics.countsIndex(4096) == 3072)
        for index in [1, 1023, 1024, 2047, 2048, 3071, 3072, 20_000, LatencyStatistics.countsPerPath - 1] {
            #expect(LatencyStatistics.countsIndex(LatencyStatistics.lowestValue(ofBucket: index)) == index)
        }
    }
}
