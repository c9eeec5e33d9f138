/// Sorts one level's misses into the three Cs (Hill 1987): *compulsory* — the line was
/// never referenced at this level before; *capacity* — a fully associative LRU cache of
/// the same number of lines would miss too; *conflict* — only the set mapping caused it.
///
/// The seen-lines set is sparse (one 64-bit mask per 64 lines touched), so memory grows
/// with touched memory, not with trace length. The fully associative shadow is an LRU
/// list over a dictionary: correct but slower than the cache, which is why
/// classification is optional.
struct MissClassifier {
    private var seen: [UInt64: UInt64] = [:]
    private var shadow: FullyAssociativeLRU

    init(lines: Int) { shadow = FullyAssociativeLRU(capacity: lines) }

    enum Kind { case hit, compulsory, capacity, conflict }

    /// Records a demand reference of `line` at this level; `missed` is what the real
    /// cache did. Returns the class of a miss (`.hit` when the cache hit).
    mutating func reference(_ line: UInt64, missed: Bool) -> Kind {
        let shadowHit = shadow.reference(line)
        let bit: UInt64 = 1 << (line & 63)
        let word = seen[line >> 6, default: 0]
        let firstTouch = word & bit == 0
        if firstTouch { seen[line >> 6] = word | bit }
        guard missed else { return .hit }
        if firstTouch { return .compulsory }
        return shadowHit ? .conflict : .capacity
    }
}

/// A fully associative LRU array of `capacity` lines: a doubly linked list in flat arrays
/// plus an index from line to node.
struct FullyAssociativeLRU {
    private var index: [UInt64: Int32] = [:]
    private var lines: [UInt64] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var head: Int32 = -1  // most recent
    private var tail: Int32 = -1  // least recent
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// References `line`; returns whether it was present. Makes it most recent.
    mutating func reference(_ line: UInt64) -> Bool {
        if let node = index[line] {
            moveToFront(node)
            return true
        }
        let node: Int32
        if lines.count < capacity {
            node = Int32(lines.count)
            lines.append(line)
            previous.append(-1)
            next.append(-1)
        } else {
            node = tail
            index[lines[Int(node)]] = nil
            unlink(node)
            lines[Int(node)] = line
        }
        index[line] = node
        pushFront(node)
        return false
    }

    private mutating func unlink(_ node: Int32) {
        let p = previous[Int(node)], n = next[Int(node)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { previous[Int(n)] = p } else { tail = p }
    }

    private mutating func pushFront(_ node: Int32) {
        previous[Int(node)] = -1
        next[Int(node)] = head
        if head >= 0 { previous[Int(head)] = node }
        head = node
        if tail < 0 { tail = node }
    }

    private mutating func moveToFront(_ node: Int32) {
        guard node != head else { return }
        unlink(node)
        pushFront(node)
    }
}
