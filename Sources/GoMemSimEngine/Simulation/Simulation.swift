import GoMemSimCore
import GoMemSimHardware
import GoMemSimKernel
import GoMemSimRuntime
import GoMemSimTrace

/// Replays a trace through the models a run configuration names: the Linux kernel
/// model, a Go runtime model (the Go 1.19 allocator and collector, or the gc-guide's
/// idealised collector), and the cache/TLB hierarchy of the machine profile.
///
/// Inlinable, so the engine is specialised where the caller names its source type
/// (`ReplayJob`: `SynthTraceSource` for generators, `InputTraceSource` for files and
/// scripts): compiled here, generic over the source, it called
/// every model and the source through witness tables and inlined none of their per-event
/// code (gc-grid S=64 through `gomemsim replay`: 4.1 s CPU against 3.1 s specialised).
public enum Simulation {
    @inlinable
    public static func run<Source: TraceSource>(source: Source, config: RunConfig, profile: SimulationProfile,
                                                progress: ((UInt64) -> Void)? = nil) throws -> RunResult {
        let kernel = LinuxKernel(config: profile.kernel)
        switch config.runtimeModel {
        case .go:
            return try run(source: source, kernel: kernel,
                           runtime: GoRuntime(config: RuntimeConfig(config, costs: profile.runtimeCosts)),
                       config: config, profile: profile, progress: progress)
        case .idealized:
            let runtime = IdealizedGC(gogc: config.gogc, memoryLimit: config.memoryLimit)
            return try run(source: source, kernel: kernel, runtime: runtime, config: config, profile: profile,
                       progress: progress)
        }
    }

    @inlinable
    static func run<Source: TraceSource, Runtime: RuntimeModel>(
        source: Source, kernel: LinuxKernel, runtime: Runtime, config: RunConfig, profile: SimulationProfile,
        progress: ((UInt64) -> Void)?
    ) throws -> RunResult {
        if config.hardware {
            let hardware = try MemoryHierarchy(profile: profile.hardware)
            var engine = Engine(source: source, kernel: kernel, runtime: runtime, hardware: hardware, config: config)
            engine.progress = progress
            return engine.run()
        }
        var engine = Engine(source: source, kernel: kernel, runtime: runtime, hardware: UnmodelledHardware(),
                            config: config)
        engine.progress = progress
        return engine.run()
    }
}

extension RuntimeConfig {
    /// The Go runtime settings a run configuration names (GOGC, GOMEMLIMIT, GOMAXPROCS,
    /// GODEBUG madvdontneed, the Go version), with the profile's cost table.
    public init(_ run: RunConfig, costs: CostTable = CostTable()) {
        self.init()
        goVersion = GoVersion(rawValue: run.goVersion) ?? .go1_19
        gomaxprocs = run.gomaxprocs
        gcPercent = run.gogc
        memoryLimit = run.memoryLimit
        madvdontneed = run.godebug["madvdontneed"].map { $0 != "0" } ?? true
        self.costs = costs
    }
}
