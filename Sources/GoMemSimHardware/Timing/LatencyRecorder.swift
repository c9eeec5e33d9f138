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

    /// Updated in place without a uniqueness check: a copy calls ``makeUnique()`` before
    /// it records (``CacheHierarchy`` does, once per copy), instead of a check per access.
    private var buckets: CacheStorage
    private var overflow: Histogram<UInt64>
    private(set) var count: UInt64 = 0
    /// The sum of the recorded times, added in order (a run of accesses keeps it in a local
    /// across its same-line repeats and stores it back: ``CacheHierarchy/access(_:pageShift:)``).
    var totalNs: Double = 0
    /// The two fixed costs of a same-line repeat (dependent, independent) and how many
    /// of each were recorded: counted in scalars on the fast path and folded into their
    /// bucket when the histogram is made.
    private let repeatNs: (dependent: Double, independent: Double)
    private var repeats: (dependent: UInt64, independent: UInt64) = (0, 0)

    init(repeatNs: (dependent: Double, independent: Double) = (0, 0)) {
        self.repeatNs = repeatNs
        buckets = CacheStorage(words: Self.bucketCount)
        overflow = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
        overflow.autoResize = true
    }

    /// Gives this copy buckets of its own.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&buckets) { buckets = buckets.copy() }
    }

    @inline(__always)
    mutating func record(_ ns: Double) {
        count &+= 1
        totalNs += ns
        // The bucket is the rounded tenths, `Int(ns * 10 + 0.5)`; the range test comes
        // first (times are not negative), so the conversion needs no check of its own.
        let tenths = ns * Self.bucketsPerNs + 0.5
        if tenths < Double(Self.bucketCount) {
            buckets.words[Int(truncatedInRange(tenths))] &+= 1
        } else {
            _ = overflow.record(UInt64(tenths))
        }
    }

    /// Adds a same-line repeat's time, `repeatNs.dependent` or `.independent` (`ns`), to
    /// the total, in order: the caller counts the repeats and folds them in with
    /// ``addingRepeats(_:)`` (`record(ns)` is both).
    @inline(__always)
    mutating func addRepeatNs(_ ns: Double) {
        totalNs += ns
    }

    /// This recorder with `n` more same-line repeats counted (their time is in `totalNs`).
    func addingRepeats(_ n: (dependent: UInt64, independent: UInt64)) -> LatencyRecorder {
        var r = self
        r.count &+= n.dependent &+ n.independent
        r.repeats.dependent &+= n.dependent
        r.repeats.independent &+= n.independent
        return r
    }

    /// The distribution in tenths of a nanosecond.
    func histogram() -> Histogram<UInt64> {
        var h = overflow
        var all = Array(UnsafeBufferPointer(start: buckets.words, count: Self.bucketCount))
        for (ns, n) in [(repeatNs.dependent, repeats.dependent), (repeatNs.independent, repeats.independent)] where n > 0 {
            let tenths = Int(ns * Self.bucketsPerNs + 0.5)
            if tenths < Self.bucketCount { all[tenths] &+= n } else { _ = h.record(UInt64(tenths), count: n) }
        }
        for (tenths, n) in all.enumerated() where n > 0 { _ = h.record(UInt64(tenths), count: n) }
        return h
    }
}
