/// A trace could not be written: the output file failed, or a record refers to a
/// symbol its table does not hold.
public struct TraceWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
