/// `GODEBUG=gctrace=1` lines from `gc_cycles` rows, character for character as Go 1.19
/// prints them (runtime/mgc.go `gcMarkTermination`; format documented in
/// runtime/extern.go):
///
///     gc 4 @0.251s 3%: 0.017+2.1+0.030 ms clock, 0.034+0.42/1.9/0.51+0.060 ms cpu, 4->5->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P
///
/// - `@0.251s`: the cycle's start since program start, whole milliseconds shown as seconds.
/// - `3%`: GC CPU share since program start, truncated: the CPU of every cycle so far
///   (STW phases × Ps, assists, dedicated and fractional workers; idle workers are
///   "free" and left out) over elapsed time × GOMAXPROCS at the end of this cycle.
/// - clock: sweep termination (STW 1) + concurrent mark + mark termination (STW 2).
/// - cpu: STW 1 + assist / background (dedicated + fractional) / idle + STW 2.
/// - heap at GC start -> at mark end -> marked live, then goal, scanned stacks and
///   globals, all `>> 20` ("MB" as Go prints it is MiB), and GOMAXPROCS; " (forced)" for
///   `runtime.GC()`.
///
/// A figure the runtime model left NULL prints as 0; an STW CPU time left NULL is its
/// clock time × GOMAXPROCS, as Go computes it (`work.stwprocs` × duration).
public enum GCTrace {
    /// One line per cycle, in order. `gomaxprocs` is the run's, for rows without their own.
    public static func lines(for cycles: [GCCycleRow], gomaxprocs: Int) -> [String] {
        var gcCPUNs: Int64 = 0  // work.totaltime
        return cycles.map { cycle in
            let procs = cycle.gomaxprocs ?? Int64(gomaxprocs)
            let times = CPUTimes(cycle, gomaxprocs: procs)
            gcCPUNs += times.stw1 + times.assist + times.background + times.stw2
            let end = cycle.startNs + (cycle.stw1Ns ?? 0) + (cycle.markNs ?? 0) + (cycle.stw2Ns ?? 0)
            let totalCPUNs = Double(end) * Double(procs)  // sched.totaltime with a constant GOMAXPROCS
            let fraction = totalCPUNs > 0 ? Double(gcCPUNs) / totalCPUNs : 0
            return line(cycle, gcCPUFraction: fraction, gomaxprocs: procs)
        }
    }

    /// The line of one cycle, given the GC CPU fraction since program start at its end.
    public static func line(_ cycle: GCCycleRow, gcCPUFraction: Double, gomaxprocs: Int64) -> String {
        let times = CPUTimes(cycle, gomaxprocs: gomaxprocs)
        let util = Int(gcCPUFraction * 100)  // int(memstats.gc_cpu_fraction * 100): truncated
        let start = itoaDiv(UInt64(clamping: cycle.startNs) / 1_000_000, decimals: 3)
        let clock = [cycle.stw1Ns, cycle.markNs, cycle.stw2Ns].map { milliseconds($0 ?? 0) }.joined(separator: "+")
        let cpu = milliseconds(times.stw1) + "+" + milliseconds(times.assist) + "/" + milliseconds(times.background)
            + "/" + milliseconds(times.idle) + "+" + milliseconds(times.stw2)
        func mb(_ bytes: Int64?) -> String { String(UInt64(clamping: bytes ?? 0) >> 20) }
        var text = "gc \(cycle.cycle) @\(start)s \(util)%: \(clock) ms clock, \(cpu) ms cpu, "
            + "\(mb(cycle.heapStart))->\(mb(cycle.heapEnd))->\(mb(cycle.heapMarked)) MB, "
            + "\(mb(cycle.heapGoal)) MB goal, \(mb(cycle.stacks)) MB stacks, \(mb(cycle.globals)) MB globals, "
            + "\(gomaxprocs) P"
        if cycle.forced { text += " (forced)" }
        return text
    }

    /// The five CPU figures of a line.
    private struct CPUTimes {
        var stw1, assist, background, idle, stw2: Int64

        init(_ cycle: GCCycleRow, gomaxprocs: Int64) {
            stw1 = cycle.stw1CPUNs ?? (cycle.stw1Ns ?? 0) * gomaxprocs
            assist = cycle.cpuAssistNs ?? 0
            background = cycle.cpuBackgroundNs ?? 0
            idle = cycle.cpuIdleNs ?? 0
            stw2 = cycle.stw2CPUNs ?? (cycle.stw2Ns ?? 0) * gomaxprocs
        }
    }

    /// runtime.fmtNSAsMS: whole milliseconds from 10 ms up; below, two significant
    /// digits of the microseconds with at most three decimals (0.026, 0.39, 2.1); 0 for
    /// under a microsecond.
    public static func milliseconds(_ ns: Int64) -> String {
        let ns = UInt64(clamping: ns)
        if ns >= 10_000_000 { return itoaDiv(ns / 1_000_000, decimals: 0) }
        var x = ns / 1_000
        if x == 0 { return "0" }
        var decimals = 3
        while x >= 100 {
            x /= 10
            decimals -= 1
        }
        return itoaDiv(x, decimals: decimals)
    }

    /// runtime.itoaDiv: `value / 10^decimals` with exactly `decimals` digits after the
    /// point and at least one before it.
    public static func itoaDiv(_ value: UInt64, decimals: Int) -> String {
        guard decimals > 0 else { return String(value) }
        var digits = String(value)
        if digits.count <= decimals {
            digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits
        }
        let point = digits.index(digits.endIndex, offsetBy: -decimals)
        return digits[..<point] + "." + digits[point...]
    }
}
