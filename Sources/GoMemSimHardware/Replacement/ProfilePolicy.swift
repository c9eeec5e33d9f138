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
    /// Which policy decides.
    let kind: ReplacementKind
    let ways: Int
    /// The named policy's only changing state: LRU's and FIFO's clock, or the random
    /// policy's generator. Each call rebuilds the policy's value around it (the rest of it
    /// follows from `ways`), so the value a cache copies out and back per fill is two words.
    var word: UInt64
    /// LRU or FIFO over at most 16 ways: the set's ``RecencyList`` is the whole state. Its
    /// clock then decides nothing (its wrap only restarts it), so it is not kept.
    let packed: Bool

    /// Exact LRU (the policy a profile names when it names none).
    public init(sets: Int, ways: Int, seed: UInt64) { self.init(.lru, sets: sets, ways: ways, seed: seed) }

    public init(_ kind: ReplacementKind, sets: Int, ways: Int, seed: UInt64) {
        self.kind = kind
        self.ways = ways
        word = kind == .random ? seed : 0  // RandomPolicy starts at its seed, LRU's clock at 0
        packed = (kind == .lru || kind == .fifo) && ways <= 16
    }

    /// LRU's value (FIFO's too: FIFO is LRU that only fills refresh, ``FIFOPolicy``).
    @inline(__always)
    func lru() -> LRUPolicy {
        var p = LRUPolicy(sets: 1, ways: ways, seed: 0)
        p.clock = UInt32(truncatingIfNeeded: word)
        return p
    }

    @inline(__always)
    func tree() -> TreePLRUPolicy { TreePLRUPolicy(sets: 1, ways: ways, seed: 0) }

    /// Room for any of the four (LRU's state is the largest).
    public static func stateWords(ways: Int) -> Int {
        max(LRUPolicy.stateWords(ways: ways), TreePLRUPolicy.stateWords(ways: ways),
            FIFOPolicy.stateWords(ways: ways), RandomPolicy.stateWords(ways: ways))
    }

    public func initialize(_ state: UnsafeMutableRawPointer) {
        switch kind {
        case .lru, .fifo: lru().initialize(state)
        case .treePLRU: tree().initialize(state)
        case .random: break
        }
    }

    @inline(__always)
    public mutating func hit(_ state: UnsafeMutableRawPointer, way: Int) {
        if packed {
            if kind == .lru { state.storeBytes(of: RecencyList.touching(state.load(as: UInt64.self), way: way), as: UInt64.self) }
            return
        }
        unpackedHit(state, way: way)
    }

    /// The other policies' hits, out of line so the packed case inlines small.
    @inline(never)
    mutating func unpackedHit(_ state: UnsafeMutableRawPointer, way: Int) {
        switch kind {
        case .lru:
            var p = lru()
            p.hit(state, way: way)
            word = UInt64(p.clock)
        case .treePLRU:
            var p = tree()
            p.hit(state, way: way)
        case .fifo, .random: break  // hits change nothing
        }
    }

    @inline(__always)
    public mutating func filled(_ state: UnsafeMutableRawPointer, way: Int) {
        if packed {  // LRU's fill is a use; FIFO's fill is LRU's use
            state.storeBytes(of: RecencyList.touching(state.load(as: UInt64.self), way: way), as: UInt64.self)
            return
        }
        unpackedFilled(state, way: way)
    }

    @inline(never)
    mutating func unpackedFilled(_ state: UnsafeMutableRawPointer, way: Int) {
        switch kind {
        case .lru, .fifo:  // FIFO's fill is LRU's use
            var p = lru()
            p.filled(state, way: way)
            word = UInt64(p.clock)
        case .treePLRU:
            var p = tree()
            p.filled(state, way: way)
        case .random: break
        }
    }

    @inline(__always)
    public mutating func victim(_ state: UnsafeMutableRawPointer) -> Int {
        if packed { return RecencyList.leastRecent(state.load(as: UInt64.self), ways: ways) }
        return unpackedVictim(state)
    }

    @inline(never)
    mutating func unpackedVictim(_ state: UnsafeMutableRawPointer) -> Int {
        switch kind {
        case .lru, .fifo:
            var p = lru()
            return p.victim(state)
        case .treePLRU:
            var p = tree()
            return p.victim(state)
        case .random:
            var p = RandomPolicy(sets: 1, ways: ways, seed: word)
            let way = p.victim(state)
            word = p.state
            return way
        }
    }

    @inline(__always)
    public mutating func refill(_ state: UnsafeMutableRawPointer) -> Int {
        if packed {  // LRU's and FIFO's victim is the least recent; its fill makes it the most recent
            let r = RecencyList.rotatingLeastRecent(state.load(as: UInt64.self), ways: ways)
            state.storeBytes(of: r.list, as: UInt64.self)
            return r.way
        }
        let way = unpackedVictim(state)
        unpackedFilled(state, way: way)
        return way
    }

    /// LRU over at most 16 ways (FIFO's list is not moved by hits).
    public var keepsRecencyList: Bool { packed && kind == .lru }

    @inline(__always)
    public var needsRenumber: Bool {
        if packed { return false }
        switch kind {
        case .lru, .fifo: return lru().needsRenumber
        case .treePLRU, .random: return false
        }
    }

    public mutating func renumber(_ first: UnsafeMutableRawPointer, sets: Int, strideBytes: Int) {
        switch kind {
        case .lru, .fifo:
            var p = lru()
            p.renumber(first, sets: sets, strideBytes: strideBytes)
            word = UInt64(p.clock)
        case .treePLRU, .random: break
        }
    }
}
