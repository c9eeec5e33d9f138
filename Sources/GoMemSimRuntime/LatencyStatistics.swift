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

    // The histograms hold every value but the pending ones below.
    private var recordedTiny = Self.makeHistogram()
    private var recordedSmall = Self.makeHistogram()
    private var recordedLarge = Self.makeHistogram()
    /// Values not yet in their histogram, counted per (path, value) in a small
    /// direct-mapped table: a program's allocations take a few distinct costs over and
    /// over (one per size class, path and zeroing), and adding a count once per run of a
    /// value saves the histogram's index computation per allocation (~10 % of the
    /// allocator bench with a single pending value, as the churn alternates sizes; its
    /// ~40 costs collide too often in 32 slots). Recording is commutative (bucket
    /// counts, total, min, max), so the histograms end the same.
    private var pending = InlineArray<64, PendingValue>(repeating: PendingValue())

    /// A value (with its path in the top byte, see ``key(_:_:)``) and how many times it
    /// is pending.
    private struct PendingValue {
        var key: UInt64 = 0
        var count: UInt64 = 0
    }

    /// Each path's histogram, every value recorded.
    var tiny: Histogram<UInt64> { histogram(.tiny) }
    var small: Histogram<UInt64> { histogram(.small) }
    var large: Histogram<UInt64> { histogram(.large) }
    var paths: [Histogram<UInt64>] { [tiny, small, large] }

    static func makeHistogram() -> Histogram<UInt64> {
        // 1 ns … 1 hour at 3 significant digits.
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestValue,
                          numberOfSignificantValueDigits: .three)
    }

    private static let highestValue: UInt64 = 3_600_000_000_000

    /// Values are below 2^42 (``highestValue``): the path fits above them.
    @inline(__always)
    private static func key(_ path: Path, _ value: UInt64) -> UInt64 { UInt64(path.rawValue) << 56 | value }

    @inline(__always)
    mutating func record(_ path: Path, _ ns: UInt64) {
        let key = Self.key(path, min(max(ns, 1), Self.highestValue))
        let slot = Int((key &* 0x9E37_79B9_7F4A_7C15) >> 58)  // Fibonacci hashing into 64 slots
        if pending[slot].key == key {
            pending[slot].count &+= 1
            return
        }
        flush(pending[slot])
        pending[slot] = PendingValue(key: key, count: 1)
    }

    /// Values recorded on `path`.
    func count(_ path: Path) -> UInt64 {
        var count = recorded(path).totalCount
        for slot in pending.indices where pending[slot].count > 0 && Self.path(of: pending[slot]) == path {
            count += pending[slot].count
        }
        return count
    }

    private static func path(of value: PendingValue) -> Path { Path(rawValue: Int(value.key >> 56)) ?? .large }

    private mutating func flush(_ value: PendingValue) {
        guard value.count > 0 else { return }
        let ns = value.key & (1 << 56 - 1)
        switch Self.path(of: value) {
        case .tiny: _ = recordedTiny.record(ns, count: value.count)
        case .small: _ = recordedSmall.record(ns, count: value.count)
        case .large: _ = recordedLarge.record(ns, count: value.count)
        }
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
        for slot in pending.indices where pending[slot].count > 0 && Self.path(of: pending[slot]) == path {
            _ = histogram.record(pending[slot].key & (1 << 56 - 1), count: pending[slot].count)
        }
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
