import Histogram

/// The access-latency distribution of reads and writes, the `latency` rows.
///
/// Each access (each line of a range) costs a few distinct amounts, so the hot loop
/// only bumps a counter in a flat array of 0.1 ns buckets; the rare cost beyond the
/// array (over 3.2 µs) goes straight to an HdrHistogram. Rows fold the buckets into the
/// HdrHistogram (3 significant digits) for percentiles.
struct LatencyRecorder {
    static let bucketsPerNs = 10.0
    static let bucketCount = 32_768

    private var buckets: [UInt64]
    private var overflow: Histogram<UInt64>
    private(set) var count: UInt64 = 0
    private(set) var totalNs: Double = 0

    init() {
        buckets = [UInt64](repeating: 0, count: Self.bucketCount)
        overflow = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        overflow.autoResize = true
    }

    @inline(__always)
    mutating func record(_ ns: Double) {
        count &+= 1
        totalNs += ns
        let tenths = Int(ns * Self.bucketsPerNs + 0.5)
        if tenths < Self.bucketCount {
            buckets[tenths] &+= 1
        } else {
            _ = overflow.record(UInt64(tenths))
        }
    }

    /// The distribution in tenths of a nanosecond.
    func histogram() -> Histogram<UInt64> {
        var h = overflow
        for (tenths, n) in buckets.enumerated() where n > 0 { _ = h.record(UInt64(tenths), count: n) }
        return h
    }
}
