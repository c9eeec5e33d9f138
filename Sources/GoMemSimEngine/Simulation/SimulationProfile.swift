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
            throw HardwareConfigError(error, in: data, origin: name)
        }
        return SimulationProfile(hardware: hardware, kernel: sections.kernel ?? KernelConfig(),
                                 runtimeCosts: sections.runtime?.costs ?? CostTable())
    }

    private struct Sections: Decodable {
        var kernel: KernelConfig?
        var runtime: RuntimeSection?
    }

    private struct RuntimeSection: Decodable {
        var costs: CostTable?
    }
}
