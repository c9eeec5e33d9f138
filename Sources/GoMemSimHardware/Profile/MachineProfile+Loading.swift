import Foundation

extension MachineProfile {
    /// Decodes and validates a profile from JSON bytes.
    public static func decode(_ data: Data, origin: String) throws(HardwareConfigError) -> MachineProfile {
        let profile: MachineProfile
        do {
            profile = try JSONDecoder().decode(MachineProfile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw HardwareConfigError("\(origin): \(path(context.codingPath + [key])): expected a value, found none")
        } catch let DecodingError.typeMismatch(type, context) {
            throw HardwareConfigError("\(origin): \(path(context.codingPath)): expected \(type), found another type")
        } catch let DecodingError.dataCorrupted(context) {
            // Not JSON at all: JSONDecoder names no place, so say where the syntax breaks.
            if context.codingPath.isEmpty, let syntax = JSONSyntaxError.message(for: data, path: origin) {
                throw HardwareConfigError(syntax)
            }
            throw HardwareConfigError("\(origin): \(path(context.codingPath)): \(context.debugDescription)")
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

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }
}
