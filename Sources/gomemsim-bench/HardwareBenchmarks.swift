// Cache-model speed (issue 6): raw-address accesses through TLB + L1 + L2 + L3
// (skylake-sp: 32 KiB 8-way / 1 MiB 16-way / 32 MiB 16-way, 64 B lines, dTLB 64x4 +
// STLB 1536x12), single core. Goals: sequential >= 80 M accesses/s, uniform random
// over 1 GiB >= 12 M/s, in memory and replayed from a raw-address binary trace. Also
// prints the modelled ns per access that the chapter's "sequential is 10x faster" claim rests on.
import Foundation
import GoMemSimHardware
import GoMemSimTrace

func runHardwareBenchmarks() throws {
    let accesses = Int(ProcessInfo.processInfo.environment["GOMEMSIM_BENCH_ACCESSES"] ?? "") ?? 100_000_000
    let base: UInt64 = 0x7f00_0000_0000
    let gib: UInt64 = 1 << 30

    var speedProfile = MachineProfile.skylakeSP
    speedProfile.hardware.prefetchers = nil  // the speed goal is for TLB + caches

    // CPU time of this thread, so the figure holds on a shared, loaded machine.
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = threadCPUSeconds()
        try body()
        return threadCPUSeconds() - start
    }

    func sequential(_ profile: MachineProfile) throws -> (rate: Double, nsPerAccess: Double) {
        var hw = try MemoryHierarchy(profile: profile)
        var modelled: UInt64 = 0
        let t = seconds {
            var address = base
            for _ in 0..<accesses {
                modelled &+= hw.access(address: address, length: 8, isWrite: false, dependent: false, pageShift: 12)
                address &+= 8
            }
        }
        return (Double(accesses) / t / 1e6, Double(modelled) / Double(accesses))
    }

    func random(_ profile: MachineProfile, pageShift: UInt8 = 12) throws -> (rate: Double, nsPerAccess: Double) {
        var hw = try MemoryHierarchy(profile: profile)
        var modelled: UInt64 = 0
        var state: UInt64 = 42
        let t = seconds {
            for _ in 0..<accesses {
                let offset = SplitMix64.next(&state) & (gib - 1) & ~7
                modelled &+= hw.access(address: base &+ offset, length: 8, isWrite: false, dependent: false,
                                       pageShift: pageShift)
            }
        }
        return (Double(accesses) / t / 1e6, Double(modelled) / Double(accesses))
    }

    // What generating the random addresses alone costs, to read the figures net of it.
    var sink: UInt64 = 0
    var state: UInt64 = 42
    let generation = seconds {
        for _ in 0..<accesses { sink &+= SplitMix64.next(&state) & (gib - 1) & ~7 }
    }
    blackHole(sink)

    func show(_ label: String, _ r: (rate: Double, nsPerAccess: Double), goal: Double?) {
        let g = goal.map { String(format: "  (goal >= %.0f M/s)", $0) } ?? ""
        print(String(format: "%-46@ %7.1f M accesses/s  modelled %7.2f ns/access%@", label as NSString, r.rate,
                     r.nsPerAccess, g as NSString))
    }
    print("\(accesses) accesses of 8 bytes, skylake-sp, rates in CPU time; address generation alone: "
          + String(format: "%.1f M/s", Double(accesses) / generation / 1e6))
    // A range access: the engine's `read 1 0 1GiB` fast path (lines per second), or
    // GOMEMSIM_BENCH_RANGE_MIB MiB (e.g. 600, a Go `for i := range b` pass over 600 MiB).
    func rangePass() throws {
        let mib = UInt64(ProcessInfo.processInfo.environment["GOMEMSIM_BENCH_RANGE_MIB"] ?? "")
        let rangeBytes = mib.map { $0 << 20 } ?? min(gib, UInt64(accesses) * 8)
        var hw = try MemoryHierarchy(profile: .skylakeSP)
        var modelled: UInt64 = 0
        let t = seconds {
            modelled = hw.access(address: base, length: rangeBytes, isWrite: false, dependent: false, pageShift: 12)
        }
        print(String(format: "%d MiB sequential range: %.1f M lines/s (%.2f s), modelled %.2f ns per 8-byte element",
                     Int(rangeBytes >> 20), Double(rangeBytes / 64) / t / 1e6, t,
                     Double(modelled) / Double(rangeBytes / 8)))
    }

    // The issue's form of the goal: a raw-address binary trace (`.gmtb` load records)
    // written once to /tmp, then read back through the binary reader into the hierarchy.
    // Decoding alone is timed too, to tell whether the reader caps the end-to-end rate.
    func traceReplay(random: Bool) throws {
        let path = NSTemporaryDirectory() + "gomemsim-bench-hardware-\(random ? "random" : "sequential").gmtb"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try TraceFileWriter(path: path)
        let symbols = SymbolTable()
        var state: UInt64 = 42
        for i in 0..<accesses {
            let offset = random ? SplitMix64.next(&state) & (gib - 1) & ~7 : UInt64(i) &* 8
            try writer.write(TraceRecord(.load(address: base &+ offset, length: 8, dependent: false)), symbols: symbols)
        }
        try writer.close()
        let bytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0

        // Both passes decode through `readAccesses(into:)`, the reader's batch path for
        // raw-address traces (no TraceRecord per access); other records go through next().
        // Plain loops over one buffer, no closures: a closure would capture the hierarchy
        // in a heap box and reach its state through it. The replay hands each batch to the
        // hierarchy in one call (`access(_:pageShift:)`, the same figures as one call per access).
        let batch = UnsafeMutableBufferPointer<RawAccess>.allocate(capacity: 4096)
        defer { batch.deallocate() }
        /// The next run of raw accesses, empty at the end of the trace.
        func nextRun(_ reader: inout BinaryTraceReader) throws -> UnsafeMutableBufferPointer<RawAccess> {
            while true {
                let n = try reader.readAccesses(into: batch)
                if n > 0 { return UnsafeMutableBufferPointer(rebasing: batch[..<n]) }
                guard try reader.next() != nil else { return UnsafeMutableBufferPointer(rebasing: batch[..<0]) }
            }
        }

        var decoded = 0
        var sum: UInt64 = 0
        var reader = try BinaryTraceReader(path: path)
        let decode = try seconds {
            while true {
                let run = try nextRun(&reader)
                if run.isEmpty { break }
                for a in run { sum &+= a.address &+ UInt64(a.length) }
                decoded += run.count
            }
        }
        blackHole(sum)

        var hw = try MemoryHierarchy(profile: speedProfile)
        var modelled: UInt64 = 0
        var replayed = 0
        reader = try BinaryTraceReader(path: path)
        let start = threadCPUSeconds()
        while true {
            let run = try nextRun(&reader)
            if run.isEmpty { break }
            modelled &+= hw.access(UnsafeBufferPointer(run), pageShift: 12)
            replayed += run.count
        }
        let replay = threadCPUSeconds() - start
        guard decoded == accesses, replayed == accesses else {
            print("MISMATCH: wrote \(accesses) loads, decoded \(decoded), replayed \(replayed)")
            return
        }
        let label = random ? "trace replay, uniform random over 1 GiB" : "trace replay, sequential"
        print(String(format: "%-46@ %7.1f M accesses/s  modelled %7.2f ns/access  (goal >= %.0f M/s; %.0f MB .gmtb; decoding alone %.1f M/s)",
                     label as NSString, Double(accesses) / replay / 1e6, Double(modelled) / Double(accesses),
                     random ? 12.0 : 80.0, Double(bytes) / 1e6, Double(accesses) / decode / 1e6))
    }

    // GOMEMSIM_BENCH_ONLY=sequential|random|range|trace|sequential-prefetch|random-prefetch
    // runs one case alone (for profilers).
    let only = ProcessInfo.processInfo.environment["GOMEMSIM_BENCH_ONLY"]
    if only == "range" { return try rangePass() }
    if only == "sequential-prefetch" { return show("sequential, prefetchers on", try sequential(.skylakeSP), goal: nil) }
    if only == "random-prefetch" { return show("uniform random over 1 GiB, prefetchers on", try random(.skylakeSP), goal: nil) }
    if only == "trace" || only == "trace-sequential" || only == "trace-random" {
        if only != "trace-random" { try traceReplay(random: false) }
        if only != "trace-sequential" { try traceReplay(random: true) }
        return
    }
    if only != "random" { show("sequential, no prefetchers", try sequential(speedProfile), goal: 80) }
    if only != "sequential" { show("uniform random over 1 GiB, no prefetchers", try random(speedProfile), goal: 12) }
    if only != nil { return }
    try traceReplay(random: false)
    try traceReplay(random: true)
    if ProcessInfo.processInfo.environment["GOMEMSIM_BENCH_SPEED_ONLY"] == "1" { return }
    let seq = try sequential(.skylakeSP)
    let rnd = try random(.skylakeSP)
    show("sequential, prefetchers on", seq, goal: nil)
    show("uniform random over 1 GiB, prefetchers on", rnd, goal: nil)
    show("uniform random over 1 GiB, 2 MiB pages", try random(.skylakeSP, pageShift: 21), goal: nil)
    print(String(format: "modelled random / sequential time per access: %.1fx", rnd.nsPerAccess / seq.nsPerAccess))

    try rangePass()
}

@inline(never)
func blackHole(_ value: UInt64) {
    if value == 0x5EED_5EED { print("") }
}
