import GoMemSimTrace
import Foundation

/// The `key=value` parameters of `gomemsim synth KIND key=value…`, read one key at a
/// time with the type each key expects. Every read marks its key used; ``finish()``
/// rejects the keys nobody read, so a typo is an error rather than a silent default.
///
/// Values: sizes `4096`, `64KiB`, `1.5GiB` (B, KiB, MiB, GiB, TiB); durations `250ns`,
/// `10us`, `5ms`, `0.5s`; rates `1GiB` or `1GiB/s` (bytes per CPU-second); fractions
/// `0.25`; booleans `true/false/yes/no/1/0`.
public struct SynthArguments: Sendable {
    public let kind: String
    private var values: [String: String]
    private var used: Set<String> = []

    public init(kind: String, _ values: [String: String]) {
        self.kind = kind
        self.values = values
    }

    static let location = SourceLocation.record(origin: "synth", index: 0)

    private func error(_ what: String, _ key: String, _ value: String) -> TraceError {
        .expected("\(what) for \"\(key)\"", found: "\"\(value)\"", at: Self.location)
    }

    private mutating func raw(_ key: String) -> String? {
        used.insert(key)
        return values[key]
    }

    public mutating func size(_ key: String, default value: UInt64) throws(TraceError) -> UInt64 {
        guard let text = raw(key) else { return value }
        guard let bytes = SynthFormat.parseSize(text) else { throw error("a size", key, text) }
        return bytes
    }

    /// An address: a size, or hexadecimal with a `0x` prefix.
    public mutating func address(_ key: String, default value: UInt64) throws(TraceError) -> UInt64 {
        guard let text = raw(key) else { return value }
        let address = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : SynthFormat.parseSize(text)
        guard let address else { throw error("an address (0x… or a size)", key, text) }
        return address
    }

    /// A rate in bytes per CPU-second (`/s` optional).
    public mutating func rate(_ key: String, default value: UInt64) throws(TraceError) -> UInt64 {
        guard let text = raw(key) else { return value }
        let stripped = text.hasSuffix("/s") ? String(text.dropLast(2)) : text
        guard let bytes = SynthFormat.parseSize(stripped) else { throw error("a rate in bytes per second", key, text) }
        return bytes
    }

    public mutating func duration(_ key: String, default value: UInt64) throws(TraceError) -> UInt64 {
        guard let text = raw(key) else { return value }
        guard let ns = SynthFormat.parseDuration(text) else { throw error("a duration", key, text) }
        return ns
    }

    public mutating func count(_ key: String, default value: UInt64) throws(TraceError) -> UInt64 {
        guard let text = raw(key) else { return value }
        guard let number = UInt64(text.replacingOccurrences(of: "_", with: "")) else {
            throw error("a non-negative integer", key, text)
        }
        return number
    }

    public mutating func fraction(_ key: String, default value: Double) throws(TraceError) -> Double {
        guard let text = raw(key) else { return value }
        guard let number = Double(text), number >= 0, number <= 1 else {
            throw error("a fraction between 0 and 1", key, text)
        }
        return number
    }

    public mutating func positive(_ key: String, default value: Double) throws(TraceError) -> Double {
        guard let text = raw(key) else { return value }
        guard let number = Double(text), number.isFinite, number > 0 else {
            throw error("a positive number", key, text)
        }
        return number
    }

    public mutating func flag(_ key: String, default value: Bool) throws(TraceError) -> Bool {
        guard let text = raw(key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw error("true or false", key, text)
        }
    }

    public mutating func choice(_ key: String, from names: [String], default value: String) throws(TraceError) -> String {
        guard let text = raw(key) else { return value }
        guard names.contains(text) else { throw error("one of \(names.joined(separator: ", "))", key, text) }
        return text
    }

    public mutating func sizes(_ key: String, default value: SizeDistribution) throws(TraceError) -> SizeDistribution {
        guard let text = raw(key) else { return value }
        guard let sizes = SynthFormat.parseSizeDistribution(text) else {
            throw error("a size, a range MIN..MAX or a list SIZE:WEIGHT,…", key, text)
        }
        return sizes
    }

    /// The raw text of `key`, for values with their own syntax.
    public mutating func text(_ key: String) -> String? { raw(key) }

    /// Fails when a parameter was given that no read asked for.
    public func finish() throws(TraceError) {
        let unknown = values.keys.filter { !used.contains($0) }.sorted()
        if let first = unknown.first {
            throw .expected(
                "a parameter of synth \(kind) (\(used.sorted().joined(separator: ", ")))",
                found: "\"\(first)\"", at: Self.location)
        }
    }

    /// A check on values already read: fails with `expected what, found found`.
    public static func require(_ condition: Bool, _ what: String, found: String) throws(TraceError) {
        if !condition { throw .expected(what, found: found, at: location) }
    }
}

/// Text forms of sizes and durations shared by parsing and `origin` strings.
public enum SynthFormat {
    static let sizeUnits: [(suffix: String, bytes: UInt64)] = [
        ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1),
    ]
    static let durationUnits: [(suffix: String, ns: UInt64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
    ]

    /// `1GiB` for 2³⁰, `1536` for a size that is no whole number of KiB.
    public static func size(_ bytes: UInt64) -> String {
        for unit in sizeUnits where unit.bytes > 1 && bytes >= unit.bytes && bytes % unit.bytes == 0 {
            return "\(bytes / unit.bytes)\(unit.suffix)"
        }
        return "\(bytes)"
    }

    /// `10ms`, `1s`, `250ns`: the largest unit that divides exactly.
    public static func duration(_ ns: UInt64) -> String {
        if ns == 0 { return "0s" }
        for unit in durationUnits.reversed() where unit.suffix != "µs" && ns % unit.ns == 0 {
            return "\(ns / unit.ns)\(unit.suffix)"
        }
        return "\(ns)ns"
    }

    public static func parseSize(_ text: String) -> UInt64? {
        let unit = sizeUnits.first { text.hasSuffix($0.suffix) } ?? ("", 1)
        return scaled(String(text.dropLast(unit.suffix.count)), by: unit.bytes)
    }

    public static func parseDuration(_ text: String) -> UInt64? {
        if text == "0" { return 0 }
        // Longest suffix first so `ms` is not read as `s`.
        guard let unit = durationUnits.sorted(by: { $0.suffix.count > $1.suffix.count })
            .first(where: { text.hasSuffix($0.suffix) }) else { return nil }
        return scaled(String(text.dropLast(unit.suffix.count)), by: unit.ns)
    }

    /// `number × scale` for a plain decimal number (`12`, `1.5`), if it is a whole,
    /// representable result.
    static func scaled(_ number: String, by scale: UInt64) -> UInt64? {
        let digits = number.replacingOccurrences(of: "_", with: "")
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
        if let whole = UInt64(digits) {
            let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
            return overflow ? nil : product
        }
        guard let value = Double(digits) else { return nil }
        let product = (value * Double(scale)).rounded()
        guard product.isFinite, product < 0x1p63 else { return nil }
        return UInt64(product)
    }

    public static func parseSizeDistribution(_ text: String) -> SizeDistribution? {
        if text.contains(":") {
            var sizes: [SizeDistribution.WeightedSize] = []
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let bytes = parseSize(String(parts[0])), bytes > 0,
                      let weight = UInt64(parts[1]), weight > 0 else { return nil }
                sizes.append(.init(bytes: bytes, weight: weight))
            }
            return .weighted(sizes)
        }
        if let range = text.range(of: "..") {
            guard let low = parseSize(String(text[..<range.lowerBound])),
                  let high = parseSize(String(text[range.upperBound...])),
                  low > 0, low <= high else { return nil }
            return .uniform(min: low, max: high)
        }
        guard let bytes = parseSize(text), bytes > 0 else { return nil }
        return .fixed(bytes)
    }

    /// `synth:KIND key=value … seed=N`.
    static func origin(_ kind: String, _ pairs: [(String, String)], seed: UInt64) -> String {
        (["synth:\(kind)"] + pairs.map { "\($0.0)=\($0.1)" } + ["seed=\(seed)"]).joined(separator: " ")
    }
}
