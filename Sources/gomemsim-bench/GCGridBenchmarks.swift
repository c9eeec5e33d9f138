// The gc-grid calibration (calibration/gc-grid-sample.tsv): every real row replayed
// through the full model (Linux kernel + Go 1.19 runtime with the collector), model vs
// real, and the replay speed against the ~3.3 s the real program takes.
import Foundation
import GoMemSimCore
import GoMemSimEngine
import GoMemSimKernel
import GoMemSimRecorder
import GoMemSimRuntime

/// One row of gc-grid-sample.tsv: the configuration and the figures compared.
private struct GridRow {
    var gogc: Int32?
    var limit: UInt64?
    var cycles: Int
    var steadyGoal: Double
    var gcCPUFraction: Double
    var peakMappedReady: Double
    var peakHeapAlloc: Double
    /// VmHWM, in KiB as /proc prints it.
    var vmHWMKiB: Double
}

/// gc-grid-sample.tsv, L=64MiB S=1024 noptr, first repetition of each configuration.
private let realRows: [GridRow] = [
    GridRow(gogc: 25, limit: nil, cycles: 64, steadyGoal: 91_376_276, gcCPUFraction: 0.144430, peakMappedReady: 130820128, peakHeapAlloc: 116186056, vmHWMKiB: 122668),
    GridRow(gogc: 50, limit: nil, cycles: 36, steadyGoal: 118_094_640, gcCPUFraction: 0.102476, peakMappedReady: 151802928, peakHeapAlloc: 135077192, vmHWMKiB: 141548),
    GridRow(gogc: 100, limit: nil, cycles: 19, steadyGoal: 146_372_008, gcCPUFraction: 0.074284, peakMappedReady: 186872880, peakHeapAlloc: 168418064, vmHWMKiB: 176688),
    GridRow(gogc: 200, limit: nil, cycles: 10, steadyGoal: 223_489_176, gcCPUFraction: 0.034532, peakMappedReady: 297770064, peakHeapAlloc: 272963968, vmHWMKiB: 284144),
    GridRow(gogc: 400, limit: nil, cycles: 5, steadyGoal: 375_865_928, gcCPUFraction: 0.019919, peakMappedReady: 413667424, peakHeapAlloc: 383259016, vmHWMKiB: 397528),
    GridRow(gogc: nil, limit: nil, cycles: 0, steadyGoal: 0, gcCPUFraction: 0, peakMappedReady: 1211744032, peakHeapAlloc: 1141410816, vmHWMKiB: 1174708),
    GridRow(gogc: nil, limit: 100_663_296, cycles: 74, steadyGoal: 86_092_384, gcCPUFraction: 0.108691, peakMappedReady: 109602848, peakHeapAlloc: 95941728, vmHWMKiB: 101436),
    GridRow(gogc: 100, limit: 100_663_296, cycles: 76, steadyGoal: 86_248_032, gcCPUFraction: 0.173604, peakMappedReady: 109733920, peakHeapAlloc: 96367424, vmHWMKiB: 101676),
    GridRow(gogc: 25, limit: 100_663_296, cycles: 87, steadyGoal: 86_190_768, gcCPUFraction: 0.178696, peakMappedReady: 106031136, peakHeapAlloc: 92435536, vmHWMKiB: 97604),
    GridRow(gogc: 400, limit: 100_663_296, cycles: 74, steadyGoal: 86_125_344, gcCPUFraction: 0.184377, peakMappedReady: 106326048, peakHeapAlloc: 92500704, vmHWMKiB: 97924),
    GridRow(gogc: 50, limit: 100_663_296, cycles: 81, steadyGoal: 86_215_344, gcCPUFraction: 0.237093, peakMappedReady: 105752608, peakHeapAlloc: 92123568, vmHWMKiB: 97436),
    GridRow(gogc: 200, limit: 100_663_296, cycles: 75, steadyGoal: 86_198_576, gcCPUFraction: 0.105490, peakMappedReady: 108038176, peakHeapAlloc: 94147088, vmHWMKiB: 99620),
]

/// What a gc-grid replay gives for the comparison.
struct GCGridOutcome {
    var cycles: Int
    var steadyCycles: Int
    var steadyGoalMedian: Double
    var gcCPUFraction: Double
    var pauseTotalNs: UInt64
    var meanMarked: Double
    var virtualSeconds: Double
    var events: UInt64
    var peakMappedReady: UInt64
    var peakHeapAlloc: UInt64
    var vmHWM: UInt64
}

/// Replays `synth gc-grid` with the given parameters and settings through the full model.
func replayGCGrid(parameters: [String: String], gogc: Int32?, limit: UInt64?) throws -> GCGridOutcome {
    var runConfig = RunConfig()
    runConfig.gogc = gogc
    runConfig.memoryLimit = limit
    runConfig.gomaxprocs = 2
    runConfig.sampleIntervalNs = 5_000_000
    var engine = Engine(source: try Synth.make(kind: "gc-grid", parameters: parameters, seed: 1),
                        kernel: LinuxKernel(config: KernelConfig()), runtime: GoRuntime(config: RuntimeConfig(runConfig)),
                        hardware: UnmodelledHardware(), config: runConfig)
    let result = engine.run()
    guard result.status == .complete else { throw ModelError(.invalid, result.failure ?? "replay failed") }
    let steadyStart = result.checkpoints.first { $0.label == "after_fill" }?.timeNs ?? 0
    let end = result.checkpoints.first { $0.label == "end" }
    let cycles = engine.runtime.gcCycles.filter { !$0.forced && $0.startNs <= (end?.timeNs ?? .max) }
    let steady = cycles.filter { $0.startNs >= steadyStart }
    let goals = steady.map { Double($0.heapGoal) }.sorted()
    let median = goals.isEmpty ? 0 : goals[goals.count / 2]
    let marked = steady.isEmpty ? 0 : steady.map { Double($0.heapMarked) }.reduce(0, +) / Double(steady.count)
    return GCGridOutcome(cycles: cycles.count, steadyCycles: steady.count, steadyGoalMedian: median,
                         gcCPUFraction: end?.figures.gcCPUFraction ?? 0, pauseTotalNs: end?.figures.pauseTotalNs ?? 0,
                         meanMarked: marked, virtualSeconds: Double(end?.timeNs ?? 0) / 1e9, events: result.events,
                         peakMappedReady: result.samples.compactMap(\.figures.mappedReady).max() ?? 0,
                         peakHeapAlloc: result.samples.compactMap(\.figures.heapAlloc).max() ?? 0,
                         vmHWM: end?.figures.vmHWM ?? 0)
}

func runGCGridBenchmarks() throws {
    // GOMEMSIM_BENCH_SPEED_ONLY=1: only the S=64 speed figures (for profiling).
    if ProcessInfo.processInfo.environment["GOMEMSIM_BENCH_SPEED_ONLY"] != "1" { try runGCGridComparison() }
    try runGCGridSpeed()
}

/// Every row of gc-grid-sample.tsv replayed at S=1024, model against real.
private func runGCGridComparison() throws {
    print("GOGC  limit  | cycles model/real | steady goal MB model/real | GCCPUFraction model/real | marked MB | peak mappedReady MB model/real | peak HeapAlloc MB model/real | VmHWM MB model/real | virt s | replay s")
    var totalWall = 0.0
    for row in realRows {
        let clock = ContinuousClock.now
        let outcome = try replayGCGrid(parameters: ["L": "64MiB", "S": "1024"], gogc: row.gogc, limit: row.limit)
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        totalWall += seconds
        let gogc = row.gogc.map { "\($0)" } ?? "off"
        let limit = row.limit.map { "\($0 >> 20)MiB" } ?? "none"
        let label = gogc.padding(toLength: 5, withPad: " ", startingAt: 0) + " " + limit.padding(toLength: 6, withPad: " ", startingAt: 0)
        print(label + String(format: " | %4d / %4d        | %7.1f / %7.1f          | %.3f / %.3f            | %6.1f    | %7.1f / %7.1f                 | %7.1f / %7.1f             | %7.1f / %7.1f     | %5.2f | %5.2f",
                     outcome.cycles, row.cycles, outcome.steadyGoalMedian / 1e6, row.steadyGoal / 1e6,
                     outcome.gcCPUFraction, row.gcCPUFraction, outcome.meanMarked / 1e6,
                     Double(outcome.peakMappedReady) / 1e6, row.peakMappedReady / 1e6,
                     Double(outcome.peakHeapAlloc) / 1e6, row.peakHeapAlloc / 1e6,
                     Double(outcome.vmHWM) / 1e6, row.vmHWMKiB * 1024 / 1e6, outcome.virtualSeconds, seconds))
    }
    print(String(format: "12 replays in %.2f s (the real program: ~3.3 s each)", totalWall))
}

/// Issue 5's speed goal at S=64, and the share of it that is the engine and the
/// generator alone (the same trace through the unmodelled stand-ins).
private func runGCGridSpeed() throws {
    // GOMEMSIM_GCGRID_STEADY (e.g. 64MiB) shortens the steady phase (for profiling); the
    // figures are for the default 1 GiB.
    var parameters = ["L": "64MiB", "S": "64"]
    parameters["steady"] = ProcessInfo.processInfo.environment["GOMEMSIM_GCGRID_STEADY"]
    let engineCPUBefore = processCPUSeconds()
    let engineAlone = Engine.replay(source: try Synth.make(kind: "gc-grid", parameters: parameters, seed: 1),
                                    config: RunConfig())
    let engineCPU = processCPUSeconds() - engineCPUBefore
    print(String(format: "S=64 engine + generator alone (unmodelled models): %d events in %.2f s CPU, %.1f M events per CPU-second, %.0f ns/event",
                 engineAlone.events, engineCPU, Double(engineAlone.events) / engineCPU / 1e6,
                 engineCPU / Double(max(engineAlone.events, 1)) * 1e9))
    // Issue 5's speed goal: S=64 (16.8 M allocations and as many frees), GOGC=100, the
    // full model, faster than the ~3.3 s the real Go program takes. CPU time, since the
    // machine is shared (wall time also counts waiting for a core).
    let clock = ContinuousClock.now
    let cpuBefore = processCPUSeconds()
    let outcome = try replayGCGrid(parameters: parameters, gogc: 100, limit: nil)
    let cpu = processCPUSeconds() - cpuBefore
    let elapsed = ContinuousClock.now - clock
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let realSeconds = 3.3  // the real Go 1.19 program, S=64 GOGC=100, timed on this machine (issue 5)
    print(String(format: "S=64 GOGC=100: %d events in %.2f s CPU (%.2f s wall), %.0f ns/event, %.1f M allocations per CPU-second; %d cycles, GCCPUFraction %.3f, virtual %.2f s",
                 outcome.events, cpu, seconds, cpu / Double(max(outcome.events, 1)) * 1e9,
                 Double(outcome.events) / 2 / cpu / 1e6, outcome.cycles, outcome.gcCPUFraction, outcome.virtualSeconds)
          + String(format: " — goal: faster than the real program's ~%.1f s (issue 5): ", realSeconds)
          + (cpu < realSeconds ? "met" : "NOT met"))
}

/// `gomemsim-bench gctrace`: the gctrace lines of one gc-grid replay (env GOGC,
/// GOMEMLIMIT in bytes, S, L, STEADY), for looking at the pacer cycle by cycle.
func runGCGridTrace() throws {
    // As Go reads it: unset is 100, "off" (or any negative value) turns the collector off.
    let gogcText = ProcessInfo.processInfo.environment["GOGC"] ?? "100"
    let gogc = Int32(gogcText).flatMap { $0 < 0 ? nil : $0 }
    let limit = ProcessInfo.processInfo.environment["GOMEMLIMIT"].flatMap { UInt64($0) }
    var runConfig = RunConfig()
    runConfig.gogc = gogc
    runConfig.memoryLimit = limit
    runConfig.sampleIntervalNs = 0
    if let g = ProcessInfo.processInfo.environment["P"].flatMap({ Int($0) }) { runConfig.gomaxprocs = g }
    let size = ProcessInfo.processInfo.environment["S"] ?? "1024"
    // L and STEADY (defaults 64MiB and 1GiB) shorten the run, e.g. under callgrind.
    var parameters = ["L": ProcessInfo.processInfo.environment["L"] ?? "64MiB", "S": size]
    parameters["steady"] = ProcessInfo.processInfo.environment["STEADY"]
    var engine = Engine(source: try Synth.make(kind: "gc-grid", parameters: parameters, seed: 1),
                        kernel: LinuxKernel(config: KernelConfig()), runtime: GoRuntime(config: RuntimeConfig(runConfig)),
                        hardware: UnmodelledHardware(), config: runConfig)
    let cpuBefore = processCPUSeconds()
    let result = engine.run()
    let cpu = processCPUSeconds() - cpuBefore
    for cycle in engine.runtime.gcCycles.prefix(30) {
        print(cycle.gctrace, "trigger", cycle.triggerBytes >> 20, "cons/mark", cycle.consMark)
    }
    // The memory-limit goal's inputs at the end (mgcpacer.go memoryLimitHeapGoal).
    let pacer = engine.runtime.pacer
    let nonHeap = pacer.mappedReady &- min(pacer.mappedReady, pacer.heapFree + pacer.heapAlloc)
    print(String(format: "end: mappedReady %.2f MiB, heapFree %.2f MiB, heapAlloc %.2f MiB, non-heap %.2f MiB, sys %.2f MiB, heapSys %.2f MiB",
                 Double(pacer.mappedReady) / 1048576, Double(pacer.heapFree) / 1048576, Double(pacer.heapAlloc) / 1048576,
                 Double(nonHeap) / 1048576, Double(engine.runtime.sys) / 1048576, Double(engine.runtime.heapSys) / 1048576))
    print("S=\(size): " + String(format: "%llu events replayed in %.2f s CPU (%.0f ns/event)", result.events, cpu,
                                  cpu / Double(max(result.events, 1)) * 1e9))
}
