/// Interns the strings a trace mentions (file names, checkpoint labels) so events stay
/// plain values. A reader owns one table; it grows with distinct strings, not with
/// trace length.
public struct SymbolTable: Sendable {
    public private(set) var strings: [String] = []
    private var indices: [String: UInt32] = [:]

    public init() {}

    /// Returns the symbol for `string`, adding it if it is new.
    public mutating func intern(_ string: String) -> Symbol {
        if let index = indices[string] { return Symbol(index) }
        let index = UInt32(strings.count)
        strings.append(string)
        indices[string] = index
        return Symbol(index)
    }

    /// The symbol for `string` if it was interned.
    public func lookup(_ string: String) -> Symbol? { indices[string].map(Symbol.init) }

    public subscript(symbol: Symbol) -> String { strings[Int(symbol.index)] }

    public var count: Int { strings.count }
}
