import GoMemSimCore

/// One collection, with everything a `GODEBUG=gctrace=1` line carries (mgc.go
/// `gcMarkTermination`) plus the pacer's view: the row of `gc_cycles`.
/// Times are virtual nanoseconds; sizes bytes.
public struct GCCycle: Hashable, Sendable {
    /// 1-based, as gctrace numbers cycles (`memstats.numgc`).
    public var number: UInt64 = 0
    /// `work.tSweepTerm`: when the world stopped for sweep termination.
    public var startNs: UInt64 = 0
    /// `runtime.GC()` (gctrace's "(forced)").
    public var forced = false
    /// Started by the 2-minute `forcegcperiod`, not by the heap.
    public var periodic = false
    /// The trigger in effect when the cycle started.
    public var triggerBytes: UInt64 = 0
    /// heapLive at the start, at mark termination, and marked (`work.heap0/1/2`).
    public var heapStart: UInt64 = 0
    public var heapEnd: UInt64 = 0
    public var heapMarked: UInt64 = 0
    /// `work.heapGoal`: the goal when the cycle started.
    public var heapGoal: UInt64 = 0
    public var stacks: UInt64 = 0
    public var globals: UInt64 = 0
    public var gomaxprocs: Int = 1
    /// Wall times: sweep termination STW, concurrent mark, mark termination STW.
    public var stw1Ns: UInt64 = 0
    public var markNs: UInt64 = 0
    public var stw2Ns: UInt64 = 0
    /// CPU times of the mark phase by worker kind (`/cpu/classes/gc/mark/...`).
    public var cpuAssistNs: UInt64 = 0
    public var cpuBackgroundNs: UInt64 = 0
    public var cpuIdleNs: UInt64 = 0
    /// Sweep-termination and mark-termination CPU: pause × GOMAXPROCS.
    public var stw1CPUNs: UInt64 { stw1Ns * UInt64(gomaxprocs) }
    public var stw2CPUNs: UInt64 { stw2Ns * UInt64(gomaxprocs) }
    /// Scan work (bytes) done by assists, and in all.
    public var assistWork: UInt64 = 0
    public var scanWork: UInt64 = 0
    /// The pacer's cons/mark after this cycle's `endCycle`.
    public var consMark: Double = 0
    /// `GCCPUFraction` after this cycle (what gctrace prints as `P%`).
    public var gcCPUFraction: Double = 0

    public init() {}

    /// All the cycle's GC CPU time: pauses × P plus every mark worker and assist.
    public var cpuNs: UInt64 { stw1CPUNs + stw2CPUNs + cpuAssistNs + cpuBackgroundNs + cpuIdleNs }

    static let columns = ["cycle", "start_ns", "forced", "trigger_bytes", "heap_start", "heap_end", "heap_marked",
                          "heap_goal", "stacks", "globals", "gomaxprocs", "stw1_ns", "mark_ns", "stw2_ns",
                          "cpu_assist_ns", "cpu_background_ns", "cpu_idle_ns", "stw1_cpu_ns", "stw2_cpu_ns",
                          "assist_work", "cons_mark"]

    var row: [FigureValue] {
        func i(_ v: UInt64) -> FigureValue { .int(Int64(clamping: v)) }
        return [i(number), i(startNs), .int(forced ? 1 : 0), i(triggerBytes), i(heapStart), i(heapEnd), i(heapMarked),
                i(heapGoal), i(stacks), i(globals), .int(Int64(gomaxprocs)), i(stw1Ns), i(markNs), i(stw2Ns),
                i(cpuAssistNs), i(cpuBackgroundNs), i(cpuIdleNs), i(stw1CPUNs), i(stw2CPUNs), i(assistWork),
                .real(consMark)]
    }

    /// The cycle as Go 1.19 prints it with `GODEBUG=gctrace=1` (mgc.go:1093-1125):
    /// `gc 7 @1.234s 5%: 0.018+2.1+0.025 ms clock, 0.037+0.41/1.9/3.5+0.051 ms cpu,
    /// 4->4->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P`. Times since program start
    /// (`startNs` is measured from it); MB are MiB (`>> 20`), truncated as Go does.
    public var gctrace: String {
        var line = "gc \(number) @\(Self.itoaDiv(startNs / 1_000_000, 3))s \(Int(gcCPUFraction * 100))%: "
        line += "\(Self.ms(stw1Ns))+\(Self.ms(markNs))+\(Self.ms(stw2Ns)) ms clock, "
        line += "\(Self.ms(stw1CPUNs))+\(Self.ms(cpuAssistNs))/\(Self.ms(cpuBackgroundNs))/\(Self.ms(cpuIdleNs))+\(Self.ms(stw2CPUNs)) ms cpu, "
        line += "\(heapStart >> 20)->\(heapEnd >> 20)->\(heapMarked >> 20) MB, \(heapGoal >> 20) MB goal, "
        line += "\(stacks >> 20) MB stacks, \(globals >> 20) MB globals, \(gomaxprocs) P"
        if forced { line += " (forced)" }
        return line
    }

    /// `fmtNSAsMS`: whole ms from 10 ms up, else two significant digits.
    static func ms(_ ns: UInt64) -> String {
        if ns >= 10_000_000 { return itoaDiv(ns / 1_000_000, 0) }
        var x = ns / 1000
        if x == 0 { return "0" }
        var dec = 3
        while x >= 100 { x /= 10; dec -= 1 }
        return itoaDiv(x, dec)
    }

    /// `itoaDiv`: `val / 10^dec` with `dec` decimals.
    static func itoaDiv(_ value: UInt64, _ dec: Int) -> String {
        var digits = String(value)
        guard dec > 0 else { return digits }
        if digits.count <= dec { digits = String(repeating: "0", count: dec - digits.count + 1) + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -dec))
        return digits
    }
}
