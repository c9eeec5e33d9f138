extension Cache {
    // Hits and fills of a cache whose policy keeps one ``RecencyList`` per set
    // (``ReplacementPolicy/keepsRecencyList``: exact LRU up to 16 ways), for the plain
    // demand path: the list is updated here, without the policy's dispatch and clock test,
    // and a clean victim's line is not rebuilt. The state left is the one
    // ``used(set:way:fill:)`` and ``insertInPlace(_:flags:victimLineNeeded:)`` (with
    // `victimLineNeeded: false`) leave.

    /// A demand hit on `way` of set `s`: the way moves to the front of the set's list.
    @_transparent @usableFromInline
    mutating func touchRecency(set s: Int, way: Int) {
        // A typed pointer (the words are UInt64s): the raw load and store stayed calls here.
        let state = storage.words + (s &* stride &+ entryWords)
        state.pointee = RecencyList.touching(state.pointee, way: way)
    }

    /// ``lookupInPlace(_:)`` `!= nil`: whether `line` is present; a hit moves its way to
    /// the front of its set's list.
    @_transparent @usableFromInline
    mutating func lookupRecency(_ line: UInt64) -> Bool {
        let s = set(of: line)
        let way = findWay(line, set: s)
        guard way >= 0 else { return false }
        touchRecency(set: s, way: way)
        return true
    }

    /// Places `line` (absent) in set `s` with `flags`: the first empty way, else the least
    /// recent one, either moved to the front. Returns the slot, whether a line was evicted,
    /// and the evicted line (read only if it is dirty; else `UInt64.max`) and its flags.
    @_transparent @usableFromInline
    mutating func fillRecency(_ line: UInt64, set s: Int, flags newFlags: UInt8)
        -> (slot: Int, evicted: Bool, victim: UInt64, victimFlags: UInt8) {
        if !wide && line &>> narrowShift != 0 { widen() }
        let n = ways
        let words = storage.words
        let block = UnsafeMutableRawPointer(words) + s &* stride &* 8
        let state = words + (s &* stride &+ entryWords)
        let list = state.pointee
        var way = Self.firstEmptyWay(UnsafeRawPointer(block), ways: n)
        let full = way < 0
        if full {
            let r = RecencyList.rotatingLeastRecent(list, ways: n)
            way = r.way
            state.pointee = r.list
        } else {
            state.pointee = RecencyList.touching(list, way: way)
        }
        let old = block.load(fromByteOffset: way &* 4, as: UInt32.self)
        let oldFlags = full ? UInt8(truncatingIfNeeded: old & 3) : 0
        var victim = Self.empty
        if wide {
            let tagAt = tagWord &+ s &* n &+ way
            if oldFlags & Self.dirty != 0 { victim = words[tagAt] }
            words[tagAt] = line
        } else if oldFlags & Self.dirty != 0 {
            victim = narrowLine(entry: old, set: s)
        }
        block.storeBytes(of: entryKey(line) | UInt32(newFlags & 3), toByteOffset: way &* 4, as: UInt32.self)
        return (s &* n &+ way, full, victim, oldFlags)
    }
}
