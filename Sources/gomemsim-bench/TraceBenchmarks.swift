// Trace parsing speed: a ~200 MB realistic text trace and its binary equivalent are
// generated in /tmp, then read back with the streaming readers.
// Goals (release build): text ≥ 300 MB/s, binary ≥ 100 M events/s.
import Foundation
import GoMemSimTrace

func runTraceBenchmarks() throws {
    let textPath = "/tmp/gomemsim-bench-trace.gmt"
    let binaryPath = "/tmp/gomemsim-bench-trace.gmtb"
    // GOMEMSIM_BENCH_TRACE_MB shrinks the trace (e.g. for a run under callgrind).
    let megabytes = ProcessInfo.processInfo.environment["GOMEMSIM_BENCH_TRACE_MB"].flatMap { Int($0) } ?? 200
    let targetBytes = megabytes * 1_000_000
    let events = try generateBenchmarkTrace(textPath: textPath, binaryPath: binaryPath, targetTextBytes: targetBytes)
    defer {
        try? FileManager.default.removeItem(atPath: textPath)
        try? FileManager.default.removeItem(atPath: binaryPath)
    }
    let textBytes = try FileManager.default.attributesOfItem(atPath: textPath)[.size] as? Int ?? 0
    let binaryBytes = try FileManager.default.attributesOfItem(atPath: binaryPath)[.size] as? Int ?? 0
    print("generated \(events) events: text \(textBytes / 1_000_000) MB, binary \(binaryBytes / 1_000_000) MB")

    var best = (text: Double.infinity, binary: Double.infinity)
    for _ in 0..<3 {
        var text = try TextTraceReader(path: textPath)
        let (textSeconds, textCount, textSum) = try timeReading(&text)
        var binary = try BinaryTraceReader(path: binaryPath)
        let (binarySeconds, binaryCount, binarySum) = try timeReading(&binary)
        guard textCount == events, binaryCount == events, textSum == binarySum else {
            print("MISMATCH: text \(textCount) events (checksum \(textSum)), binary \(binaryCount) (\(binarySum))")
            return
        }
        best = (min(best.text, textSeconds), min(best.binary, binarySeconds))
    }
    let mb = Double(textBytes) / 1e6
    print(String(format: "text   parse: %7.1f MB/s  %6.1f M events/s  (%.3f s, CPU time, best of 3; goal 300 MB/s)",
                 mb / best.text, Double(events) / best.text / 1e6, best.text))
    print(String(format: "binary parse: %7.1f MB/s  %6.1f M events/s  (%.3f s, CPU time, best of 3; goal 100 M events/s)",
                 Double(binaryBytes) / 1e6 / best.binary, Double(events) / best.binary / 1e6, best.binary))
}

/// Reads every record, folding fields into a checksum so nothing is optimised away.
private func timeReading<S: TraceSource>(_ source: inout S) throws -> (seconds: Double, count: Int, checksum: UInt64) {
    // Thread CPU time, not wall time: the benchmark machine is shared, and a reader is
    // single-threaded and CPU-bound once the file is in the page cache.
    let start = threadCPUSeconds()
    var count = 0
    var checksum: UInt64 = 0
    while let record = try source.next() {
        count += 1
        checksum = checksum &* 31 &+ UInt64(record.goroutine)
        switch record.event {
        case let .alloc(id, size, scan): checksum = checksum &+ id &+ size &+ (scan ? 1 : 0)
        case let .read(id, offset, length, _): checksum = checksum &+ id &+ offset &+ length
        case let .write(id, offset, length): checksum = checksum &+ id &+ offset &+ length
        case let .free(id): checksum = checksum &+ id
        case let .compute(ns): checksum = checksum &+ ns
        default: checksum = checksum &+ 7
        }
    }
    return (threadCPUSeconds() - start, count, checksum)
}

/// A Go-like workload: goroutines allocate small objects (Go's size classes), fill
/// them, chase pointers through them, drop them; now and then a large buffer, some
/// CPU work, a GC. Deterministic (seeded).
private func generateBenchmarkTrace(textPath: String, binaryPath: String, targetTextBytes: Int) throws -> Int {
    var text = try TraceFileWriter(path: textPath)
    var binary = try TraceFileWriter(path: binaryPath)
    var symbols = SymbolTable()
    let label = symbols.intern("steady")
    var state: UInt64 = 0x2545_f491_4f6c_dd1d
    func random() -> UInt64 {  // xorshift64*
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 0x2545_f491_4f6c_dd1d
    }
    let sizeClasses: [UInt64] = [8, 16, 24, 32, 48, 64, 80, 96, 128, 192, 256, 384, 512, 1024, 2048, 4096, 8192, 32768]
    var live: [UInt64] = []
    var nextID: UInt64 = 1
    var events = 0
    var approximateBytes = 0
    func emit(_ record: TraceRecord) throws {
        try text.write(record, symbols: symbols)
        try binary.write(record, symbols: symbols)
        events += 1
    }
    try emit(TraceRecord(.globals(bytes: 256 << 10)))
    try emit(TraceRecord(.setGCPercent(100)))
    for g in 1...8 { try emit(TraceRecord(.spawn(goroutine: UInt32(g)))) }
    var g: UInt32 = 0
    while approximateBytes < targetTextBytes {
        // A goroutine runs a while before the scheduler switches (about 32 events here).
        if random() % 32 == 0 { g = UInt32(random() % 9) }
        let roll = random() % 100
        if roll < 30 || live.isEmpty {
            let size = random() % 1000 == 0 ? UInt64(1 << 20) : sizeClasses[Int(random() % UInt64(sizeClasses.count))]
            let id = nextID
            nextID += 1
            try emit(TraceRecord(goroutine: g, .alloc(id: id, size: size, scan: random() % 2 == 0)))
            try emit(TraceRecord(goroutine: g, .write(id: id, offset: 0, length: size)))
            live.append(id)
            approximateBytes += g == 0 ? 36 : 42
        } else if roll < 75 {
            let id = live[Int(random() % UInt64(live.count))]
            try emit(TraceRecord(goroutine: g, .read(id: id, offset: random() % 8 * 8, length: 8, dependent: random() % 3 == 0)))
            approximateBytes += g == 0 ? 16 : 19
        } else if roll < 95 {
            let index = Int(random() % UInt64(live.count))
            try emit(TraceRecord(goroutine: g, .free(id: live[index])))
            live.swapAt(index, live.count - 1)
            live.removeLast()
            approximateBytes += g == 0 ? 9 : 12
        } else if roll < 99 {
            try emit(TraceRecord(goroutine: g, .compute(ns: (random() % 50 + 1) * 1000)))
            approximateBytes += 16
        } else if random() % 100 == 0 {
            try emit(TraceRecord(.gc))
            try emit(TraceRecord(.checkpoint(label: label)))
            approximateBytes += 25
        }
    }
    try text.close()
    try binary.close()
    return events
}
