import ArgumentParser
import GoMemSimBatch
import GoMemSimEngine

/// Go runtime settings, named as Go names them; shared by `replay` and `sweep`. `replay`
/// takes one value of each; `sweep` takes comma-separated lists of GOGC, GOMEMLIMIT,
/// GOMAXPROCS and profile (the axes of its grid). An option left out takes its default,
/// or for `sweep` the grid file's value (`nil` here means "not given").
struct RuntimeOptions: ParsableArguments {
    @Option(help: "GOGC: a percentage or 'off' (default 100).")
    var gogc: String?

    @Option(help: "GOMEMLIMIT: bytes with an optional B/KiB/MiB/GiB/TiB suffix, or 'none' (default none).")
    var gomemlimit: String?

    @Option(help: "GOMAXPROCS (default 2).")
    var gomaxprocs: String?

    @Option(help: "GODEBUG settings, e.g. madvdontneed=0.")
    var godebug: String?

    @Option(help: "Machine profile: a preset (default, skylake-sp, zen3, zen4, tiny) or a JSON file (default: default).")
    var profile: String?

    @Option(help: "Go runtime model: 'go' (the Go 1.19 allocator, scavenger and GC) or 'idealized' (the gc-guide cost model); default go.")
    var runtimeModel: String?

    @Flag(help: "Leave out the cache/TLB model (faster; accesses then cost no modelled time).")
    var noHardware = false

    @Option(help: "Interval of the periodic samples, e.g. 10ms (default 10ms).")
    var sampleInterval: String?

    /// The run configuration these options describe; bad values are validation errors
    /// (exit status 2).
    func runConfig() throws -> RunConfig {
        var config = try baseConfig()
        config.gogc = try Self.parseGOGC(gogc ?? "100")
        config.memoryLimit = try Self.parseMemoryLimit(gomemlimit ?? "none")
        config.gomaxprocs = try Self.parseGOMAXPROCS(gomaxprocs ?? "2")
        config.profile = profile ?? "default"
        return config
    }

    /// The settings every point of a sweep shares (all but GOGC, GOMEMLIMIT, GOMAXPROCS
    /// and profile), from these options, else from `file`, else the defaults.
    func baseConfig(file: SweepGridFile? = nil) throws -> RunConfig {
        var config = RunConfig()
        config.godebug = try Self.parseGODEBUG(godebug ?? file?.godebug ?? "")
        let modelName = runtimeModel ?? file?.runtimeModel ?? "go"
        guard let model = RuntimeModelKind(rawValue: modelName) else {
            throw ValidationError("--runtime-model: expected go or idealized, found \"\(modelName)\"")
        }
        config.runtimeModel = model
        config.hardware = !noHardware && (file?.hardware ?? true)
        let intervalText = sampleInterval ?? file?.sampleInterval ?? "10ms"
        guard let interval = Quantity.duration(intervalText), interval > 0 else {
            throw ValidationError("--sample-interval: expected a duration such as 10ms, found \"\(intervalText)\"")
        }
        config.sampleIntervalNs = interval
        if let seed = file?.seed { config.seed = seed }
        return config
    }

    /// The sweep grid over `inputs`: each axis from its option (a comma-separated list),
    /// else from `file`, else the single default.
    func grid(inputs: [String], file: SweepGridFile?) throws -> SweepGrid {
        let base = try baseConfig(file: file)
        func list(_ option: String?, _ fromFile: [String]?, _ fallback: String) -> [String] {
            option.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
                ?? fromFile ?? [fallback]
        }
        let specs = (file?.inputs ?? []) + inputs
        var grid: SweepGrid
        do {
            grid = SweepGrid(inputs: try specs.map { try TraceInput($0, seed: base.seed) })
        } catch {
            throw ValidationError("\(error)")  // a malformed synth spec: bad input, exit status 2
        }
        grid.base = base
        grid.gogc = try list(gogc, file?.gogc, "100").map(Self.parseGOGC)
        grid.memoryLimits = try list(gomemlimit, file?.gomemlimit, "none").map(Self.parseMemoryLimit)
        grid.gomaxprocs = try list(gomaxprocs, file?.gomaxprocs, "2").map(Self.parseGOMAXPROCS)
        grid.profiles = list(profile, file?.profile, "default")
        if let empty = grid.profiles.first(where: \.isEmpty) {
            throw ValidationError("--profile: expected a preset or a JSON file, found \"\(empty)\"")
        }
        return grid
    }

    static func parseGOMAXPROCS(_ text: String) throws -> Int {
        guard let value = Int(text), value >= 1 else {
            throw ValidationError("GOMAXPROCS: expected an integer of at least 1, found \"\(text)\"")
        }
        return value
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
