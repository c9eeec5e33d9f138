// Generated from schemas/results.sql (copy it here when the file changes; the test
// `schemaFileEqualsEmbeddedDDL` fails while the two differ).

extension ResultsSchema {
    /// The DDL of the current schema version, identical to `schemas/results.sql`.
    public static let ddl = """
-- gomemsim results database, schema version 2 (PRAGMA user_version).
--
-- One run is one row in `runs` plus its children, written in one transaction: a run is
-- either all here or not at all. Sizes are in bytes and times in nanoseconds; figures
-- are named as Linux (/proc/self/status, smaps) and the Go runtime (runtime.MemStats,
-- runtime/metrics) name them. A figure no attached model computes is NULL, never 0.
--
-- This file is the plan of record; Sources/GoMemSimStore/ResultsSchema.swift embeds
-- the same text (a test keeps the two identical).

-- One simulated run: the trace, the configuration that produced the results, the outcome.
CREATE TABLE runs (
    run_id          INTEGER PRIMARY KEY,
    trace_path      TEXT NOT NULL,      -- a path, or the generator (`synth:churn ...`)
    trace_sha256    TEXT,               -- hex, as `sha256sum` prints it; NULL if not a file
    config_json     TEXT NOT NULL,      -- the whole RunConfig, keys sorted
    gogc            INTEGER,            -- GOGC; NULL = off
    gomemlimit      INTEGER,            -- GOMEMLIMIT in bytes; NULL = no limit
    gomaxprocs      INTEGER NOT NULL,
    profile         TEXT NOT NULL,      -- machine profile preset or JSON path
    go_version      TEXT NOT NULL,      -- the Go runtime imitated, e.g. go1.19
    tool_version    TEXT NOT NULL,      -- gomemsim version
    kernel_model    TEXT,               -- NULL when no kernel model is attached
    runtime_model   TEXT,
    hardware_model  TEXT,
    status          TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'oom', 'segfault')),
    failure         TEXT,               -- why the run did not complete, with the trace location
    events          INTEGER NOT NULL DEFAULT 0,
    virtual_time_ns INTEGER NOT NULL DEFAULT 0,
    wall_time_ns    INTEGER,
    started_at      TEXT NOT NULL,      -- ISO-8601 UTC
    config_key      TEXT NOT NULL       -- sha256 of trace identity + canonical config (resumable sweeps)
);
CREATE INDEX runs_config_key ON runs (config_key);

-- Records replayed, by event kind (alloc, free, ...).
CREATE TABLE event_counts (
    run_id INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    kind   TEXT NOT NULL,
    count  INTEGER NOT NULL
);
CREATE INDEX event_counts_run ON event_counts (run_id);

-- Figures at each labelled point of the trace (MemoryFigures, in its column order).
CREATE TABLE checkpoints (
    run_id          INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,   -- 0-based order within the run
    label           TEXT NOT NULL,
    t_ns            INTEGER NOT NULL,   -- virtual time
    vm_size         INTEGER,            -- /proc/self/status VmSize
    vm_rss          INTEGER,            -- VmRSS = RssAnon + RssFile + RssShmem
    rss_anon        INTEGER,
    rss_file        INTEGER,
    rss_shmem       INTEGER,
    vm_hwm          INTEGER,            -- peak VmRSS
    vm_swap         INTEGER,
    page_cache      INTEGER,            -- all files' page cache, not in VmRSS
    minor_faults    INTEGER,
    major_faults    INTEGER,
    heap_alloc      INTEGER,            -- runtime.MemStats HeapAlloc
    heap_sys        INTEGER,
    heap_inuse      INTEGER,
    heap_idle       INTEGER,
    heap_released   INTEGER,
    heap_objects    INTEGER,
    stack_inuse     INTEGER,
    sys             INTEGER,
    total_alloc     INTEGER,
    mallocs         INTEGER,
    frees           INTEGER,
    next_gc         INTEGER,            -- NextGC = /gc/heap/goal:bytes
    num_gc          INTEGER,
    num_forced_gc   INTEGER,
    pause_total_ns  INTEGER,
    gc_cpu_fraction REAL,
    mapped_ready    INTEGER,            -- Sys - HeapReleased, what GOMEMLIMIT is compared to
    live_objects    INTEGER,            -- the trace itself: what the program did
    live_bytes      INTEGER,
    allocated_bytes INTEGER,
    freed_bytes     INTEGER
);
CREATE INDEX checkpoints_run ON checkpoints (run_id, seq);

-- Figures at each periodic sample (RunConfig.sampleIntervalNs apart), same columns.
CREATE TABLE samples (
    run_id          INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    t_ns            INTEGER NOT NULL,
    vm_size         INTEGER,
    vm_rss          INTEGER,
    rss_anon        INTEGER,
    rss_file        INTEGER,
    rss_shmem       INTEGER,
    vm_hwm          INTEGER,
    vm_swap         INTEGER,
    page_cache      INTEGER,
    minor_faults    INTEGER,
    major_faults    INTEGER,
    heap_alloc      INTEGER,
    heap_sys        INTEGER,
    heap_inuse      INTEGER,
    heap_idle       INTEGER,
    heap_released   INTEGER,
    heap_objects    INTEGER,
    stack_inuse     INTEGER,
    sys             INTEGER,
    total_alloc     INTEGER,
    mallocs         INTEGER,
    frees           INTEGER,
    next_gc         INTEGER,
    num_gc          INTEGER,
    num_forced_gc   INTEGER,
    pause_total_ns  INTEGER,
    gc_cpu_fraction REAL,
    mapped_ready    INTEGER,
    live_objects    INTEGER,
    live_bytes      INTEGER,
    allocated_bytes INTEGER,
    freed_bytes     INTEGER
);
CREATE INDEX samples_run ON samples (run_id, t_ns);

-- The tables below are filled by the models through ModelRows.

-- One row per mapping (VMA) at a checkpoint, as /proc/self/smaps shows it.
CREATE TABLE checkpoint_mappings (
    run_id          INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,   -- checkpoints.seq
    start           INTEGER NOT NULL,   -- first address
    size            INTEGER NOT NULL,
    rss             INTEGER,
    pss             INTEGER,
    private_clean   INTEGER,
    private_dirty   INTEGER,
    shared_clean    INTEGER,
    shared_dirty    INTEGER,
    anon_huge_pages INTEGER,            -- AnonHugePages
    lazy_free       INTEGER,            -- LazyFree (MADV_FREE'd, not yet reclaimed)
    swap            INTEGER,
    prot            TEXT,               -- rwxp, as in /proc/self/maps
    flags           TEXT,               -- VmFlags
    kind            TEXT,               -- heap, stack, file, anon, ...
    path            TEXT
);
CREATE INDEX checkpoint_mappings_run ON checkpoint_mappings (run_id, seq);

-- Page faults by kind (minor, major, cow, zero-page, thp, ...) and their modelled cost.
CREATE TABLE faults (
    run_id  INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    count   INTEGER NOT NULL,
    cost_ns INTEGER
);
CREATE INDEX faults_run ON faults (run_id);

-- One row per GC cycle, like a GODEBUG=gctrace=1 line (runtime/mgc.go, mgcpacer.go).
CREATE TABLE gc_cycles (
    run_id            INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    cycle             INTEGER NOT NULL, -- 1-based, as gctrace numbers them
    start_ns          INTEGER NOT NULL,
    forced            INTEGER NOT NULL, -- 1 for runtime.GC()
    trigger_bytes     INTEGER,          -- heapLive at which the cycle started
    heap_start        INTEGER,          -- gctrace "A->B->C MB": A
    heap_end          INTEGER,          -- B
    heap_marked       INTEGER,          -- C
    heap_goal         INTEGER,
    stacks            INTEGER,          -- stack bytes scanned
    globals           INTEGER,          -- globals bytes scanned
    gomaxprocs        INTEGER,
    stw1_ns           INTEGER,          -- sweep termination
    mark_ns           INTEGER,          -- concurrent mark
    stw2_ns           INTEGER,          -- mark termination
    cpu_assist_ns     INTEGER,
    cpu_background_ns INTEGER,
    cpu_idle_ns       INTEGER,
    stw1_cpu_ns       INTEGER,
    stw2_cpu_ns       INTEGER,
    assist_work       INTEGER,          -- bytes of scan work done by assists
    cons_mark         REAL              -- pacer's cons/mark estimate
);
CREATE INDEX gc_cycles_run ON gc_cycles (run_id, cycle);

-- The collector over the whole run: what the gc-guide's graphs print under each graph.
CREATE TABLE gc_summary (
    run_id          INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    cycles          INTEGER NOT NULL,
    gc_cpu_fraction REAL,               -- GC CPU time over all CPU time
    peak_memory     INTEGER,            -- peak of heap (+ other memory the model counts)
    gc_time_ns      INTEGER             -- GC CPU time
);
CREATE INDEX gc_summary_run ON gc_summary (run_id);

-- Per cache level (L1d, L2, LLC), with the 3C classification of misses.
CREATE TABLE cache_stats (
    run_id        INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    level         TEXT NOT NULL,
    accesses      INTEGER,
    hits          INTEGER,
    misses        INTEGER,
    evictions     INTEGER,
    writebacks    INTEGER,
    compulsory    INTEGER,
    capacity      INTEGER,
    conflict      INTEGER,
    prefetches    INTEGER,
    prefetch_hits INTEGER
);
CREATE INDEX cache_stats_run ON cache_stats (run_id);

-- Per TLB level and page size (4 KiB, 2 MiB), with page-walk cost.
CREATE TABLE tlb_stats (
    run_id      INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    level       TEXT NOT NULL,
    page_size   INTEGER NOT NULL,
    accesses    INTEGER,
    hits        INTEGER,
    misses      INTEGER,
    walks       INTEGER,
    walk_cycles INTEGER
);
CREATE INDEX tlb_stats_run ON tlb_stats (run_id);

-- The cache and TLB counters at each checkpoint, cumulative since the run started: the
-- run's counters broken down in time (v_cache_intervals and v_tlb_intervals give what
-- happened between one checkpoint and the next). Schema version 2.
CREATE TABLE checkpoint_cache_stats (
    run_id        INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,   -- checkpoints.seq
    level         TEXT NOT NULL,
    accesses      INTEGER,
    hits          INTEGER,
    misses        INTEGER,
    evictions     INTEGER,
    writebacks    INTEGER,
    prefetches    INTEGER,
    prefetch_hits INTEGER
);
CREATE INDEX checkpoint_cache_stats_run ON checkpoint_cache_stats (run_id, seq);

CREATE TABLE checkpoint_tlb_stats (
    run_id      INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,     -- checkpoints.seq
    level       TEXT NOT NULL,
    page_size   INTEGER NOT NULL,   -- bytes
    accesses    INTEGER,
    hits        INTEGER,
    misses      INTEGER,
    walks       INTEGER,
    walk_cycles INTEGER
);
CREATE INDEX checkpoint_tlb_stats_run ON checkpoint_tlb_stats (run_id, seq);

-- Latency percentiles per operation kind (alloc, free, gc-assist, fault, ...).
CREATE TABLE latency (
    run_id  INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    op      TEXT NOT NULL,
    count   INTEGER NOT NULL,
    p50_ns  INTEGER,
    p90_ns  INTEGER,
    p99_ns  INTEGER,
    p999_ns INTEGER,
    max_ns  INTEGER,
    mean_ns REAL
);
CREATE INDEX latency_run ON latency (run_id);

-- The histogram behind `latency`: `count` operations took at most `upper_ns`.
CREATE TABLE latency_buckets (
    run_id   INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    op       TEXT NOT NULL,
    upper_ns INTEGER NOT NULL,
    count    INTEGER NOT NULL
);
CREATE INDEX latency_buckets_run ON latency_buckets (run_id, op);

-- Fragmentation per size class at a checkpoint (runtime/sizeclasses.go).
CREATE TABLE size_classes (
    run_id         INTEGER NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,    -- checkpoints.seq
    class          INTEGER NOT NULL,    -- size class (not spanClass: noscan is not split)
    object_size    INTEGER NOT NULL,
    span_pages     INTEGER NOT NULL,    -- 8 KiB runtime pages per span
    spans          INTEGER,
    live_objects   INTEGER,
    live_bytes     INTEGER,             -- bytes the program asked for
    round_up_waste INTEGER,             -- object_size * live_objects - live_bytes
    tail_waste     INTEGER,             -- span bytes no object fits in
    free_slots     INTEGER
);
CREATE INDEX size_classes_run ON size_classes (run_id, seq);

-- One readable line per run: what ran, how it ended, heap and RSS at the last checkpoint.
CREATE VIEW v_runs AS
SELECT r.run_id,
       r.trace_path AS trace,
       r.gogc,
       r.gomemlimit,
       r.status,
       r.events,
       c.heap_alloc AS last_heap_alloc,
       c.vm_rss     AS last_vm_rss
FROM runs r
LEFT JOIN checkpoints c
       ON c.run_id = r.run_id
      AND c.seq = (SELECT max(seq) FROM checkpoints WHERE run_id = r.run_id);

-- Checkpoints with their run's settings, sizes in MiB for reading.
CREATE VIEW v_checkpoints AS
SELECT r.run_id,
       r.trace_path AS trace,
       r.gogc,
       r.gomemlimit,
       c.seq,
       c.label,
       c.t_ns,
       round(c.vm_rss        / 1048576.0, 2) AS vm_rss_mib,
       round(c.rss_anon      / 1048576.0, 2) AS rss_anon_mib,
       round(c.rss_file      / 1048576.0, 2) AS rss_file_mib,
       round(c.heap_alloc    / 1048576.0, 2) AS heap_alloc_mib,
       round(c.heap_sys      / 1048576.0, 2) AS heap_sys_mib,
       round(c.heap_inuse    / 1048576.0, 2) AS heap_inuse_mib,
       round(c.heap_released / 1048576.0, 2) AS heap_released_mib,
       round(c.next_gc       / 1048576.0, 2) AS next_gc_mib,
       c.num_gc,
       c.gc_cpu_fraction
FROM checkpoints c
JOIN runs r ON r.run_id = c.run_id;

-- GC pauses: one row per GC cycle with its run's settings. pause_ns is the cycle's
-- stop-the-world time, sweep termination + mark termination, as runtime.MemStats.PauseNs
-- records it per cycle (runtime/mgc.go: work.pauseNS); NULL when the model gave neither.
CREATE VIEW v_gc_pauses AS
SELECT r.run_id,
       r.trace_path AS trace,
       r.gogc,
       r.gomemlimit,
       r.gomaxprocs,
       r.profile,
       g.cycle,
       g.start_ns,
       g.forced,
       g.stw1_ns,
       g.stw2_ns,
       CASE WHEN g.stw1_ns IS NULL AND g.stw2_ns IS NULL THEN NULL
            ELSE coalesce(g.stw1_ns, 0) + coalesce(g.stw2_ns, 0) END AS pause_ns,
       g.heap_goal,
       g.heap_marked
FROM gc_cycles g
JOIN runs r ON r.run_id = g.run_id;

-- GOGC / GOMEMLIMIT side by side: one line per run, ordered by trace and settings, with
-- what `gomemsim compare` prints (in bytes and nanoseconds; compare shows MiB and µs).
--   num_gc           GC cycles: the largest NumGC, else the number of gc_cycles rows
--   gc_cpu_fraction  GCCPUFraction at the run's last sample or checkpoint, else from
--                    gc_cycles as Go computes it: STW CPU (else clock × GOMAXPROCS) +
--                    assist + background mark CPU, over virtual time × GOMAXPROCS
--   peak_heap_alloc  HeapAlloc, the largest over samples and checkpoints
--   mean_heap_alloc  HeapAlloc, the mean over the samples (evenly spaced in time), or over
--                    the checkpoints when the samples have none (a run shorter than one
--                    sample interval)
--   peak_vm_rss      VmHWM (peak VmRSS) over samples and checkpoints, else the largest VmRSS
--   mean_next_gc     NextGC (the heap goal), averaged as mean_heap_alloc; a goal of 2^62
--                    bytes or more (GOGC=off and no limit: no goal) counts as none
--   stw_p50/p99/max_ns  per-cycle pauses (v_gc_pauses), nearest-rank percentiles
--   alloc_p99_ns     99th percentile allocation latency (latency, op 'alloc')
--   slowdown         virtual time over the fastest complete run of the same trace
--                    (same trace_sha256, or path when unhashed); 1.0 is the fastest
CREATE VIEW v_gogc_compare AS
WITH points AS (
    SELECT run_id, 1 AS sampled, t_ns, heap_alloc, vm_rss, vm_hwm, next_gc, num_gc, gc_cpu_fraction FROM samples
    UNION ALL
    SELECT run_id, 0 AS sampled, t_ns, heap_alloc, vm_rss, vm_hwm, next_gc, num_gc, gc_cpu_fraction FROM checkpoints
),
figures AS (
    SELECT run_id,
           max(num_gc)                                  AS num_gc,
           max(heap_alloc)                              AS peak_heap_alloc,
           coalesce(avg(CASE WHEN sampled THEN heap_alloc END),
                    avg(CASE WHEN NOT sampled THEN heap_alloc END)) AS mean_heap_alloc,
           coalesce(max(vm_hwm), max(vm_rss))           AS peak_vm_rss,
           coalesce(avg(CASE WHEN sampled AND next_gc < 4611686018427387904 THEN next_gc END),
                    avg(CASE WHEN NOT sampled AND next_gc < 4611686018427387904 THEN next_gc END)) AS mean_next_gc
    FROM points
    GROUP BY run_id
),
last_points AS (
    -- SQLite takes the bare column from the row holding max(t_ns).
    SELECT run_id, max(t_ns) AS t_ns, gc_cpu_fraction FROM points GROUP BY run_id
),
cycles AS (
    SELECT g.run_id,
           count(*) AS n,
           sum(CASE WHEN coalesce(g.stw1_cpu_ns, g.stw1_ns, g.cpu_assist_ns, g.cpu_background_ns,
                                  g.stw2_cpu_ns, g.stw2_ns) IS NOT NULL
                    THEN coalesce(g.stw1_cpu_ns, g.stw1_ns * coalesce(g.gomaxprocs, r.gomaxprocs), 0)
                       + coalesce(g.cpu_assist_ns, 0) + coalesce(g.cpu_background_ns, 0)
                       + coalesce(g.stw2_cpu_ns, g.stw2_ns * coalesce(g.gomaxprocs, r.gomaxprocs), 0)
               END) AS gc_cpu_ns
    FROM gc_cycles g
    JOIN runs r ON r.run_id = g.run_id
    GROUP BY g.run_id
),
ranked_pauses AS (
    SELECT run_id, pause_ns,
           row_number() OVER (PARTITION BY run_id ORDER BY pause_ns) AS rank,
           count(*)     OVER (PARTITION BY run_id)                   AS n
    FROM v_gc_pauses
    WHERE pause_ns IS NOT NULL
),
pauses AS (
    SELECT run_id,
           min(CASE WHEN rank * 100 >= n * 50 THEN pause_ns END) AS stw_p50_ns,
           min(CASE WHEN rank * 100 >= n * 99 THEN pause_ns END) AS stw_p99_ns,
           max(pause_ns)                                        AS stw_max_ns
    FROM ranked_pauses
    GROUP BY run_id
)
SELECT r.trace_path AS trace,
       r.trace_sha256,
       r.gogc,
       r.gomemlimit,
       r.gomaxprocs,
       r.profile,
       r.run_id,
       r.status,
       coalesce(f.num_gc, cy.n) AS num_gc,
       coalesce(lp.gc_cpu_fraction,
                cy.gc_cpu_ns * 1.0 / nullif(r.virtual_time_ns * r.gomaxprocs, 0)) AS gc_cpu_fraction,
       f.peak_heap_alloc,
       f.mean_heap_alloc,
       f.peak_vm_rss,
       f.mean_next_gc,
       pz.stw_p50_ns,
       pz.stw_p99_ns,
       pz.stw_max_ns,
       (SELECT l.p99_ns FROM latency l WHERE l.run_id = r.run_id AND l.op = 'alloc') AS alloc_p99_ns,
       r.virtual_time_ns,
       CASE WHEN r.status = 'complete' THEN
           r.virtual_time_ns * 1.0
           / min(CASE WHEN r.status = 'complete' THEN r.virtual_time_ns END)
                 OVER (PARTITION BY coalesce(r.trace_sha256, r.trace_path))
       END AS slowdown
FROM runs r
LEFT JOIN figures f      ON f.run_id = r.run_id
LEFT JOIN last_points lp ON lp.run_id = r.run_id
LEFT JOIN cycles cy      ON cy.run_id = r.run_id
LEFT JOIN pauses pz      ON pz.run_id = r.run_id
ORDER BY r.trace_path, r.gogc IS NULL, r.gogc, r.gomemlimit IS NULL, r.gomemlimit,
         r.gomaxprocs, r.profile, r.run_id;

-- Cache counters per checkpoint interval: what each level saw between the previous
-- checkpoint (or the start of the run) and this one, and its miss ratio then.
CREATE VIEW v_cache_intervals AS
SELECT run_id, seq, label, level, accesses, hits, misses, evictions, writebacks, prefetches, prefetch_hits,
       round(misses * 1.0 / nullif(accesses, 0), 4) AS miss_ratio
FROM (
    SELECT c.run_id, c.seq, k.label, c.level,
           c.accesses - coalesce(lag(c.accesses) OVER w, 0) AS accesses,
           c.hits - coalesce(lag(c.hits) OVER w, 0) AS hits,
           c.misses - coalesce(lag(c.misses) OVER w, 0) AS misses,
           c.evictions - coalesce(lag(c.evictions) OVER w, 0) AS evictions,
           c.writebacks - coalesce(lag(c.writebacks) OVER w, 0) AS writebacks,
           c.prefetches - coalesce(lag(c.prefetches) OVER w, 0) AS prefetches,
           c.prefetch_hits - coalesce(lag(c.prefetch_hits) OVER w, 0) AS prefetch_hits
    FROM checkpoint_cache_stats c
    LEFT JOIN checkpoints k ON k.run_id = c.run_id AND k.seq = c.seq
    WINDOW w AS (PARTITION BY c.run_id, c.level ORDER BY c.seq)
)
ORDER BY run_id, seq, level;

-- TLB counters per checkpoint interval, with the walk cycles per miss.
CREATE VIEW v_tlb_intervals AS
SELECT run_id, seq, label, level, page_size, accesses, hits, misses, walks, walk_cycles,
       round(walk_cycles * 1.0 / nullif(walks, 0), 1) AS cycles_per_walk
FROM (
    SELECT t.run_id, t.seq, k.label, t.level, t.page_size,
           t.accesses - coalesce(lag(t.accesses) OVER w, 0) AS accesses,
           t.hits - coalesce(lag(t.hits) OVER w, 0) AS hits,
           t.misses - coalesce(lag(t.misses) OVER w, 0) AS misses,
           t.walks - coalesce(lag(t.walks) OVER w, 0) AS walks,
           t.walk_cycles - coalesce(lag(t.walk_cycles) OVER w, 0) AS walk_cycles
    FROM checkpoint_tlb_stats t
    LEFT JOIN checkpoints k ON k.run_id = t.run_id AND k.seq = t.seq
    WINDOW w AS (PARTITION BY t.run_id, t.level, t.page_size ORDER BY t.seq)
)
ORDER BY run_id, seq, level, page_size;

"""
}
