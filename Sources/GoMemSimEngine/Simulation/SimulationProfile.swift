import Foundation
import GoMemSimHardware
import GoMemSimKernel
import GoMemSimRuntime

/// A machine as the models see it: one JSON document (or a built-in preset) with a
/// section per model —
///
/// ```json
/// { "name": "skylake-sp",
///   "hardware": { "core_ghz": 2.6, "caches": [ … ], … },    // schemas/machine-profile.schema.json
///   "kernel":   { "thp_mode": "madvise", "memory_max": … }, // schemas/kernel.md
///   "runtime":  { "costs": { "small_alloc_ns": 12, … } } }  // schemas/runtime.md
/// ```
///
/// A section left out keeps the defaults, which describe the machine the calibration
/// measurements come from (x86-64, 4 KiB pages, THP `madvise`).
public struct SimulationProfile: Sendable {
    public var name: String
    public var hardware: MachineProfile
    public var kernel: KernelConfig
    public var runtimeCosts: CostTable

    public init(hardware: MachineProfile, kernel: KernelConfig = KernelConfig(), runtimeCosts: CostTable = CostTable()) {
        self.name = hardware.name
        self.hardware = hardware
        self.kernel = kernel
        self.runtimeCosts = runtimeCosts
    }

    /// The preset `default` is `skylake-sp` with the default kernel and runtime costs.
    public static let defaultPresetName = "skylake-sp"

    /// A preset name (`default`, `skylake-sp`, `zen3`, `zen4`, `tiny`) or a JSON file path.
    public static func load(_ nameOrPath: String) throws -> SimulationProfile {
        let name = nameOrPath == "default" ? defaultPresetName : nameOrPath
        if let preset = MachineProfile.preset(named: name) { return SimulationProfile(hardware: preset) }
        let hardware = try MachineProfile.load(name)
        let data = try Data(contentsOf: URL(fileURLWithPath: name))
        // Profiles spell keys in snake_case throughout (`memory_max`, `small_alloc_ns`),
        // as the hardware section does.
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let sections: Sections
        do {
            sections = try decoder.decode(Sections.self, from: data)
        } catch let error as DecodingError {
            throw HardwareConfigError("\(name): \(Self.describe(error))")
        }
        return SimulationProfile(hardware: hardware, kernel: sections.kernel ?? KernelConfig(),
                                 runtimeCosts: sections.runtime?.costs ?? CostTable())
    }

    /// A section's decoding error worded as ``MachineProfile/decode(_:origin:)`` words the
    /// hardware section's: the field's path as the file spells it (snake_case), then what
    /// was expected — `kernel.fault_ns: expected a cost of at most 4294967296 ns, found …`.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { key in key.intValue.map { "[\($0)]" } ?? "." + snakeCase(key.stringValue) }
                .joined().drop { $0 == "." }.description
        }
        switch error {
        case let .dataCorrupted(context): return "\(path(context.codingPath)): \(context.debugDescription)"
        case let .keyNotFound(key, context): return "\(path(context.codingPath + [key])): expected a value, found none"
        case let .typeMismatch(type, context): return "\(path(context.codingPath)): expected \(type), found another type"
        case let .valueNotFound(type, context): return "\(path(context.codingPath)): expected \(type), found null"
        @unknown default: return "\(error)"
        }
    }

    /// `copyByteNs` → `copy_byte_ns`: the decoder's key back in the file's spelling.
    private static func snakeCase(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }

    private struct Sections: Decodable {
        var kernel: KernelConfig?
        var runtime: RuntimeSection?
    }

    private struct RuntimeSection: Decodable {
        var costs: CostTable?
    }
}
