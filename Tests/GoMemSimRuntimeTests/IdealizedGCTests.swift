import GoMemSimCore
@testable import GoMemSimRuntime
import Testing

/// The gc-guide's graph workloads (go.dev/doc/gc-guide, `data-workload` of each graph):
/// phases of mutator CPU time at an allocation rate, with the fraction of new
/// allocation that survives and of the phase-start live heap that dies.
private struct Phase {
    var seconds: Double
    var mibPerSecond: Double
    var newSurvival: Double
    var oldDeath: Double
}

private let graph1 = [Phase(seconds: 1, mibPerSecond: 20, newSurvival: 1, oldDeath: 0),
                      Phase(seconds: 9, mibPerSecond: 20, newSurvival: 0, oldDeath: 0)]

/// Drives the model the way the engine replays a trace of the workload: 64 KiB objects,
/// mutator time advancing between allocations, the allocation's cost (a pause) added
/// to the clock. Survivors stay allocated; dying objects are freed in allocation order.
private func replay(_ phases: [Phase], gogc: Int32?, limitMiB: UInt64? = nil, otherMiB: UInt64 = 0)
    -> (model: IdealizedGC, totalNs: UInt64)
{
    var parameters = IdealizedGC.Parameters()
    parameters.otherMemBytes = otherMiB << 20
    var model = IdealizedGC(parameters: parameters, gogc: gogc, memoryLimit: limitMiB.map { $0 << 20 })
    var kernel = UnmodelledKernel()
    let objectSize: UInt64 = 64 << 10
    var now: UInt64 = 0
    var live: [UInt64] = []  // addresses of surviving objects, oldest first
    var liveStart = 0
    for phase in phases {
        let count = Int(phase.seconds * phase.mibPerSecond * 16)  // 16 objects per MiB
        let stepNs = UInt64(1e9 / (phase.mibPerSecond * 16))
        let dying = Int((Double(live.count - liveStart) * phase.oldDeath).rounded())
        var survivorCredit = 0.0, deathCredit = 0.0, died = 0
        for _ in 0..<count {
            now += stepNs
            let a = try! model.allocate(size: objectSize, scan: true, goroutine: 0, now: now, kernel: &kernel)
            now += a.costNs
            survivorCredit += phase.newSurvival
            if survivorCredit >= 1 { survivorCredit -= 1; live.append(a.address) }
            else { model.release(address: a.address, size: objectSize, scan: true) }
            deathCredit += Double(dying) / Double(count)
            while deathCredit >= 1, died < dying {
                deathCredit -= 1; died += 1
                model.release(address: live[liveStart], size: objectSize, scan: true)
                liveStart += 1
            }
        }
    }
    return (model, now)
}

@Test func graph1AtGOGC100MatchesTheGuide() {
    let (model, total) = replay(graph1, gogc: 100)
    // Reference output of the guide's model (facts/go-gc-pacer.md §9): 6.4 %, 40.0 MiB, 12 cycles.
    #expect(model.cycles.count == 12)
    #expect(Double(model.peakMemoryBytes) / 1_048_576 == 40.0)
    let cpu = Double(model.gcTimeNs) / Double(total) * 100
    #expect(abs(cpu - 6.4) < 0.05)
}

@Test func graph1AtGOGC50MatchesTheGuide() {
    let (model, total) = replay(graph1, gogc: 50)
    // Reference: 11.2 %, 30.0 MiB, 22 cycles.
    #expect(model.cycles.count == 22)
    #expect(Double(model.peakMemoryBytes) / 1_048_576 == 30.0)
    let cpu = Double(model.gcTimeNs) / Double(total) * 100
    #expect(abs(cpu - 11.2) < 0.05)
}

@Test func firstGoalIsTheFourMiBMinimum() {
    let model = IdealizedGC(gogc: 100)
    #expect(model.goal == 4 << 20)
    let gogc25 = IdealizedGC(gogc: 25)
    #expect(gogc25.goal == 4 << 20)
}

@Test func memoryLimitCapsTheGoalBelowOtherMemory() {
    // Graph 4: 10 MiB of other memory; a 35 MiB limit caps the 20 MiB live heap's goal at 25 MiB.
    let (model, _) = replay(graph1, gogc: 100, limitMiB: 35, otherMiB: 10)
    #expect(model.goal == 25 << 20, "\(model.cycles.suffix(3))")
    #expect(model.peakMemoryBytes <= 35 << 20)
    let (unlimited, _) = replay(graph1, gogc: 100, otherMiB: 10)
    #expect(unlimited.peakMemoryBytes == 50 << 20)
    #expect(model.cycles.count > unlimited.cycles.count)
}

@Test func gogcOffCollectsOnlyAtTheLimit() {
    let (off, _) = replay(graph1, gogc: nil)
    #expect(off.cycles.isEmpty)
    let (limited, _) = replay(graph1, gogc: nil, limitMiB: 60)
    #expect(limited.cycles.count > 0)
    #expect(limited.peakMemoryBytes <= 60 << 20)
}

@Test func doublingGOGCRoughlyHalvesGCCPU() {
    // gc-guide: "doubling GOGC will double heap memory overheads and roughly halve GC CPU cost".
    let long = [Phase(seconds: 1, mibPerSecond: 20, newSurvival: 1, oldDeath: 0),
                Phase(seconds: 60, mibPerSecond: 20, newSurvival: 0, oldDeath: 0)]
    let (a, ta) = replay(long, gogc: 100)
    let (b, tb) = replay(long, gogc: 200)
    let ratio = (Double(a.gcTimeNs) / Double(ta)) / (Double(b.gcTimeNs) / Double(tb))
    #expect(ratio > 1.8 && ratio < 2.2)
}
