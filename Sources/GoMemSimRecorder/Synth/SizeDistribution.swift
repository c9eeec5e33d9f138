import GoMemSimTrace
/// How a generator picks object sizes.
///
/// Written `1KiB` (fixed), `64..4KiB` (uniform over the closed range) or
/// `64:3,1KiB:1` (a weighted list: here 64 B three times as often as 1 KiB).
public enum SizeDistribution: Codable, Hashable, Sendable, CustomStringConvertible {
    case fixed(UInt64)
    case uniform(min: UInt64, max: UInt64)
    case weighted([WeightedSize])

    public struct WeightedSize: Codable, Hashable, Sendable {
        public var bytes: UInt64
        public var weight: UInt64
        public init(bytes: UInt64, weight: UInt64) {
            self.bytes = bytes
            self.weight = weight
        }
    }

    /// The largest size the distribution can return.
    public var maxBytes: UInt64 {
        switch self {
        case let .fixed(bytes): bytes
        case let .uniform(_, max): max
        case let .weighted(sizes): sizes.map(\.bytes).max() ?? 0
        }
    }

    /// The smallest size the distribution can return.
    public var minBytes: UInt64 {
        switch self {
        case let .fixed(bytes): bytes
        case let .uniform(min, _): min
        case let .weighted(sizes): sizes.map(\.bytes).min() ?? 0
        }
    }

    /// The mean size in bytes.
    public var meanBytes: Double {
        switch self {
        case let .fixed(bytes): Double(bytes)
        case let .uniform(min, max): (Double(min) + Double(max)) / 2
        case let .weighted(sizes):
            Double(sizes.reduce(0) { $0 + $1.bytes * $1.weight }) / Double(sizes.reduce(0) { $0 + $1.weight })
        }
    }

    /// Draws a size; a fixed size draws no random number.
    public func sample(using random: inout Xoshiro256) -> UInt64 {
        switch self {
        case let .fixed(bytes):
            return bytes
        case let .uniform(min, max):
            return min + random.next(below: max - min + 1)
        case let .weighted(sizes):
            let total = sizes.reduce(0) { $0 + $1.weight }
            var pick = random.next(below: total)
            for size in sizes {
                if pick < size.weight { return size.bytes }
                pick -= size.weight
            }
            return sizes.last?.bytes ?? 0
        }
    }

    public var description: String {
        switch self {
        case let .fixed(bytes): SynthFormat.size(bytes)
        case let .uniform(min, max): "\(SynthFormat.size(min))..\(SynthFormat.size(max))"
        case let .weighted(sizes): sizes.map { "\(SynthFormat.size($0.bytes)):\($0.weight)" }.joined(separator: ",")
        }
    }
}
