import Foundation

extension MachineProfile {
    /// Decodes and validates a profile from JSON bytes.
    public static func decode(_ data: Data, origin: String) throws(HardwareConfigError) -> MachineProfile {
        let profile: MachineProfile
        do {
            profile = try JSONDecoder().decode(MachineProfile.self, from: data)
        } catch let error as DecodingError {
            throw HardwareConfigError(error, in: data, origin: origin)
        } catch {
            throw HardwareConfigError("\(origin): \(error)")
        }
        do {
            try profile.validate()
        } catch {
            throw HardwareConfigError("\(origin): \(error.message)")
        }
        return profile
    }

    /// A preset name (`default`, `skylake-sp`, `zen3`, `zen4`, `tiny`) or a JSON file path.
    public static func load(_ nameOrPath: String) throws(HardwareConfigError) -> MachineProfile {
        if let preset = preset(named: nameOrPath) { return preset }
        guard let data = FileManager.default.contents(atPath: nameOrPath) else {
            let names = (["default"] + presets.map(\.name)).joined(separator: ", ")
            throw HardwareConfigError("\(nameOrPath): expected a preset (\(names)) or a readable JSON file, found neither")
        }
        return try decode(data, origin: nameOrPath)
    }

    /// The profile as pretty JSON with sorted keys (what `profiles/*.json` hold).
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
