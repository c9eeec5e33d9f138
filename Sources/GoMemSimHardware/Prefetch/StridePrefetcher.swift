/// An IP-less stride detector (facts §4: Intel's stride prefetcher handles strides up to
/// 2 KiB and does not cross 4 KiB pages). Without instruction pointers in the trace it
/// watches the stream of L1 misses as a whole: when the same non-zero stride is seen
/// twice in a row, it fetches the next line of the stride into L1.
struct StridePrefetcher {
    private var lastLine: UInt64 = .max
    private var lastStride: Int64 = 0
    private var confirmed = false
    private let maxStrideLines: Int64
    private let pageLineShift: UInt64

    init(lineShift: UInt64) {
        maxStrideLines = Int64(2048 >> min(lineShift, 11))
        pageLineShift = lineShift >= 12 ? 0 : 12 - lineShift
    }

    /// Trains on an L1 miss of `line`; returns a line to prefetch or `nil`.
    @inline(__always)
    mutating func train(_ line: UInt64) -> UInt64? {
        defer { lastLine = line }
        guard lastLine != .max else { return nil }
        let stride = Int64(bitPattern: line &- lastLine)
        if stride == lastStride && stride != 0 && abs(stride) <= maxStrideLines {
            confirmed = true
        } else {
            lastStride = stride
            confirmed = false
            return nil
        }
        let candidate = line &+ UInt64(bitPattern: stride)
        return candidate >> pageLineShift == line >> pageLineShift ? candidate : nil
    }
}
