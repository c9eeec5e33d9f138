// The kernel model's speed and its own memory: sequential 600 MiB passes (4 KiB and
// THP), and 1 GiB touched at random 4 KiB pages of a 1 TiB reservation, whose state
// must stay proportional to the touched pages.
import Foundation
import GoMemSimCore
import GoMemSimKernel
import GoMemSimTrace

func runKernelBenchmarks() throws {
    let mib: UInt64 = 1 << 20

    // Sequential write of 600 MiB, 4 KiB pages: 153 600 faults.
    do {
        var kernel = LinuxKernel(config: KernelConfig())
        let b = try kernel.map(length: 600 * mib, protection: [.read, .write], flags: .anonymous, file: nil,
                               fileOffset: 0, fixedAddress: nil).value
        let start = Date()
        _ = try kernel.touch(address: b, length: 600 * mib, isWrite: true)
        let seconds = Date().timeIntervalSince(start)
        print("sequential 600 MiB write, 4 KiB pages: \(format(seconds * 1000)) ms, "
              + "\(format(Double(153_600) / seconds / 1e6)) M faults/s, RSS \((kernel.figures.vmRSS ?? 0) >> 20) MiB")
    }
    // The same with MADV_HUGEPAGE: 300 huge-page faults.
    do {
        var kernel = LinuxKernel(config: KernelConfig())
        let b = try kernel.map(length: 600 * mib, protection: [.read, .write], flags: .anonymous, file: nil,
                               fileOffset: 0, fixedAddress: 0xc0_0000_0000).value
        _ = try kernel.advise(address: b, length: 600 * mib, advice: .hugePage)
        let start = Date()
        _ = try kernel.touch(address: b, length: 600 * mib, isWrite: true)
        let seconds = Date().timeIntervalSince(start)
        print("sequential 600 MiB write, THP: \(format(seconds * 1e6)) µs")
    }
    // 8-byte accesses to resident memory: the engine's common case.
    do {
        var kernel = LinuxKernel(config: KernelConfig())
        let b = try kernel.map(length: 64 * mib, protection: [.read, .write], flags: .anonymous, file: nil,
                               fileOffset: 0, fixedAddress: nil).value
        _ = try kernel.touch(address: b, length: 64 * mib, isWrite: true)
        var rng: UInt64 = 42
        let count = 5_000_000
        let start = Date()
        var cost: UInt64 = 0
        for _ in 0..<count {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            cost &+= try kernel.touch(address: b + (rng >> 20) % (64 * mib - 8), length: 8, isWrite: rng & 1 == 0).costNs
        }
        let seconds = Date().timeIntervalSince(start)
        print("8-byte accesses to resident memory: \(format(Double(count) / seconds / 1e6)) M touches/s (cost \(cost))")
    }
    // 1 GiB at random 4 KiB pages of a 1 TiB reservation.
    do {
        var kernel = LinuxKernel(config: KernelConfig())
        let tib: UInt64 = 1 << 40
        let b = try kernel.map(length: tib, protection: [.read, .write], flags: .anonymous, file: nil,
                               fileOffset: 0, fixedAddress: nil).value
        let hwmBefore = (peakResidentKiB() ?? 0)
        var rng: UInt64 = 0x5EED
        let touches = Int((1 << 30) / 4096)
        let start = Date()
        for _ in 0..<touches {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            _ = try kernel.touch(address: b + ((rng >> 16) % (tib >> 12)) << 12, length: 8, isWrite: true)
        }
        let seconds = Date().timeIntervalSince(start)
        let rss = kernel.figures.vmRSS ?? 0
        print("1 TiB mapping, \(touches) random 4 KiB touches: \(format(Double(touches) / seconds / 1e6)) M touches/s, "
              + "model RSS \(rss >> 20) MiB, model state \(kernel.stateFootprintBytes >> 20) MiB "
              + "(\(kernel.stateFootprintBytes / max(1, Int(rss >> 12))) B per touched page), "
              + "simulator VmHWM \(hwmBefore >> 10) → \((peakResidentKiB() ?? 0) >> 10) MiB")
        let start2 = Date()
        _ = try kernel.unmap(address: b, length: tib)
        print("munmap of the 1 TiB mapping: \(format(Date().timeIntervalSince(start2) * 1000)) ms")
    }
}


private func format(_ value: Double) -> String { String(format: "%.2f", value) }
