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
            sizes.reduce(0) { $0 + Double($1.bytes) * Double($1.weight) } / sizes.reduce(0) { $0 + Double($1.weight) }
        }
    }

    /// Fails unless every size is at least 1 B, a range is ordered, and a list is
    /// non-empty with positive weights whose sum fits in 64 bits.
    public func validate() throws(TraceError) {
        switch self {
        case let .fixed(bytes):
            try SynthArguments.require(bytes >= 1, "an object size of at least 1 B", found: "0")
        case let .uniform(min, max):
            try SynthArguments.require(min >= 1 && min <= max && max < UInt64.max, "a size range 1 ≤ MIN ≤ MAX",
                                       found: description)
        case let .weighted(sizes):
            var total: UInt64 = 0
            for size in sizes {
                let (sum, overflow) = total.addingReportingOverflow(size.weight)
                try SynthArguments.require(size.bytes >= 1 && size.weight >= 1 && !overflow,
                                           "sizes of at least 1 B with positive weights", found: description)
                total = sum
            }
            try SynthArguments.require(!sizes.isEmpty, "at least one size", found: "none")
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
