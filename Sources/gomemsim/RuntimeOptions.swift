import ArgumentParser
import GoMemSimEngine

/// Go runtime settings, named as Go names them; shared by `replay`, `sweep` and `compare`.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "GOGC: a percentage or 'off'.")
    var gogc: String = "100"

    @Option(help: "GOMEMLIMIT: bytes with an optional B/KiB/MiB/GiB/TiB suffix, or 'none'.")
    var gomemlimit: String = "none"

    @Option(help: "GOMAXPROCS.")
    var gomaxprocs: Int = 2

    @Option(help: "GODEBUG settings, e.g. madvdontneed=0.")
    var godebug: String = ""

    @Option(help: "Machine profile: a preset (default, skylake-sp, zen3, zen4, tiny) or a JSON file.")
    var profile: String = "default"

    @Option(help: "Go runtime model: 'go' (the Go 1.19 allocator, scavenger and GC) or 'idealized' (the gc-guide cost model).")
    var runtimeModel: String = "go"

    @Flag(help: "Leave out the cache/TLB model (faster; accesses then cost no modelled time).")
    var noHardware = false

    @Option(help: "Interval of the periodic samples, e.g. 10ms.")
    var sampleInterval: String = "10ms"

    /// The run configuration these options describe; bad values are validation errors
    /// (exit status 2).
    func runConfig() throws -> RunConfig {
        var config = RunConfig()
        config.gogc = try Self.parseGOGC(gogc)
        config.memoryLimit = try Self.parseMemoryLimit(gomemlimit)
        guard gomaxprocs >= 1 else { throw ValidationError("--gomaxprocs must be at least 1, found \(gomaxprocs)") }
        config.gomaxprocs = gomaxprocs
        config.godebug = try Self.parseGODEBUG(godebug)
        config.profile = profile
        guard let model = RuntimeModelKind(rawValue: runtimeModel) else {
            throw ValidationError("--runtime-model: expected go or idealized, found \"\(runtimeModel)\"")
        }
        config.runtimeModel = model
        config.hardware = !noHardware
        guard let interval = Quantity.duration(sampleInterval), interval > 0 else {
            throw ValidationError("--sample-interval: expected a duration such as 10ms, found \"\(sampleInterval)\"")
        }
        config.sampleIntervalNs = interval
        return config
    }

    static func parseGOGC(_ text: String) throws -> Int32? {
        if text == "off" { return nil }
        guard let value = Int32(text) else { throw ValidationError("GOGC: expected a percentage or off, found \"\(text)\"") }
        return value < 0 ? nil : value  // as readGOGC: a negative value turns the GC off
    }

    static func parseMemoryLimit(_ text: String) throws -> UInt64? {
        if text == "none" || text == "off" { return nil }
        guard let bytes = Quantity.bytes(text) else {
            throw ValidationError("GOMEMLIMIT: expected bytes with an optional KiB/MiB/GiB/TiB suffix or none, found \"\(text)\"")
        }
        return bytes
    }

    static func parseGODEBUG(_ text: String) throws -> [String: String] {
        var settings: [String: String] = [:]
        for item in text.split(separator: ",") where !item.isEmpty {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw ValidationError("GODEBUG: expected name=value, found \"\(item)\"") }
            settings[String(pair[0])] = String(pair[1])
        }
        return settings
    }
}

/// Sizes and durations as the options spell them (the trace format's suffixes).
enum Quantity {
    static func bytes(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = UInt64(text.dropLast(suffix.count)) else { return nil }
            let (product, overflow) = n.multipliedReportingOverflow(by: scale)
            return overflow ? nil : product
        }
        return UInt64(text)
    }

    static func duration(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = UInt64(text.dropLast(suffix.count)) else { continue }
            let (product, overflow) = n.multipliedReportingOverflow(by: scale)
            return overflow ? nil : product
        }
        return nil
    }
}
