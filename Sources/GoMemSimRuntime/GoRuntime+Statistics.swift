import GoMemSimCore

/// What the runtime reports: `runtime.MemStats`, per-class fragmentation, latencies.
extension GoRuntime {
    public func fill(_ figures: inout MemoryFigures) {
        figures.heapAlloc = heapAlloc
        figures.heapSys = heapSys
        figures.heapInuse = heapInuse
        figures.heapIdle = heapFree + heapReleased
        figures.heapReleased = heapReleased
        figures.heapObjects = heapObjects
        figures.stackInuse = stackInuse
        figures.sys = sys
        figures.totalAlloc = totalAlloc
        figures.mallocs = mallocs
        // Tiny allocations inside an existing block count as an immediate free
        // (mstats.go), so HeapObjects = Mallocs - Frees counts blocks.
        figures.frees = frees + tinyAllocs
        figures.numGC = numGC
        figures.numForcedGC = numForcedGC
        figures.nextGC = currentHeapGoal
        figures.pauseTotalNs = gc.pauseTotalNs
        figures.gcCPUFraction = gc.gcCPUFraction
        figures.mappedReady = mappedReady
    }

    /// Fragmentation of one size class (scan and noscan spans together) at a checkpoint.
    public struct SizeClassUsage: Hashable, Sendable {
        public var sizeClass: Int
        public var objectSize: UInt64
        /// Pages per span (for class 0, large objects: pages of all its spans).
        public var spanPages: UInt64
        public var spans: UInt64 = 0
        /// Slots taken: live objects and released ones not yet swept.
        public var liveObjects: UInt64 = 0
        public var liveBytes: UInt64 = 0
        /// Slot bytes beyond what the program asked for.
        public var roundUpWaste: UInt64 = 0
        /// Bytes at the end of spans too small for another object.
        public var tailWaste: UInt64 = 0
        /// Free slots in spans that have some (the partial spans).
        public var freeSlots: UInt64 = 0
    }

    /// Per size class usage, classes with spans only, by class. Class 0 is large objects.
    public func sizeClassUsage() -> [SizeClassUsage] {
        var usage: [Int: SizeClassUsage] = [:]
        for span in spans.spans where span.state == .heap {
            let c = span.spanClass.sizeClass
            var u = usage[c] ?? SizeClassUsage(
                sizeClass: c, objectSize: UInt64(SizeClasses.classToSize[c]),
                spanPages: c == 0 ? 0 : UInt64(SizeClasses.classToAllocNPages[c]))
            u.spans += 1
            u.liveObjects += UInt64(span.allocCount)
            u.liveBytes += UInt64(span.allocCount) * span.elemSize
            u.roundUpWaste += UInt64(span.allocCount) * span.elemSize - min(span.requestedBytes, UInt64(span.allocCount) * span.elemSize)
            u.tailWaste += span.bytes - UInt64(span.nelems) * span.elemSize
            u.freeSlots += UInt64(span.nelems - span.allocCount)
            if c == 0 { u.spanPages += UInt64(span.npages) }
            usage[c] = u
        }
        return usage.keys.sorted().compactMap { usage[$0] }
    }

    static let sizeClassColumns = ["seq", "class", "object_size", "span_pages", "spans", "live_objects", "live_bytes",
                                   "round_up_waste", "tail_waste", "free_slots"]

    public func checkpointRows(seq: Int, into rows: inout ModelRows) {
        for u in sizeClassUsage() {
            rows.append(to: "size_classes", columns: Self.sizeClassColumns, [
                .int(Int64(seq)), .int(Int64(u.sizeClass)), .int(Int64(u.objectSize)), .int(Int64(u.spanPages)),
                .int(Int64(u.spans)), .int(Int64(u.liveObjects)), .int(Int64(u.liveBytes)),
                .int(Int64(u.roundUpWaste)), .int(Int64(u.tailWaste)), .int(Int64(u.freeSlots)),
            ])
        }
    }

    public func runRows(into rows: inout ModelRows) {
        latency.rows(into: &rows)
        for cycle in gc.cycles { rows.append(to: "gc_cycles", columns: GCCycle.columns, cycle.row) }
    }

    /// Allocations by path so far (tiny, small, large), as recorded in the histograms.
    public var allocationCounts: (tiny: UInt64, small: UInt64, large: UInt64) {
        (latency.count(.tiny), latency.count(.small), latency.count(.large))
    }

    /// Background and eager (synchronous) scavenger releases, and the background CPU.
    public var scavengerTotals: (background: UInt64, eager: UInt64, backgroundCPUNs: UInt64) {
        (scavenger.releasedBackground, scavenger.releasedEager, scavenger.backgroundCPUNs)
    }
}
