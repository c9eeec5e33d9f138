import Histogram
import Testing
@testable import GoMemSimRuntime

/// The latency histograms hold pending values in a small table before recording them;
/// whatever the order and the collisions, they must end equal to histograms that
/// recorded every value as it came.
@Suite struct LatencyStatisticsTests {
    @Test func pendingValuesEndInTheSameHistograms() {
        var statistics = LatencyStatistics()
        var direct = [LatencyStatistics.makeHistogram(), LatencyStatistics.makeHistogram(),
                      LatencyStatistics.makeHistogram()]
        var seed: UInt64 = 42
        for i in 0..<20_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            // Runs of a value, ~300 distinct values (more than the table's 32 slots), and
            // values past the histogram's top, which are clamped.
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
}
