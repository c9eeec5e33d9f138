/// The GC CPU limiter (Go 1.19 `runtime/mgclimit.go`): a leaky bucket that fills with
/// GC CPU time and drains with mutator CPU time at the same rate. When it is full the
/// GC is using more than about half the CPU, and the runtime stops asking for mark
/// assists (and skips memory-limit scavenging on allocation), letting the heap exceed
/// GOMEMLIMIT rather than thrash — the "soft" memory limit of the gc-guide.
///
/// Facts: facts/go-gc-pacer.md §6, facts/go1.19-runtime-constants.md (GC CPU limiter).
public struct GCCPULimiter: Hashable, Sendable {
    /// `capacityPerProc`: one CPU-second of bucket per P.
    public static let capacityPerProcNs: UInt64 = 1_000_000_000

    public private(set) var fillNs: UInt64 = 0
    public private(set) var capacityNs: UInt64
    /// True while the bucket is full: assists are off.
    public private(set) var limiting = false
    /// How often (virtual ns) the limiter was enabled, for `/gc/limiter/last-enabled`.
    public private(set) var enabledCount: UInt64 = 0
    private var lastUpdateNs: UInt64

    public init(gomaxprocs: Int, now: UInt64 = 0) {
        capacityNs = Self.capacityPerProcNs * UInt64(max(gomaxprocs, 1))
        lastUpdateNs = now
    }

    /// Accounts the window since the last update: `gcTimeNs` of GC CPU (assists, and
    /// STW pauses as GOMAXPROCS × pause) plus, while marking, the 25 % background share;
    /// `idleTimeNs` of idle P time is not counted either way.
    public mutating func update(now: UInt64, gomaxprocs: Int, gcTimeNs: UInt64, idleTimeNs: UInt64, marking: Bool) {
        guard now > lastUpdateNs else { return }
        var window = (now - lastUpdateNs) * UInt64(gomaxprocs)
        lastUpdateNs = now
        var gcTime = gcTimeNs
        if marking { gcTime += UInt64(Double(window) * GCController.backgroundUtilization) }
        window -= min(window, idleTimeNs)
        gcTime = min(gcTime, window)
        let mutatorTime = window - gcTime
        // change = gcTime − mutatorTime, clamped to [0, capacity].
        if gcTime >= mutatorTime {
            fillNs = min(fillNs + (gcTime - mutatorTime), capacityNs)
        } else {
            fillNs -= min(fillNs, mutatorTime - gcTime)
        }
        let wasLimiting = limiting
        limiting = fillNs == capacityNs
        if limiting && !wasLimiting { enabledCount += 1 }
    }
}
