import GoMemSimCore

extension CacheHierarchy {
    /// Level names (`L1D`, `L2`, …) in order.
    public var levelNames: [String] { profile.hardware.caches.map(\.name) }

    /// TLB counters of `level` (`dTLB` or `STLB`) for pages of `1 << pageShift` bytes.
    public func tlbCounters(level: TLBLevel, pageShift: UInt8) -> TLBCounters {
        translationCounters(level: level, pageClass: TranslationState.pageClass(pageShift))
    }

    /// TLB counters with the same-page fast path's hits folded in.
    func translationCounters(level: TLBLevel, pageClass c: Int) -> TLBCounters {
        // Every lookup hits or misses: the hot paths count those two, not accesses.
        guard level == .dTLB else {
            var t = translation.stlbCounters[c]
            t.accesses = t.hits &+ t.misses
            return t
        }
        var t = translation.l1Counters[c]
        t.accesses = t.hits &+ t.misses
        let fast = fastTLBHits[c] &+ sameLineTLBHits(pageClass: c)
        t.accesses &+= fast
        t.hits &+= fast
        return t
    }

    /// Reads and writes (lines) recorded, and their total modelled time in ns.
    public var latencyTotals: (reads: UInt64, readNs: Double, writes: UInt64, writeNs: Double) {
        let (r, w) = (readLatencies, writeLatencies)
        return (r.count, r.totalNs, w.count, w.totalNs)
    }

    /// The counters so far at checkpoint `seq` (`checkpoint_cache_stats`,
    /// `checkpoint_tlb_stats`): cumulative, so the views `v_cache_intervals` and
    /// `v_tlb_intervals` give each interval between checkpoints as a difference.
    public func checkpointRows(seq: Int, into rows: inout ModelRows) {
        for (i, c) in counters.enumerated() {
            rows.append(to: "checkpoint_cache_stats", columns: Self.checkpointCacheColumns, [
                .int(Int64(seq)), .text(levelNames[i]), Self.int(c.accesses), Self.int(c.hits), Self.int(c.misses),
                Self.int(c.evictions), Self.int(c.writebacks), Self.int(c.prefetches), Self.int(c.prefetchHits),
            ])
        }
        forEachTLBRow { level, pageBytes, t in
            rows.append(to: "checkpoint_tlb_stats", columns: ["seq"] + Self.tlbColumns,
                        [.int(Int64(seq))] + Self.tlbRow(level, pageBytes, t))
        }
    }

    static var checkpointCacheColumns: [String] {
        ["seq", "level", "accesses", "hits", "misses", "evictions", "writebacks", "prefetches", "prefetch_hits"]
    }
    static var tlbColumns: [String] { ["level", "page_size", "accesses", "hits", "misses", "walks", "walk_cycles"] }

    static func int(_ v: UInt64) -> FigureValue { .int(Int64(clamping: v)) }

    static func tlbRow(_ level: TLBLevel, _ pageBytes: Int64, _ t: TLBCounters) -> [FigureValue] {
        [.text(level.rawValue), .int(pageBytes), int(t.accesses), int(t.hits), int(t.misses), int(t.walks),
         int(t.walkCycles)]
    }

    /// Each TLB array and page size in use (present, or walked for), with its counters.
    func forEachTLBRow(_ body: (TLBLevel, Int64, TLBCounters) -> Void) {
        for (level, present) in [(TLBLevel.dTLB, translation.hasL1), (.STLB, translation.stlbHolds)] {
            for c in 0..<3 {
                let t = translationCounters(level: level, pageClass: c)
                guard present[c] || t.walks > 0 else { continue }
                guard t.accesses > 0 || t.walks > 0 else { continue }
                body(level, Int64(1) << TranslationState.classShifts[c], t)
            }
        }
    }

    /// `cache_stats` (one row per level), `tlb_stats` (one row per TLB array and page
    /// size in use) and `latency` (one row per op with accesses).
    public func runRows(into rows: inout ModelRows) {
        let cacheColumns = ["level", "accesses", "hits", "misses", "evictions", "writebacks",
                            "compulsory", "capacity", "conflict", "prefetches", "prefetch_hits"]
        let int = Self.int
        let classified = classifiers != nil
        for (i, c) in counters.enumerated() {
            rows.append(to: "cache_stats", columns: cacheColumns, [
                .text(levelNames[i]), int(c.accesses), int(c.hits), int(c.misses), int(c.evictions),
                int(c.writebacks),
                classified ? int(c.compulsory) : .null, classified ? int(c.capacity) : .null,
                classified ? int(c.conflict) : .null,
                int(c.prefetches), int(c.prefetchHits),
            ])
        }

        forEachTLBRow { level, pageBytes, t in
            rows.append(to: "tlb_stats", columns: Self.tlbColumns, Self.tlbRow(level, pageBytes, t))
        }

        let latencyColumns = ["op", "count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns"]
        for (op, recorder) in [("read", readLatencies), ("write", writeLatencies)] where recorder.count > 0 {
            let h = recorder.histogram()
            func ns(_ percentile: Double) -> FigureValue { .real(Double(h.valueAtPercentile(percentile)) / LatencyRecorder.bucketsPerNs) }
            rows.append(to: "latency", columns: latencyColumns, [
                .text(op), int(recorder.count), ns(50), ns(90), ns(99), ns(99.9),
                .real(Double(h.max) / LatencyRecorder.bucketsPerNs),
                .real(recorder.totalNs / Double(recorder.count)),
            ])
        }
    }
}

/// The two TLB levels rows name.
public enum TLBLevel: String, Hashable, Sendable {
    case dTLB, STLB
}
