import GoMemSimCore
import GoMemSimKernel
import GoMemSimRecorder
import GoMemSimRuntime
import Testing
@testable import GoMemSimEngine

/// The engine keeps one timer for the runtime model's next deadline. A timer left queued
/// when the deadline moved earlier must fire once and go: re-arming from it too made the
/// queue grow by one per firing, and a churn replay with GOMAXPROCS 4 and 1 ms samples
/// spent most of its time popping stale timers.
@Test func runtimeTimersDoNotPileUp() throws {
    var run = RunConfig()
    run.gomaxprocs = 4
    run.sampleIntervalNs = 1_000_000
    var engine = Engine(source: try Synth.make(kind: "churn", parameters: ["total": "32MiB"], seed: 1),
                        kernel: LinuxKernel(config: KernelConfig()), runtime: GoRuntime(config: RuntimeConfig(run)),
                        hardware: UnmodelledHardware(), config: run)
    let result = engine.run()
    #expect(result.status == .complete)
    #expect(result.samples.count > 100)
    #expect(engine.runtime.gcCycles.count >= 3)
    // One sample timer, the armed runtime timer, and the few superseded ones not yet due.
    #expect(engine.timers.peakCount <= 8, "peak \(engine.timers.peakCount) timers queued")
}
