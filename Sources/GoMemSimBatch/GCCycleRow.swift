import GoMemSimCore
import GoMemSimStore

/// One `gc_cycles` row (schemas/results.sql), read from a run's `ModelRows` or from the
/// database. A column the runtime model did not fill is nil.
public struct GCCycleRow: Hashable, Sendable {
    /// 1-based, as gctrace numbers cycles.
    public var cycle: Int64
    /// Virtual time the cycle started (sweep termination began), since program start.
    public var startNs: Int64
    /// A `runtime.GC()` cycle.
    public var forced: Bool
    public var triggerBytes: Int64?
    public var heapStart: Int64?
    public var heapEnd: Int64?
    public var heapMarked: Int64?
    public var heapGoal: Int64?
    public var stacks: Int64?
    public var globals: Int64?
    public var gomaxprocs: Int64?
    public var stw1Ns: Int64?
    public var markNs: Int64?
    public var stw2Ns: Int64?
    public var cpuAssistNs: Int64?
    public var cpuBackgroundNs: Int64?
    public var cpuIdleNs: Int64?
    public var stw1CPUNs: Int64?
    public var stw2CPUNs: Int64?
    public var assistWork: Int64?
    public var consMark: Double?

    public init(cycle: Int64, startNs: Int64, forced: Bool = false) {
        self.cycle = cycle
        self.startNs = startNs
        self.forced = forced
    }

    /// The row whose values are `values` under `columns` (any order, any subset beyond
    /// `cycle` and `start_ns`); nil without those two.
    public init?(columns: [String], values: [FigureValue]) {
        var byName: [String: FigureValue] = [:]
        for (name, value) in zip(columns, values) { byName[name] = value }
        func int(_ name: String) -> Int64? {
            switch byName[name] {
            case let .int(v)?: v
            case let .real(v)? where v.isFinite && abs(v) < 9.2e18: Int64(v)
            default: nil
            }
        }
        guard let cycle = int("cycle"), let start = int("start_ns") else { return nil }
        self.init(cycle: cycle, startNs: start, forced: (int("forced") ?? 0) != 0)
        triggerBytes = int("trigger_bytes")
        heapStart = int("heap_start")
        heapEnd = int("heap_end")
        heapMarked = int("heap_marked")
        heapGoal = int("heap_goal")
        stacks = int("stacks")
        globals = int("globals")
        gomaxprocs = int("gomaxprocs")
        stw1Ns = int("stw1_ns")
        markNs = int("mark_ns")
        stw2Ns = int("stw2_ns")
        cpuAssistNs = int("cpu_assist_ns")
        cpuBackgroundNs = int("cpu_background_ns")
        cpuIdleNs = int("cpu_idle_ns")
        stw1CPUNs = int("stw1_cpu_ns")
        stw2CPUNs = int("stw2_cpu_ns")
        assistWork = int("assist_work")
        switch byName["cons_mark"] {
        case let .real(v)?: consMark = v
        case let .int(v)?: consMark = Double(v)
        default: consMark = nil
        }
    }

    /// The `gc_cycles` rows of a replayed run, in cycle order.
    public static func rows(of modelRows: ModelRows) -> [GCCycleRow] {
        guard let table = modelRows.tables.first(where: { $0.name == "gc_cycles" })?.table else { return [] }
        return table.rows.compactMap { GCCycleRow(columns: table.columns, values: $0) }.sorted { $0.cycle < $1.cycle }
    }

    /// The `gc_cycles` rows of run `runID` in the database at `path`, in cycle order.
    public static func rows(runID: Int64, databasePath path: String) throws -> [GCCycleRow] {
        let result = try query("SELECT * FROM gc_cycles WHERE run_id = ? ORDER BY cycle", path: path,
                               arguments: [.int(runID)])
        return result.rows.compactMap { GCCycleRow(columns: result.columns, values: $0) }
    }
}
