import GoMemSimCore
import GoMemSimStore

/// `gomemsim compare`: one trace's stored runs side by side, one line per configuration,
/// from the `v_gogc_compare` view (schemas/results.sql) in units a reader takes in at a
/// glance: MiB, microseconds, percent. NULL where no model computed the figure.
///
///     let table = try Comparison.table(for: try TraceInput("synth:gc-grid"), databasePath: "sweep.sqlite")
///     print(table.formattedTable())
///
/// A run belongs to the trace when its `trace_sha256` is the input's content hash (the
/// same bytes, wherever the file now is; a generator's hash covers its canonical spec and
/// seed), or, when the input can no longer be read, when its stored path is the input's.
public enum Comparison {
    /// The columns, in order.
    public static let columns = [
        "gogc", "gomemlimit", "gomaxprocs", "profile", "status", "gc_cycles", "gc_cpu_pct",
        "peak_heap_mib", "mean_heap_mib", "peak_rss_mib", "mean_goal_mib",
        "stw_p50_us", "stw_p99_us", "stw_max_us", "alloc_p99_ns", "slowdown", "run_id",
    ]

    /// The SQL behind the table; `?1` is the trace's SHA-256 (matched when known), `?2`
    /// its stored name (matched when the trace can no longer be read and hashed).
    public static let sql = """
        SELECT CASE WHEN gogc IS NULL THEN 'off' ELSE CAST(gogc AS TEXT) END AS gogc,
               CASE WHEN gomemlimit IS NULL THEN 'none'
                    WHEN gomemlimit % 1073741824 = 0 THEN (gomemlimit / 1073741824) || 'GiB'
                    WHEN gomemlimit % 1048576 = 0 THEN (gomemlimit / 1048576) || 'MiB'
                    WHEN gomemlimit % 1024 = 0 THEN (gomemlimit / 1024) || 'KiB'
                    ELSE gomemlimit || 'B' END AS gomemlimit,
               gomaxprocs,
               profile,
               status,
               num_gc AS gc_cycles,
               round(gc_cpu_fraction * 100, 2) AS gc_cpu_pct,
               round(peak_heap_alloc / 1048576.0, 2) AS peak_heap_mib,
               round(mean_heap_alloc / 1048576.0, 2) AS mean_heap_mib,
               round(peak_vm_rss / 1048576.0, 2) AS peak_rss_mib,
               round(mean_next_gc / 1048576.0, 2) AS mean_goal_mib,
               round(stw_p50_ns / 1000.0, 1) AS stw_p50_us,
               round(stw_p99_ns / 1000.0, 1) AS stw_p99_us,
               round(stw_max_ns / 1000.0, 1) AS stw_max_us,
               alloc_p99_ns,
               round(slowdown, 3) AS slowdown,
               run_id
        FROM v_gogc_compare AS v
        WHERE (?1 <> '' AND v.trace_sha256 = ?1) OR (?1 = '' AND v.trace = ?2)
        ORDER BY v.gogc IS NULL, v.gogc, v.gomemlimit IS NULL, v.gomemlimit, v.gomaxprocs, v.profile, v.run_id
        """

    /// The table for `input`'s runs in the database at `databasePath`, ordered by GOGC
    /// (off last), GOMEMLIMIT (none last), GOMAXPROCS, profile, run.
    public static func table(for input: TraceInput, databasePath: String) throws -> QueryResult {
        // An input file that has gone missing is still found by its stored path.
        let hash = (try? input.contentSHA256()) ?? ""
        return try query(sql, path: databasePath, arguments: [.text(hash), .text(input.name)])
    }
}
