/// A machine profile or simulator geometry that cannot describe hardware, with a
/// message naming the field and what was expected (`caches[1].ways: expected …`).
public struct HardwareConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
