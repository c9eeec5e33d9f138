@testable import GoMemSimHardware
import Testing

// The flat path's sets (`FlatLRUArray`) against a plain list model of exact LRU:
// per set, the keys most recent first; a demand moves a present key to the front (dirty
// if a write, no longer prefetched), or puts an absent one first and drops the last
// beyond `ways`; a writeback marks a present key dirty where it sits, or puts it first,
// dirty; a prefetch fill puts an absent key first, prefetched; a presence test changes
// nothing. Every hit position, found word, victim and flag must agree, for odd and even
// ways (up to 16 the fingerprint bytes find a key; above, the rolling scan), with many
// keys sharing a fingerprint.

private struct ListModel {
    var sets: [[(key: UInt64, dirty: Bool, prefetched: Bool)]]
    let ways: Int

    static func word(_ e: (key: UInt64, dirty: Bool, prefetched: Bool)) -> UInt64 {
        e.key << 2 | (e.prefetched ? 2 : 0) | (e.dirty ? 1 : 0)
    }

    /// The hit's position and word as it was, or -1 and the victim.
    mutating func demand(_ key: UInt64, set s: Int, write: Bool) -> (position: Int, word: UInt64?) {
        if let i = sets[s].firstIndex(where: { $0.key == key }) {
            var e = sets[s].remove(at: i)
            let found = Self.word(e)
            e.dirty = e.dirty || write
            e.prefetched = false
            sets[s].insert(e, at: 0)
            return (i, found)
        }
        return (-1, put(key, set: s, dirty: write))
    }

    mutating func put(_ key: UInt64, set s: Int, dirty: Bool, prefetched: Bool = false) -> UInt64? {
        sets[s].insert((key, dirty, prefetched), at: 0)
        guard sets[s].count > ways else { return nil }
        return Self.word(sets[s].removeLast())
    }
}

/// `unrolled`: demands go through `demandUnrolled`, the presets' way counts (4, 8, 12,
/// 16) through the kernel specialised for them, which must leave the very same words.
@Test(arguments: [1, 2, 3, 4, 5, 8, 12, 15, 16, 20], [false, true])
func flatSetsAreExactLRU(ways: Int, unrolled: Bool) {
    let sets = 4
    let store = FlatLRUStore(words: FlatLRUArray.words(sets: sets, ways: ways))
    let a = FlatLRUArray(tags: store.words, offset: 0, sets: sets, ways: ways)
    a.initializeMeta()
    var model = ListModel(sets: Array(repeating: [], count: sets), ways: ways)
    var state: UInt64 = UInt64(ways)
    var hits = 0, victims = 0, dirtyVictims = 0, prefetchedHits = 0
    var mismatches = 0  // counted, then expected once: an expectation per step is slow
    for _ in 0..<20_000 {
        let r = SplitMix64.next(&state)
        // Keys from a pool a little larger than the sets hold, in variants (near 2^60, or
        // 2^12 apart) whose fingerprints are the same: the full word must decide.
        let line = (r >> 8) % UInt64(sets * (ways + 2)) | (r >> 7 & 1) << 59 | (r >> 6 & 1) << 12
        let s = Int(line & UInt64(sets - 1))
        let write = r & 3 == 0
        let key = FlatLRUArray.word(line)
        let present = model.sets[s].contains { $0.key == line }
        if a.contains(key) != present { mismatches += 1 }
        if r >> 4 & 7 == 0 {
            // A writeback: marked where it sits, else filled dirty.
            if a.markDirty(key) != present { mismatches += 1 }
            if present {
                let i = model.sets[s].firstIndex { $0.key == line }!
                model.sets[s][i].dirty = true
            } else {
                let victim = a.insert(key | FlatLRUArray.dirty)
                if victim != (model.put(line, set: s, dirty: true) ?? FlatLRUArray.empty) { mismatches += 1 }
            }
        } else if r >> 4 & 7 == 1 {
            // A prefetch fill, where the line is absent.
            if !present {
                let victim = a.insert(key | FlatLRUArray.prefetched)
                if victim != (model.put(line, set: s, dirty: false, prefetched: true) ?? FlatLRUArray.empty) { mismatches += 1 }
            }
        } else {
            let w: UInt64 = write ? FlatLRUArray.dirty : 0
            let got = unrolled ? a.demandUnrolled(key, inserting: key | w, hitFlag: w)
                : a.demand(key, inserting: key | w, hitFlag: w)
            let want = model.demand(line, set: s, write: write)
            if got.position != want.position || got.word != (want.word ?? FlatLRUArray.empty) { mismatches += 1 }
            if got.position >= 0 {
                hits += 1
                if got.word & FlatLRUArray.prefetched != 0 { prefetchedHits += 1 }
            } else if let v = want.word {
                victims += 1
                if v & 1 != 0 { dirtyVictims += 1 }
            }
        }
        // The set's words are the model's list, most recent first, empty ways last.
        let words = a.recencyOrder(of: line)
        let expected = model.sets[s].map(ListModel.word)
            + Array(repeating: FlatLRUArray.empty, count: ways - model.sets[s].count)
        if words != expected { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(hits > 1000 && victims > 1000 && dirtyVictims > 100)
    #expect(prefetchedHits > (ways > 1 ? 100 : 10))  // one way keeps a prefetched line briefly
}

/// A store of 2 MiB or more starts on a 2 MiB boundary (so huge pages can back it), every
/// word empty, and its copy holds the same words in a buffer of its own.
@Test func largeFlatStoresAreHugePageAlignedAndCopyExactly() {
    let words = 3 << 18  // 6 MiB
    let store = FlatLRUStore(words: words)
    #expect(UInt(bitPattern: store.words) % (1 << 21) == 0)
    #expect((0..<words).allSatisfy { store.words[$0] == FlatLRUArray.empty })
    store.words[12345] = 42
    let copy = store.copy()
    #expect(copy.words != store.words)
    #expect(copy.words[12345] == 42 && copy.words[words - 1] == FlatLRUArray.empty)
    let small = FlatLRUStore(words: 100)
    #expect(UInt(bitPattern: small.words) % 64 == 0)
}

/// The fingerprint compare marks exactly the bytes equal to the key's, in memory order,
/// wherever the 16 bytes sit (a set's block may start at an odd word): the SSE2 form and
/// the two-word form both, against a byte-by-byte scan. Bytes from a small alphabet, so
/// most blocks hold the byte several times, next to bytes one bit away from it.
@Test func fingerprintCompareMarksEveryEqualByte() {
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    defer { buffer.deallocate() }
    var state: UInt64 = 7
    var mismatches = 0, marked = 0
    for step in 0..<20_000 {
        for i in 0..<64 {
            let r = SplitMix64.next(&state)
            // 0 (an empty way), or 0x80 | a few values; 0x01 and 0x81 test the borrow.
            buffer.storeBytes(of: r & 7 == 0 ? 0 : UInt8(0x80 | (r >> 3) % 4) ^ UInt8(r >> 8 & 1), toByteOffset: i, as: UInt8.self)
        }
        let at = UnsafeRawPointer(buffer) + step % 48
        let byte = UInt8(0x80 | SplitMix64.next(&state) % 4)
        var want: UInt32 = 0
        for i in 0..<16 where at.load(fromByteOffset: i, as: UInt8.self) == byte { want |= 1 << i }
        if FingerprintBytes.matching(byte, at: at) != want { mismatches += 1 }
        if FingerprintBytes.matchingWords(byte, at: at) != want { mismatches += 1 }
        marked += want.nonzeroBitCount
    }
    #expect(mismatches == 0)
    #expect(marked > 20_000 * 2)  // the blocks do hold matches, several on average
}

/// Moving a way first in a recency word: the nibbles before it shift up one place, the
/// rest stay, and the position it was at comes back — for every way count, every way
/// (position 15 included), with stale nibbles past the way count repeating ways.
@Test func touchingMovesTheWayFirst() {
    var state: UInt64 = 3
    var mismatches = 0
    for n in 1...16 {
        for _ in 0..<200 {
            var order = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(SplitMix64.next(&state) % UInt64(i + 1))) }
            let stale = (n..<16).map { _ in Int(SplitMix64.next(&state) % UInt64(n)) }
            let nibbles = order + stale
            let r = nibbles.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (4 * $1.offset) }
            for j in 0..<n {
                let p = order.firstIndex(of: j)!
                var moved = nibbles
                moved.remove(at: p)
                moved.insert(j, at: 0)
                let want = moved.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (4 * $1.offset) }
                let got = FlatLRUArray.touching(r, way: j)
                if got.recency != want || got.position != p { mismatches += 1 }
            }
        }
    }
    #expect(mismatches == 0)
}
