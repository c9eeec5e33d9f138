import GoMemSimTrace

/// Which heap objects a script can still reach, so each one's `free` is emitted exactly
/// where its last reference is dropped — the moment it becomes garbage for Go's GC
/// (a tracing collector: an object is live iff a path of pointers leads to it from a
/// root; here the roots are the script's variables).
///
/// Rule: every object counts the variables that refer to it (`rootRefs`) and, per
/// object, the heap slots that refer to it (`referrers`). When a reference to an object
/// is dropped and it has no root references left, the graph searches *backwards* over
/// referrers: if no object that can reach it is held by a variable, then no root reaches
/// it, and that whole backward set is garbage (this is what frees cycles: `a.next = b;
/// b.next = a; a = nil; b = nil` frees both at the last assignment). Dropping the edges
/// out of the garbage set then re-checks the objects they pointed to. An object held by a
/// variable (or by an object a variable holds) is live without a search, so building a
/// list or churning a ring is O(1) per step; a successful search leaves witnesses on its
/// path, so walking a list (`p = p.next`) is O(1) per step as well. Otherwise a search
/// costs the number of objects that can reach the dropped one.
///
/// Mappings (`syscall.Mmap`) are not in the graph: the GC does not manage them.
struct ObjectGraph {
    struct Object {
        var rootRefs: Int32 = 0
        /// Holder object → number of its slots that refer to this object.
        var referrers = Referrers()
        /// Byte offset → reference stored there (slice headers, pointers), non-nil only.
        var slots: [Int64: Value] = [:]
        /// A variable-held object this one was last proven reachable from, valid while
        /// no heap reference has been removed since (`edgeEpoch`): heap paths only
        /// disappear when an edge does.
        var witness: RegionID = 0
        var witnessEpoch: UInt64 = 0
    }

    /// What holds a reference: a variable, or a slot of a heap object.
    enum Holder {
        case root
        case object(RegionID)
    }

    private(set) var objects: [RegionID: Object] = [:]
    /// Counts removals of heap references (slot overwrites, edges out of freed objects).
    private var edgeEpoch: UInt64 = 0

    var count: Int { objects.count }

    func contains(_ id: RegionID) -> Bool { objects[id] != nil }

    mutating func add(_ id: RegionID) { objects[id] = Object() }

    /// The heap object a value refers to, if any.
    func target(of value: Value) -> RegionID? {
        switch value {
        case let .slice(id, _, _), let .pointer(id): objects[id] != nil ? id : nil
        default: nil
        }
    }

    /// The reference stored at `offset` in object `id` (nil if none).
    func slot(_ id: RegionID, at offset: Int64) -> Value {
        objects[id]?.slots[offset] ?? .none
    }

    mutating func retain(_ value: Value, by holder: Holder) {
        guard let id = target(of: value) else { return }
        switch holder {
        case .root: objects[id]?.rootRefs += 1
        case let .object(owner): objects[id]?.referrers.add(owner)
        }
    }

    /// Drops one reference; appends to `freed` every object that became unreachable.
    mutating func release(_ value: Value, by holder: Holder, freed: inout [RegionID]) {
        guard let id = target(of: value) else { return }
        switch holder {
        case .root: objects[id]?.rootRefs -= 1
        case let .object(owner):
            objects[id]?.referrers.remove(owner)
            edgeEpoch += 1
        }
        collect(startingAt: id, freed: &freed)
    }

    /// Stores `value` at `offset` of object `id`, dropping what was there.
    mutating func store(_ value: Value, in id: RegionID, at offset: Int64, freed: inout [RegionID]) {
        guard objects[id] != nil else { return }
        let old = objects[id]?.slots[offset] ?? .none
        retain(value, by: .object(id))
        let stored: Value? = value == .none ? nil : value
        objects[id]?.slots[offset] = stored
        release(old, by: .object(id), freed: &freed)
    }

    /// Frees `id` and everything only it kept alive, if no root reaches it.
    mutating func collect(startingAt id: RegionID, freed: inout [RegionID]) {
        // Fast path: held by a variable, or referenced by nothing and holding nothing.
        guard let object = objects[id], object.rootRefs == 0 else { return }
        if object.referrers.isEmpty, object.slots.isEmpty {
            objects[id] = nil
            freed.append(id)
            return
        }
        // Held by an object a variable holds (a ring slot, a list node's next): live.
        if object.referrers.contains(where: { (objects[$0]?.rootRefs ?? 0) > 0 }) { return }
        var worklist = [id]
        while let candidate = worklist.popLast() {
            guard let object = objects[candidate], object.rootRefs == 0 else { continue }
            var garbage: [RegionID]
            var inGarbage: Set<RegionID>
            if object.referrers.isEmpty {
                garbage = [candidate]
                inGarbage = [candidate]
            } else {
                inGarbage = [candidate]
                if isReachable(candidate, visited: &inGarbage) { continue }
                garbage = inGarbage.sorted()
            }
            freed.append(contentsOf: garbage)
            for dead in garbage {
                guard let object = objects.removeValue(forKey: dead) else { continue }
                // Edges out of the garbage to survivors go away; their targets are re-checked.
                for offset in object.slots.keys.sorted() {
                    guard let value = object.slots[offset], let target = target(of: value), !inGarbage.contains(target) else { continue }
                    objects[target]?.referrers.remove(dead)
                    edgeEpoch += 1
                    worklist.append(target)
                }
            }
        }
    }
}

extension ObjectGraph {
    /// Backward search from `candidate` (not itself held by a variable): is any object
    /// that reaches it held by a variable, or proven to be reachable from one? On
    /// failure, `visited` is every object that reaches `candidate` — all garbage. On
    /// success, the objects on the path found get a witness, so walking a list
    /// (`p = p.next`) costs O(1) per step instead of a search back to its head.
    fileprivate mutating func isReachable(_ candidate: RegionID, visited: inout Set<RegionID>) -> Bool {
        var stack = [candidate]
        // holder → the object it refers to, one step closer to `candidate`.
        var toward: [RegionID: RegionID] = [:]
        var anchor: RegionID = 0
        var reached: RegionID = 0
        search: while let next = stack.popLast() {
            guard let object = objects[next] else { continue }
            if object.rootRefs > 0 {
                (anchor, reached) = (next, next)
                break search
            }
            if object.witness != 0, object.witnessEpoch == edgeEpoch, (objects[object.witness]?.rootRefs ?? 0) > 0 {
                (anchor, reached) = (object.witness, next)
                break search
            }
            object.referrers.forEach { referrer in
                if visited.insert(referrer).inserted {
                    toward[referrer] = next
                    stack.append(referrer)
                }
            }
        }
        guard anchor != 0 else { return false }
        var node = reached
        while let child = toward[node] {
            objects[child]?.witness = anchor
            objects[child]?.witnessEpoch = edgeEpoch
            node = child
        }
        return true
    }
}

/// The heap objects holding references to one object, with how many of their slots do.
/// Most objects have a single holder (a ring slot, a list predecessor): it is kept
/// inline, so recording it allocates nothing.
struct Referrers {
    /// 0 = none (region ids start at 1).
    private var first: RegionID = 0
    private var firstCount: Int32 = 0
    private var others: [RegionID: Int32] = [:]

    var isEmpty: Bool { first == 0 && others.isEmpty }

    mutating func add(_ holder: RegionID) {
        if first == holder {
            firstCount += 1
        } else if first == 0, others[holder] == nil {
            first = holder
            firstCount = 1
        } else {
            others[holder, default: 0] += 1
        }
    }

    mutating func remove(_ holder: RegionID) {
        if first == holder {
            firstCount -= 1
            if firstCount == 0 { first = 0 }
        } else if let count = others[holder] {
            others[holder] = count > 1 ? count - 1 : nil
        }
    }

    func contains(where predicate: (RegionID) -> Bool) -> Bool {
        if first != 0, predicate(first) { return true }
        return others.keys.contains(where: predicate)
    }

    func forEach(_ body: (RegionID) -> Void) {
        if first != 0 { body(first) }
        for holder in others.keys { body(holder) }
    }
}
