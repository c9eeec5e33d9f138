/// First in, first out: a line's stamp is its fill time; hits change nothing.
public struct FIFOPolicy: ReplacementPolicy {
    @usableFromInline var inner: LRUPolicy

    public init(sets: Int, ways: Int, seed: UInt64) {
        inner = LRUPolicy(sets: sets, ways: ways, seed: seed)
    }

    public static func stateWords(ways: Int) -> Int { LRUPolicy.stateWords(ways: ways) }

    public func initialize(_ state: UnsafeMutableRawPointer) { inner.initialize(state) }

    @inlinable @inline(__always)
    public mutating func hit(_ state: UnsafeMutableRawPointer, way: Int) {}

    @inlinable @inline(__always)
    public mutating func filled(_ state: UnsafeMutableRawPointer, way: Int) { inner.hit(state, way: way) }

    @inlinable
    public mutating func victim(_ state: UnsafeMutableRawPointer) -> Int { inner.victim(state) }

    @inlinable
    public var needsRenumber: Bool { inner.needsRenumber }

    public mutating func renumber(_ first: UnsafeMutableRawPointer, sets: Int, strideBytes: Int) {
        inner.renumber(first, sets: sets, strideBytes: strideBytes)
    }
}
