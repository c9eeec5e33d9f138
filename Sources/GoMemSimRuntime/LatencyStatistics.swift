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

    // The histograms hold every value but the pending run below.
    private var recordedTiny = Self.makeHistogram()
    private var recordedSmall = Self.makeHistogram()
    private var recordedLarge = Self.makeHistogram()
    /// A run of equal values on one path not yet in its histogram: most allocations of a
    /// program cost the same as the one before (same size, same path), and recording
    /// the run at once (`record(_:count:)`, the same counts, total, min and max) saves
    /// the histogram's index computation per allocation (measured: ~1.5 % of a replay).
    private var pendingPath = Path.tiny
    private var pendingValue: UInt64 = 0
    private var pendingCount: UInt64 = 0

    /// Each path's histogram, every value recorded.
    var tiny: Histogram<UInt64> { histogram(.tiny) }
    var small: Histogram<UInt64> { histogram(.small) }
    var large: Histogram<UInt64> { histogram(.large) }
    var paths: [Histogram<UInt64>] { [tiny, small, large] }

    static func makeHistogram() -> Histogram<UInt64> {
        // 1 ns … 1 hour at 3 significant digits.
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000,
                          numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    mutating func record(_ path: Path, _ ns: UInt64) {
        let value = min(max(ns, 1), 3_600_000_000_000)
        if value == pendingValue && path == pendingPath {
            pendingCount &+= 1
            return
        }
        flush()
        pendingPath = path
        pendingValue = value
        pendingCount = 1
    }

    /// Values recorded on `path`.
    func count(_ path: Path) -> UInt64 {
        recorded(path).totalCount + (path == pendingPath ? pendingCount : 0)
    }

    private mutating func flush() {
        guard pendingCount > 0 else { return }
        switch pendingPath {
        case .tiny: _ = recordedTiny.record(pendingValue, count: pendingCount)
        case .small: _ = recordedSmall.record(pendingValue, count: pendingCount)
        case .large: _ = recordedLarge.record(pendingValue, count: pendingCount)
        }
        pendingCount = 0
    }

    private func recorded(_ path: Path) -> Histogram<UInt64> {
        switch path {
        case .tiny: recordedTiny
        case .small: recordedSmall
        case .large: recordedLarge
        }
    }

    private func histogram(_ path: Path) -> Histogram<UInt64> {
        var histogram = recorded(path)
        if path == pendingPath && pendingCount > 0 { _ = histogram.record(pendingValue, count: pendingCount) }
        return histogram
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
