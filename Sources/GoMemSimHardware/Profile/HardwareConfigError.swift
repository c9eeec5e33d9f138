import Foundation

/// A machine profile or simulator geometry that cannot describe hardware, with a
/// message naming the field and what was expected (`caches[1].ways: expected …`).
public struct HardwareConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// A profile file's decoding error: `origin: path.to.field: expected …`, the field's
    /// path as the file spells it (snake_case, whether or not the decoder converted the
    /// keys); JSON that does not parse, at its line and column (``JSONSyntaxError``).
    public init(_ error: DecodingError, in data: Data, origin: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { key in key.intValue.map { "[\($0)]" } ?? "." + Self.snakeCase(key.stringValue) }
                .joined().drop { $0 == "." }.description
        }
        switch error {
        case let .dataCorrupted(context):
            // Not JSON at all: JSONDecoder names no place, so say where the syntax breaks.
            if context.codingPath.isEmpty, let syntax = JSONSyntaxError.message(for: data, path: origin) {
                self.init(syntax)
            } else {
                self.init("\(origin): \(path(context.codingPath)): \(context.debugDescription)")
            }
        case let .keyNotFound(key, context):
            self.init("\(origin): \(path(context.codingPath + [key])): expected a value, found none")
        case let .typeMismatch(type, context):
            self.init("\(origin): \(path(context.codingPath)): expected \(type), found another type")
        case let .valueNotFound(type, context):
            self.init("\(origin): \(path(context.codingPath)): expected \(type), found null")
        @unknown default:
            self.init("\(origin): \(error)")
        }
    }

    /// `copyByteNs` → `copy_byte_ns`: a converted key back in the file's spelling (a
    /// snake_case key is left as it is).
    private static func snakeCase(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }
}
