import GoMemSimCore
import Histogram

/// HdrHistograms of the modelled CPU cost of each allocation, overall and per path.
struct LatencyStatistics {
    enum Path: Int, CaseIterable {
        case tiny, small, large
        var op: String {
            switch self {
            case .tiny: "alloc_tiny"
            case .small: "alloc_small"
            case .large: "alloc_large"
            }
        }
    }

    var tiny = Self.makeHistogram()
    var small = Self.makeHistogram()
    var large = Self.makeHistogram()
    var paths: [Histogram<UInt64>] { [tiny, small, large] }

    static func makeHistogram() -> Histogram<UInt64> {
        // 1 ns … 1 hour at 3 significant digits.
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000,
                          numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    mutating func record(_ path: Path, _ ns: UInt64) {
        let value = min(max(ns, 1), 3_600_000_000_000)
        switch path {
        case .tiny: _ = tiny.record(value)
        case .small: _ = small.record(value)
        case .large: _ = large.record(value)
        }
    }

    static let columns = ["op", "count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns"]

    func rows(into rows: inout ModelRows) {
        func row(_ op: String, _ h: Histogram<UInt64>) -> [FigureValue] {
            func p(_ q: Double) -> FigureValue { .int(Int64(h.valueAtPercentile(q))) }
            return [.text(op), .int(Int64(h.totalCount)), p(50), p(90), p(99), p(99.9),
                    .int(Int64(h.max)), .real(h.mean)]
        }
        var all = Self.makeHistogram()
        for path in paths { all.add(path) }
        guard all.totalCount > 0 else { return }
        rows.append(to: "latency", columns: Self.columns, row("alloc", all))
        let histograms = paths
        for path in Path.allCases where histograms[path.rawValue].totalCount > 0 {
            rows.append(to: "latency", columns: Self.columns, row(path.op, histograms[path.rawValue]))
        }
    }
}
