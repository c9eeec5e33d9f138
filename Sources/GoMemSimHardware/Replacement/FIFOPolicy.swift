/// First in, first out: a line's stamp is its fill time; hits change nothing.
public struct FIFOPolicy: ReplacementPolicy {
    @usableFromInline var inner: LRUPolicy

    public init(sets: Int, ways: Int, seed: UInt64) {
        inner = LRUPolicy(sets: sets, ways: ways, seed: seed)
    }

    @inlinable @inline(__always)
    public mutating func hit(set: Int, way: Int) {}

    @inlinable @inline(__always)
    public mutating func filled(set: Int, way: Int) { inner.hit(set: set, way: way) }

    @inlinable
    public mutating func victim(set: Int) -> Int { inner.victim(set: set) }
}
