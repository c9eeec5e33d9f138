// Replay speed through the Go allocator model: a churn of small objects over a constant
// live set (each new object replaces the oldest), with automatic collections sweeping
// the released ones. Target: ≥ 10 M allocations/s in a release build.
import Foundation
import GoMemSimCore
import GoMemSimRuntime
import GoMemSimTrace

/// A kernel that models nothing, so the figure is the allocator's own speed: mappings
/// get addresses (the requested one when given), every call costs nothing.
struct NoOpKernel: KernelModel {
    private var nextAddress: UInt64 = 0x7f00_0000_0000
    var modelName: String? { "no-op" }
    mutating func declareFile(name: String, size: UInt64, cachedBytes: UInt64) throws(ModelError) {}
    mutating func map(length: UInt64, protection: Protection, flags: MapFlags, file: String?,
                      fileOffset: UInt64, fixedAddress: UInt64?) throws(ModelError) -> KernelCall<UInt64> {
        if let fixedAddress { return KernelCall(fixedAddress, costNs: 0) }
        nextAddress -= (length + 0xfff) & ~0xfff
        return KernelCall(nextAddress, costNs: 0)
    }
    mutating func unmap(address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void> { KernelCall((), costNs: 0) }
    mutating func advise(address: UInt64, length: UInt64, advice: Advice) throws(ModelError) -> KernelCall<Void> { KernelCall((), costNs: 0) }
    mutating func protect(address: UInt64, length: UInt64, protection: Protection) throws(ModelError) -> KernelCall<Void> { KernelCall((), costNs: 0) }
    mutating func touch(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch { PageTouch() }
    /// Touches never cost or change anything: one epoch, as with Linux while nothing is evicted.
    var residencyEpoch: UInt64? { 0 }
    mutating func readFile(_ file: String, fileOffset: UInt64, into address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void> { KernelCall((), costNs: 0) }
    mutating func advance(to now: UInt64) {}
    func fill(_ figures: inout MemoryFigures) {}
    func checkpointRows(seq: Int, into rows: inout ModelRows) {}
    func runRows(into rows: inout ModelRows) {}
}

func runAllocatorBenchmarks() throws {
    for liveObjects in [10_000, 100_000] { try runChurn(liveObjects: liveObjects) }
}

private func runChurn(liveObjects: Int) throws {
    var runtime = GoRuntime(config: RuntimeConfig())
    var kernel = NoOpKernel()
    try runtime.start(now: 0, kernel: &kernel)

    // Sizes a typical Go service allocates: tiny strings, small structs, slices.
    let sizes: [(size: UInt64, scan: Bool)] = [
        (4, false), (8, false), (12, false), (16, true), (24, true), (32, true), (48, true), (64, false),
        (96, true), (128, true), (200, false), (256, true), (512, false), (1024, true), (3000, false), (40, true),
    ]
    var ringAddress = [UInt64](repeating: 0, count: liveObjects)
    var ringSize = [UInt8](repeating: 0, count: liveObjects)
    // ALLOCATIONS=N runs a shorter churn (e.g. under valgrind, to count instructions).
    let allocations = ProcessInfo.processInfo.environment["ALLOCATIONS"].flatMap { Int($0) } ?? 20_000_000
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    var now: UInt64 = 0

    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = clock()
    let sizeOf = sizes.map(\.size), scanOf = sizes.map(\.scan)
    try ringAddress.withUnsafeMutableBufferPointer { ringAddress in
        try ringSize.withUnsafeMutableBufferPointer { ringSize in
            var slot = 0
            for i in 0..<allocations {
                if ringAddress[slot] != 0 {
                    let old = Int(ringSize[slot])
                    runtime.release(address: ringAddress[slot], size: sizeOf[old], scan: scanOf[old])
                }
                seed = seed &* 6364136223846793005 &+ 1442695040888963407  // deterministic LCG
                let pick = Int(seed >> 60)
                let allocation = try runtime.allocate(size: sizeOf[pick], scan: scanOf[pick], goroutine: UInt32(i & 1),
                                                      now: now, kernel: &kernel)
                now &+= 50
                ringAddress[slot] = allocation.address
                ringSize[slot] = UInt8(pick)
                slot += 1
                if slot == liveObjects { slot = 0 }
            }
        }
    }
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    let cpuSeconds = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)

    var figures = MemoryFigures()
    runtime.fill(&figures)
    let rate = Double(allocations) / (Double(elapsed) / 1e9)
    print(String(format: "allocator churn: %d allocations in %.3f s wall = %.2f M allocs/s (%.3f s CPU = %.2f M allocs per CPU-second)",
                 allocations, Double(elapsed) / 1e9, rate / 1e6, cpuSeconds, Double(allocations) / cpuSeconds / 1e6))
    print("  live set \(liveObjects) objects; collections \(figures.numGC ?? 0); HeapAlloc \((figures.heapAlloc ?? 0) >> 10) KiB; HeapInuse \((figures.heapInuse ?? 0) >> 10) KiB; HeapSys \((figures.heapSys ?? 0) >> 10) KiB")
    let violations = runtime._checkInvariants()
    print("  invariants: \(violations.isEmpty ? "hold" : violations.prefix(3).joined(separator: "; "))")
}
