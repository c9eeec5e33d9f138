import GoMemSimTrace

/// Valgrind Cachegrind's cache simulation (`cg_sim.c`): separate I1 and D1, a unified LL
/// that sees only L1 misses, every cache write-allocate LRU with no write-back modelling.
///
/// Rules kept from cg_sim.c: an access that straddles two lines touches both and counts
/// as one reference, a miss if either line missed; on an L1 miss the LL is referenced
/// with the same address and size; a modify (`M`) counts once, as a data read
/// (cg_main.c groups `Ev_Dm` with `Ev_Dr`). Sets must be a power of two, as Cachegrind
/// requires.
public struct CachegrindSimulator {
    /// A cache geometry as `--I1=size,assoc,line_size` gives it.
    public struct Geometry: Hashable, Sendable, CustomStringConvertible {
        public var sizeBytes: Int
        public var ways: Int
        public var lineBytes: Int
        public init(sizeBytes: Int, ways: Int, lineBytes: Int) {
            self.sizeBytes = sizeBytes
            self.ways = ways
            self.lineBytes = lineBytes
        }

        /// Parses `size,assoc,line_size`.
        public init(parsing text: String, option: String) throws(HardwareConfigError) {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 3, let size = parts[0], let ways = parts[1], let line = parts[2] else {
                throw HardwareConfigError("\(option): expected size,assoc,line_size, found \"\(text)\"")
            }
            self.init(sizeBytes: size, ways: ways, lineBytes: line)
        }

        public var description: String { "\(sizeBytes) B, \(lineBytes) B, \(ways)-way associative" }

        func validated(_ option: String) throws(HardwareConfigError) -> Geometry {
            func p2(_ n: Int) -> Bool { n > 0 && n & (n - 1) == 0 }
            guard p2(lineBytes), lineBytes >= 4 else {
                throw HardwareConfigError("\(option): expected a power-of-two line size >= 4, found \(lineBytes)")
            }
            guard ways >= 1, ways <= 1 << 16, sizeBytes > 0, sizeBytes % (ways * lineBytes) == 0,
                  p2(sizeBytes / (ways * lineBytes)), sizeBytes / lineBytes <= 1 << 26 else {
                throw HardwareConfigError("\(option): expected a power-of-two number of sets (size / (assoc x line)), found \(sizeBytes),\(ways),\(lineBytes)")
            }
            return self
        }
    }

    /// The counters Cachegrind prints (`Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw`).
    public struct Counts: Hashable, Sendable {
        public var ir: UInt64 = 0, i1mr: UInt64 = 0, ilmr: UInt64 = 0
        public var dr: UInt64 = 0, d1mr: UInt64 = 0, dlmr: UInt64 = 0
        public var dw: UInt64 = 0, d1mw: UInt64 = 0, dlmw: UInt64 = 0
    }

    private struct Level {
        var cache: Cache<LRUPolicy>
        let lineShift: UInt64
        init(_ g: Geometry) {
            cache = Cache(sets: g.sizeBytes / (g.ways * g.lineBytes), ways: g.ways)
            lineShift = UInt64(g.lineBytes.trailingZeroBitCount)
        }
        /// cg_sim.c `cachesim_ref_is_miss`: one or two lines, a miss if either missed.
        mutating func isMiss(_ address: UInt64, size: UInt32) -> Bool {
            let first = address >> lineShift
            // An access past the top of the address space ends there: wrapping to a line
            // below `first` would walk 2^58 lines (the lackey reader rejects such lines).
            let (end, wraps) = address.addingReportingOverflow(UInt64(max(size, 1)) &- 1)
            let last = (wraps ? UInt64.max : end) >> lineShift
            var miss = touch(first)
            if last != first {
                // cg_sim.c handles the two-line case; a longer access touches every line.
                var line = first
                while line != last {
                    line &+= 1
                    if touch(line) { miss = true }
                }
            }
            return miss
        }
        private mutating func touch(_ line: UInt64) -> Bool {
            if cache.lookup(line) != nil { return false }
            _ = cache.insert(line, flags: 0, victimLineNeeded: false)
            return true
        }
    }

    public private(set) var counts = Counts()
    public let i1: Geometry, d1: Geometry, ll: Geometry
    private var i1Cache: Level, d1Cache: Level, llCache: Level

    public init(i1: Geometry, d1: Geometry, ll: Geometry) throws(HardwareConfigError) {
        self.i1 = try i1.validated("--I1")
        self.d1 = try d1.validated("--D1")
        self.ll = try ll.validated("--LL")
        i1Cache = Level(i1)
        d1Cache = Level(d1)
        llCache = Level(ll)
    }

    public mutating func reference(_ access: LackeyAccess) {
        switch access.kind {
        case .instruction:
            counts.ir += 1
            if i1Cache.isMiss(access.address, size: access.size) {
                counts.i1mr += 1
                if llCache.isMiss(access.address, size: access.size) { counts.ilmr += 1 }
            }
        case .load, .modify:
            counts.dr += 1
            if d1Cache.isMiss(access.address, size: access.size) {
                counts.d1mr += 1
                if llCache.isMiss(access.address, size: access.size) { counts.dlmr += 1 }
            }
        case .store:
            counts.dw += 1
            if d1Cache.isMiss(access.address, size: access.size) {
                counts.d1mw += 1
                if llCache.isMiss(access.address, size: access.size) { counts.dlmw += 1 }
            }
        }
    }

    /// The end-of-run summary as Cachegrind prints it (without the `==pid==` prefix).
    public var summary: String {
        let c = counts
        func n(_ v: UInt64) -> String {
            let digits = String(v)
            var out = ""
            for (i, ch) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(ch)
            }
            return out
        }
        func rate(_ misses: UInt64, _ refs: UInt64) -> String {
            let r = refs == 0 ? 0 : Double(misses) * 100 / Double(refs)
            let tenths = Int((r * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)%"
        }
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        let w = max(n(c.ir).count, n(c.dr + c.dw).count, 5)
        let rw = max(n(c.dr).count, n(c.d1mr + c.i1mr).count)
        let ww = max(n(c.dw).count, 1)
        func split(_ label: String, _ total: UInt64, _ rd: UInt64, _ wr: UInt64) -> String {
            "\(label)\(pad(n(total), w))  (\(pad(n(rd), rw)) rd   + \(pad(n(wr), ww)) wr)"
        }
        func splitRate(_ label: String, _ total: String, _ rd: String, _ wr: String) -> String {
            "\(label)\(pad(total, w))  (\(pad(rd, rw))      + \(pad(wr, ww))   )"
        }
        let llRefsRd = c.i1mr + c.d1mr, llRefsWr = c.d1mw
        let llMissRd = c.ilmr + c.dlmr, llMissWr = c.dlmw
        return [
            "I   refs:      \(pad(n(c.ir), w))",
            "I1  misses:    \(pad(n(c.i1mr), w))",
            "LLi misses:    \(pad(n(c.ilmr), w))",
            "I1  miss rate: \(pad(rate(c.i1mr, c.ir), w))",
            "LLi miss rate: \(pad(rate(c.ilmr, c.ir), w))",
            "",
            split("D   refs:      ", c.dr + c.dw, c.dr, c.dw),
            split("D1  misses:    ", c.d1mr + c.d1mw, c.d1mr, c.d1mw),
            split("LLd misses:    ", c.dlmr + c.dlmw, c.dlmr, c.dlmw),
            splitRate("D1  miss rate: ", rate(c.d1mr + c.d1mw, c.dr + c.dw), rate(c.d1mr, c.dr), rate(c.d1mw, c.dw)),
            splitRate("LLd miss rate: ", rate(c.dlmr + c.dlmw, c.dr + c.dw), rate(c.dlmr, c.dr), rate(c.dlmw, c.dw)),
            "",
            split("LL refs:       ", llRefsRd + llRefsWr, llRefsRd, llRefsWr),
            split("LL misses:     ", llMissRd + llMissWr, llMissRd, llMissWr),
            splitRate("LL miss rate:  ", rate(llMissRd + llMissWr, c.ir + c.dr + c.dw),
                      rate(llMissRd, c.ir + c.dr), rate(llMissWr, c.dw)),
        ].joined(separator: "\n")
    }

    /// The `cg_annotate` event summary: a header of event names and the totals.
    public var eventSummary: String {
        let c = counts
        let names = ["Ir", "I1mr", "ILmr", "Dr", "D1mr", "DLmr", "Dw", "D1mw", "DLmw"]
        let values = [c.ir, c.i1mr, c.ilmr, c.dr, c.d1mr, c.dlmr, c.dw, c.d1mw, c.dlmw].map(String.init)
        let widths = zip(names, values).map { max($0.count, $1.count) }
        func row(_ cells: [String]) -> String {
            zip(cells, widths).map { String(repeating: " ", count: $1 - $0.count) + $0 }.joined(separator: " ")
        }
        return row(names) + "\n" + row(values) + "  PROGRAM TOTALS"
    }
}
