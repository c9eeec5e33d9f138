/// The replacement policy a profile names, chosen when the hierarchy is built: one type
/// for all four, so ``MemoryHierarchy`` holds one ``CacheHierarchy`` and the simulator is
/// compiled once. Each use, fill and victim choice is one switch on a small value (a
/// branch the host predicts perfectly) followed by the named policy's own code, so the
/// victims are exactly those of the policy used alone.
///
/// Why not four specialisations: with one ``CacheHierarchy`` per policy, LLVM merged
/// their identical-looking functions (`…Tg5Tm`, indirect calls between them), which kept
/// the page walk and the fills from being specialised, and the hierarchy had to test four
/// optionals per access (about 40 instructions of the same-line fast path).
public struct ProfilePolicy: ReplacementPolicy {
    /// Which policy decides; the others' values are idle. (Flat fields rather than an
    /// enum's payloads: a use updates its policy in place, with no payload copied out and back.)
    @usableFromInline let kind: ReplacementKind
    @usableFromInline var lru: LRUPolicy
    @usableFromInline var tree: TreePLRUPolicy
    @usableFromInline var fifo: FIFOPolicy
    @usableFromInline var random: RandomPolicy

    /// Exact LRU (the policy a profile names when it names none).
    public init(sets: Int, ways: Int, seed: UInt64) { self.init(.lru, sets: sets, ways: ways, seed: seed) }

    public init(_ kind: ReplacementKind, sets: Int, ways: Int, seed: UInt64) {
        self.kind = kind
        lru = LRUPolicy(sets: sets, ways: ways, seed: seed)
        // Tree-PLRU needs a power of two below 64 ways (validated when it is named).
        tree = TreePLRUPolicy(sets: sets, ways: kind == .treePLRU ? ways : 1, seed: seed)
        fifo = FIFOPolicy(sets: sets, ways: ways, seed: seed)
        random = RandomPolicy(sets: sets, ways: ways, seed: seed)
    }

    /// Room for any of the four (LRU's state is the largest).
    public static func stateWords(ways: Int) -> Int {
        max(LRUPolicy.stateWords(ways: ways), TreePLRUPolicy.stateWords(ways: ways),
            FIFOPolicy.stateWords(ways: ways), RandomPolicy.stateWords(ways: ways))
    }

    public func initialize(_ state: UnsafeMutableRawPointer) {
        switch kind {
        case .lru: lru.initialize(state)
        case .treePLRU: tree.initialize(state)
        case .fifo: fifo.initialize(state)
        case .random: random.initialize(state)
        }
    }

    @inlinable @inline(__always)
    public mutating func hit(_ state: UnsafeMutableRawPointer, way: Int) {
        switch kind {
        case .lru: lru.hit(state, way: way)
        case .treePLRU: tree.hit(state, way: way)
        case .fifo: fifo.hit(state, way: way)
        case .random: random.hit(state, way: way)
        }
    }

    @inlinable @inline(__always)
    public mutating func filled(_ state: UnsafeMutableRawPointer, way: Int) {
        switch kind {
        case .lru: lru.filled(state, way: way)
        case .treePLRU: tree.filled(state, way: way)
        case .fifo: fifo.filled(state, way: way)
        case .random: random.filled(state, way: way)
        }
    }

    @inlinable @inline(__always)
    public mutating func victim(_ state: UnsafeMutableRawPointer) -> Int {
        switch kind {
        case .lru: lru.victim(state)
        case .treePLRU: tree.victim(state)
        case .fifo: fifo.victim(state)
        case .random: random.victim(state)
        }
    }

    @inlinable
    public var needsRenumber: Bool {
        switch kind {
        case .lru: lru.needsRenumber
        case .fifo: fifo.needsRenumber
        case .treePLRU, .random: false
        }
    }

    public mutating func renumber(_ first: UnsafeMutableRawPointer, sets: Int, strideBytes: Int) {
        switch kind {
        case .lru: lru.renumber(first, sets: sets, strideBytes: strideBytes)
        case .fifo: fifo.renumber(first, sets: sets, strideBytes: strideBytes)
        case .treePLRU, .random: break
        }
    }
}
