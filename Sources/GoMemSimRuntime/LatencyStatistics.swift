import GoMemSimCore
import Histogram

/// HdrHistograms of the modelled CPU cost of each allocation, overall and per path.
///
/// Recording bins a value the way the `Histogram` package does (1 ns … 1 hour at 3
/// significant digits: 2048 unit-wide sub-buckets, then 1024 per power of two) into one
/// flat array of counts; the `Histogram<UInt64>` values are built only when read (rows
/// at the end of a run). Recording into the package's histograms cost ~240 instructions
/// per allocation (its index arithmetic through unspecialised accessors, a copy-on-write
/// check per count); this is a few. The histograms built are identical — same counts,
/// total, min, max — since a bucket's count is all a histogram keeps of its values, and
/// the min and max are exact:
///
/// A value under 2048 (``exactLimit``; nearly every allocation's) has a bucket of its
/// own, whose index is the value: its bucket count is all there is to know of it, so
/// the min and max of such values are read off the counts when a histogram is built,
/// and recording one is a compare and an increment. Only wider values — in buckets of
/// several values — keep their path's exact min and max aside; a path's count is the
/// sum of its buckets' counts. Keeping every value's count, min and max per allocation
/// was ~10 instructions of the allocation path (callgrind, allocator replay at 10 K
/// live).
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

    /// Each path's ``countsPerPath`` bucket counts, one path after the other: their low
    /// 16 bits (the rest in ``highCounts``). (An ``UnsafeTable``: written per allocation,
    /// see there.) 16-bit counts make the table the allocations spread over — ~2,500
    /// buckets for sizes 16…1039 B, at random — a quarter of 64-bit counts' and mostly
    /// L1-resident: the count's increment missed L1 on ~0.8 allocations in 1 with 64-bit
    /// counts, ~0.55 with 32-bit ones (callgrind, allocator replay at 10 K live).
    private var counts = UnsafeTable<UInt16>(repeating: 0, count: Path.allCases.count * Self.countsPerPath)
    /// Each count's bits above the 16 in ``counts`` (written once per 65,536 values of a
    /// bucket, so its lines stay out of the host's caches).
    private var highCounts = UnsafeTable<UInt64>(repeating: 0, count: Path.allCases.count * Self.countsPerPath)
    /// Each path's exact min and max of the values of ``exactLimit`` and more (count
    /// unused).
    private var wide = InlineArray<3, Extremes>(repeating: Extremes())

    private struct Extremes {
        var count: UInt64 = 0
        var min: UInt64 = .max
        var max: UInt64 = 0
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

    // The package's bucket rule for `makeHistogram()`'s parameters (Histogram.swift
    // `countsIndexForValue`): unitMagnitude 0; 3 digits need unit resolution up to 2000,
    // so subBucketCount = 2048 (magnitude 11, half-count magnitude 10) and
    // leadingZeroCountBase = 64 − 0 − 11 = 53.
    private static let subBucketHalfCountMagnitude = 10
    private static let subBucketMask: UInt64 = 2047
    private static let leadingZeroCountBase = 53

    /// The bucket (counts index) of `value`: its power-of-two bucket from the leading
    /// zeros, then its top 11 bits; `(bucket + 1) << 10 + sub − 1024` simplified.
    @inline(__always)
    static func countsIndex(_ value: UInt64) -> Int {
        let bucket = leadingZeroCountBase &- (value | subBucketMask).leadingZeroBitCount
        return bucket &<< subBucketHalfCountMagnitude &+ Int(truncatingIfNeeded: value &>> UInt64(bucket))
    }

    /// The lowest value of bucket `index` (the package's `valueFromIndex`).
    static func lowestValue(ofBucket index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var sub = (index & (1 << subBucketHalfCountMagnitude - 1)) + 1 << subBucketHalfCountMagnitude
        if bucket < 0 {
            sub -= 1 << subBucketHalfCountMagnitude
            bucket = 0
        }
        return UInt64(sub) << UInt64(bucket)
    }

    /// Values are clamped to `1...highestValue`, so every index is below this.
    static let countsPerPath = countsIndex(highestValue) + 1

    /// Values below this have a unit-wide bucket whose index is the value (the
    /// sub-bucket count, 2048: see ``countsIndex(_:)``).
    static let exactLimit: UInt64 = subBucketMask + 1

    @inline(__always)
    mutating func record(_ path: Path, _ ns: UInt64) {
        let bucket: Int
        if ns < Self.exactLimit {
            bucket = Int(truncatingIfNeeded: max(ns, 1))  // 0 is recorded as 1, the lowest value
        } else {
            // A wide bucket: the exact min and max of such values are kept aside.
            let value = min(ns, Self.highestValue)
            bucket = Self.countsIndex(value)
            if value < wide[path.rawValue].min { wide[path.rawValue].min = value }
            if value > wide[path.rawValue].max { wide[path.rawValue].max = value }
        }
        // Every value is at most highestValue: its bucket is below countsPerPath, the
        // index in range.
        let index = path.rawValue &* Self.countsPerPath &+ bucket
        counts[unchecked: index] &+= 1
        if counts[unchecked: index] == 0 { highCounts[unchecked: index] &+= 1 }
    }

    /// `path`'s count, min and max over every value recorded: the count summed over its
    /// buckets, the min and max of the narrow values read off theirs (see
    /// ``exactLimit``), those of the wide ones kept aside.
    private func extremes(_ path: Path) -> Extremes {
        var extremes = wide[path.rawValue]
        var lowest = 0, highest = 0
        for index in 1..<Self.countsPerPath {  // bucket 0 stays empty: 0 is recorded as 1
            let count = count(path, bucket: index)
            guard count > 0 else { continue }
            extremes.count += count
            if index < Int(Self.exactLimit) {
                if lowest == 0 { lowest = index }
                highest = index
            }
        }
        guard highest > 0 else { return extremes }
        extremes.min = UInt64(lowest)  // below every wide value
        if extremes.max == 0 { extremes.max = UInt64(highest) }  // no wide value
        return extremes
    }

    /// Bucket `index`'s count on `path`.
    func count(_ path: Path, bucket index: Int) -> UInt64 {
        let i = path.rawValue * Self.countsPerPath + index
        return UInt64(counts[i]) | highCounts[i] << 16
    }

    /// Sets bucket `index`'s low 16 bits on `path` (tests: a count about to wrap).
    mutating func setLowCount(_ path: Path, bucket index: Int, to count: UInt16) {
        counts[path.rawValue * Self.countsPerPath + index] = count
    }

    /// Values recorded on `path`.
    func count(_ path: Path) -> UInt64 { extremes(path).count }

    /// The histogram of `path`'s values: each bucket's count recorded at a value of the
    /// bucket — the exact min in the min's bucket, the exact max once in the max's — so
    /// counts, total, min and max are those of recording every value.
    private func histogram(_ path: Path) -> Histogram<UInt64> {
        var histogram = Self.makeHistogram()
        let extremes = extremes(path)
        guard extremes.count > 0 else { return histogram }
        let minIndex = Self.countsIndex(extremes.min), maxIndex = Self.countsIndex(extremes.max)
        for index in minIndex...maxIndex {
            var count = count(path, bucket: index)
            guard count > 0 else { continue }
            if index == maxIndex {
                _ = histogram.record(extremes.max)
                count -= 1
            }
            if count > 0 {
                _ = histogram.record(index == minIndex ? extremes.min : Self.lowestValue(ofBucket: index), count: count)
            }
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
        let histograms = paths
        var all = Self.makeHistogram()
        for path in histograms { all.add(path) }
        guard all.totalCount > 0 else { return }
        rows.append(to: "latency", columns: Self.columns, row("alloc", all))
        for path in Path.allCases where histograms[path.rawValue].totalCount > 0 {
            rows.append(to: "latency", columns: Self.columns, row(path.op, histograms[path.rawValue]))
        }
    }
}
