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

    /// Recorded values, less each path's current run (see ``record(_:_:)``).
    private var tinyRecorded = Self.makeHistogram()
    private var smallRecorded = Self.makeHistogram()
    private var largeRecorded = Self.makeHistogram()
    /// Per path, the latest value and how many allocations in a row had it, not yet in
    /// the histogram: an allocation path mostly costs the same again (same size, same
    /// zeroing), and a run added as one `record(_:count:)` leaves the histogram exactly
    /// as one `record` per allocation would (counts, total, min, max) — for a fraction
    /// of the work (the index computation was 4 % of a gc-grid replay).
    private var runs: (tiny: Run, small: Run, large: Run) = (Run(), Run(), Run())

    struct Run {
        var value: UInt64 = 0
        var count: UInt64 = 0
    }

    var tiny: Histogram<UInt64> { Self.adding(runs.tiny, to: tinyRecorded) }
    var small: Histogram<UInt64> { Self.adding(runs.small, to: smallRecorded) }
    var large: Histogram<UInt64> { Self.adding(runs.large, to: largeRecorded) }
    var paths: [Histogram<UInt64>] { [tiny, small, large] }

    private static func adding(_ run: Run, to histogram: Histogram<UInt64>) -> Histogram<UInt64> {
        var histogram = histogram
        if run.count > 0 { _ = histogram.record(run.value, count: run.count) }
        return histogram
    }

    static func makeHistogram() -> Histogram<UInt64> {
        // 1 ns … 1 hour at 3 significant digits.
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000,
                          numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    mutating func record(_ path: Path, _ ns: UInt64) {
        let value = min(max(ns, 1), 3_600_000_000_000)
        switch path {
        case .tiny: Self.record(value, run: &runs.tiny, into: &tinyRecorded)
        case .small: Self.record(value, run: &runs.small, into: &smallRecorded)
        case .large: Self.record(value, run: &runs.large, into: &largeRecorded)
        }
    }

    @inline(__always)
    private static func record(_ value: UInt64, run: inout Run, into histogram: inout Histogram<UInt64>) {
        if value == run.value {
            run.count &+= 1
            return
        }
        if run.count > 0 { _ = histogram.record(run.value, count: run.count) }
        run = Run(value: value, count: 1)
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
