import GoMemSimTrace

/// The synthetic workloads `gomemsim synth KIND key=value…` can generate.
///
/// ```
/// var trace = try Synth.make(kind: "gc-grid", parameters: ["L": "64MiB", "S": "1KiB"], seed: 1)
/// while let record = trace.next() { … }
/// ```
/// Every generator is deterministic (same kind, parameters and seed ⇒ the same records,
/// bit for bit) and streaming (memory independent of trace length). `schemas/synth.md`
/// documents each kind's events.
public enum Synth {
    public typealias Parameter = (name: String, default: String, help: String)

    /// Builds the generator `kind` from `key=value` parameters; a missing key takes its
    /// default, an unknown key or a malformed value is a ``TraceError``.
    public static func make(kind: String, parameters: [String: String], seed: UInt64) throws(TraceError) -> SynthTraceSource {
        var arguments = SynthArguments(kind: kind, parameters)
        let source: SynthTraceSource
        switch SynthTraceSource.Kind(rawValue: kind) {
        case .access: source = SynthTraceSource(try AccessPatternGenerator(try AccessPatternParameters(&arguments), seed: seed))
        case .churn: source = SynthTraceSource(try ChurnGenerator(try ChurnParameters(&arguments), seed: seed))
        case .gcGrid: source = SynthTraceSource(try GCGridGenerator(try GCGridParameters(&arguments), seed: seed))
        case .leak: source = SynthTraceSource(try LeakGenerator(try LeakParameters(&arguments), seed: seed))
        case .server: source = SynthTraceSource(try RequestServerGenerator(try RequestServerParameters(&arguments), seed: seed))
        case .gcGuide: source = SynthTraceSource(try GCGuideGenerator(try GCGuideParameters(&arguments), seed: seed))
        case nil:
            throw .expected("a synth kind (\(kinds.map(\.name).joined(separator: ", ")))", found: "\"\(kind)\"",
                            at: SynthArguments.location)
        }
        try arguments.finish()
        return source
    }

    /// `key=value` strings (as typed on the command line) to a dictionary; a word
    /// without `=` or a repeated key is an error.
    public static func parameters(_ words: [String]) throws(TraceError) -> [String: String] {
        var parameters: [String: String] = [:]
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw .expected("a parameter key=value", found: "\"\(word)\"", at: SynthArguments.location)
            }
            let key = String(word[..<equals])
            guard parameters[key] == nil else {
                throw .expected("each parameter once", found: "\"\(key)\" twice", at: SynthArguments.location)
            }
            parameters[key] = String(word[word.index(after: equals)...])
        }
        return parameters
    }

    /// Every kind with a one-line summary and its parameters (name, default, help), for
    /// `gomemsim synth --help`.
    public static var kinds: [(name: String, summary: String, parameters: [Parameter])] {
        let access = AccessPatternParameters()
        let churn = ChurnParameters()
        let grid = GCGridParameters()
        let leak = LeakParameters()
        let server = RequestServerParameters()
        let guide = GCGuideParameters()
        return [
            ("access", "a buffer, then N accesses: sequential, strided, random, zipf or a pointer chase", [
                ("pattern", access.pattern.rawValue, "sequential | strided | random | zipf | chase"),
                ("backing", access.backing.rawValue, "heap (alloc/free) | mmap (anonymous) | raw (load/store at base)"),
                ("size", SynthFormat.size(access.sizeBytes), "buffer size"),
                ("n", "\(access.count)", "number of accesses"),
                ("element", SynthFormat.size(access.elementBytes), "bytes per access"),
                ("stride", SynthFormat.size(access.strideBytes), "strided: step between accesses"),
                ("line", SynthFormat.size(access.lineBytes), "chase: slot size (one pointer per slot)"),
                ("exponent", "\(access.exponent)", "zipf: rank r has weight r^-exponent"),
                ("writes", "\(access.writeFraction)", "fraction of accesses that write (not chase)"),
                ("range", "\(access.range)", "sequential: one range event per pass over the buffer"),
                ("base", "0x" + String(access.baseAddress, radix: 16), "raw: first address of the buffer"),
            ]),
            ("churn", "allocation at a constant live set: fill, then each new object replaces a victim", [
                ("live", SynthFormat.size(churn.liveBytes), "live set held after the fill"),
                ("size", churn.sizes.description, "object size: SIZE, MIN..MAX, or SIZE:WEIGHT,..."),
                ("scan", "\(churn.scanFraction)", "fraction of objects with pointers"),
                ("rate", SynthFormat.size(churn.bytesPerSecond), "allocation bytes per CPU-second (compute events); 0 = none"),
                ("total", SynthFormat.size(churn.totalBytes), "bytes allocated in all, fill included"),
                ("victim", churn.victim.rawValue, "oldest | random: which live object dies"),
            ]),
            ("gc-grid", "the Go 1.19 GC pacing grid program (calibration/README.md)", [
                ("L", SynthFormat.size(grid.liveBytes), "live set of ring objects"),
                ("S", SynthFormat.size(grid.objectBytes), "object size"),
                ("ptr", "\(grid.pointers)", "objects hold pointers (scan)"),
                ("steady", SynthFormat.size(grid.steadyBytes), "bytes allocated in the steady phase"),
                ("rate", SynthFormat.size(grid.bytesPerSecond), "allocation bytes per CPU-second; 0 = no think time"),
            ]),
            ("leak", "a growing live set: a fraction of allocations is kept forever", [
                ("size", leak.sizes.description, "object size: SIZE, MIN..MAX, or SIZE:WEIGHT,..."),
                ("keep", "\(leak.keepFraction)", "fraction of objects never freed"),
                ("young", "\(leak.youngCount)", "others die after this many later allocations"),
                ("scan", "\(leak.scanFraction)", "fraction of objects with pointers"),
                ("rate", SynthFormat.size(leak.bytesPerSecond), "allocation bytes per CPU-second; 0 = none"),
                ("total", SynthFormat.size(leak.totalBytes), "bytes allocated in all"),
            ]),
            ("server", "bursts of requests on worker goroutines, per-request garbage and a capped cache", [
                ("requests", "\(server.requests)", "number of requests"),
                ("workers", "\(server.workers)", "worker goroutines (1…workers)"),
                ("burst", "\(server.meanBurst)", "mean requests per burst (geometric)"),
                ("gap", SynthFormat.duration(server.meanGapNs), "mean sleep between bursts (exponential)"),
                ("objects", "\(server.objectsPerRequest)", "garbage objects per request"),
                ("size", server.objectSizes.description, "garbage object size"),
                ("scan", "\(server.scanFraction)", "fraction of garbage objects with pointers"),
                ("compute", SynthFormat.duration(server.computeNs), "CPU per request"),
                ("cache", "\(server.cacheFraction)", "probability a request adds a cache entry"),
                ("entry", SynthFormat.size(server.cacheEntryBytes), "cache entry size"),
                ("capacity", "\(server.cacheCapacity)", "cache entries before the oldest is evicted"),
            ]),
            ("gc-guide", "the Go GC guide's phase workloads (graph1..graph4) as alloc/free/compute", [
                ("preset", "graph1", "graph1 | graph2 | graph3 | graph4"),
                ("phases", "", "instead of the preset: DURATION:RATE:SURVIVAL:DEATH,… e.g. 1s:20MiB:1:0,9s:20MiB:0:0"),
                ("object", SynthFormat.size(guide.objectBytes), "object size"),
                ("ptr", "\(guide.pointers)", "objects hold pointers (scan)"),
                ("other", SynthFormat.size(guide.otherBytes), "non-heap memory (graph4: 10MiB), mapped and written first"),
            ]),
        ]
    }
}
