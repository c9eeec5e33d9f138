import Testing
import GoMemSimRecorder
import GoMemSimTrace

/// The chapter's examples as scripts (traces/seed/*.gmr) must checkpoint exactly the steps
/// measured on Go 1.19 (calibration/seed-examples-go1.19.tsv, `step` column), in order,
/// so every simulated figure lines up with a measured one.
struct DSLSeedScriptTests {
    static let seedDirectory: String = {
        // Tests/GoMemSimRecorderTests/DSLSeedScriptTests.swift → repository root.
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/traces/seed"
    }()

    static let opening = ["start", "after_make_600MiB", "after_write_3_bytes", "after_write_all", "after_b=nil_runtime.GC"]
    static let closing = ["after_make_300MiB", "after_write_all_300MiB"]
    static let reads = ["after_read_b[5000]", "after_read_b[100000]", "after_read_b[104000]"]

    /// seed-examples-go1.19.tsv, steps per (example, variant).
    static let expected: [(script: String, labels: [String])] = [
        ("ex5-2.gmr", ["start", "after_open", "after_make_600MiB", "after_f.Read"] + reads),
        ("ex5-3-cold.gmr", ["start", "after_open", "after_mmap_600MiB"] + reads + ["after_munmap"]),
        ("ex5-3-warm.gmr", ["start", "after_open", "after_mmap_600MiB"] + reads + ["after_munmap"]),
        ("ex5-5.gmr", ["start", "after_make_600MiB", "after_write_b[5000]", "after_write_b[100000]", "after_write_b[104000]", "after_write_all"]),
        ("ex5-6.gmr", opening + closing),
        ("ex5-6-wait.gmr", opening + stride(from: 500, through: 10000, by: 500).map { "after_GC_sleep_\($0)ms" } + closing),
        ("ex5-6-freeosmem.gmr", opening + ["after_debug.FreeOSMemory"] + closing),
    ]

    static func run(_ name: String) throws -> (labels: [String], events: [TraceEvent], symbols: SymbolTable) {
        var script = try Script.compile(path: seedDirectory + "/" + name)
        var labels: [String] = []
        var events: [TraceEvent] = []
        while let record = try script.next() {
            events.append(record.event)
            if case let .checkpoint(label) = record.event { labels.append(script.symbols[label]) }
        }
        return (labels, events, script.symbols)
    }

    @Test(arguments: expected.map(\.script))
    func seedScriptCheckpointsTheCalibratedStepsInOrder(_ name: String) throws {
        let labels = try Self.run(name).labels
        let expected = Self.expected.first { $0.script == name }?.labels
        #expect(labels == expected)
    }

    @Test func example5_2ReadsTheFileIntoTheBufferThenThreeBytes() throws {
        let run = try Self.run("ex5-2.gmr")
        let mib: UInt64 = 1 << 20
        let memory = run.events.filter { if case .checkpoint = $0 { false } else { true } }
        let file = run.symbols.lookup("test686mbfile.out")!
        #expect(memory == [
            .declareFile(name: file, size: 686 * mib, cachedBytes: 686 * mib),
            .open(fd: 3, name: file),
            .alloc(id: 1, size: 600 * mib, scan: false),
            .readFile(fd: 3, fileOffset: 0, id: 1, offset: 0, length: 600 * mib),
            .read(id: 1, offset: 5000, length: 1, dependent: false),
            .read(id: 1, offset: 100_000, length: 1, dependent: false),
            .read(id: 1, offset: 104_000, length: 1, dependent: false),
            .close(fd: 3),
        ])
    }

    @Test func example5_3MapsTheFileSharedReadOnlyAndReadsThroughTheMapping() throws {
        let mib: UInt64 = 1 << 20
        for (name, cached) in [("ex5-3-cold.gmr", UInt64(0)), ("ex5-3-warm.gmr", 686 * mib)] {
            let run = try Self.run(name)
            let file = run.symbols.lookup("test686mbfile.out")!
            let memory = run.events.filter { if case .checkpoint = $0 { false } else { true } }
            #expect(memory == [
                .declareFile(name: file, size: 686 * mib, cachedBytes: cached),
                .open(fd: 3, name: file),
                .mmap(id: 1, length: 600 * mib, protection: .read, flags: .shared, fd: 3, fileOffset: 0),
                .read(id: 1, offset: 5000, length: 1, dependent: false),
                .read(id: 1, offset: 100_000, length: 1, dependent: false),
                .read(id: 1, offset: 104_000, length: 1, dependent: false),
                .munmap(id: 1, offset: 0, length: 600 * mib),
                .close(fd: 3),
            ])
        }
    }

    @Test func example5_6FreesTheFirstBufferBeforeTheForcedGCAndReusesNoId() throws {
        let run = try Self.run("ex5-6-freeosmem.gmr")
        let mib: UInt64 = 1 << 20
        let memory = run.events.filter { if case .checkpoint = $0 { false } else { true } }
        #expect(memory == [
            .alloc(id: 1, size: 600 * mib, scan: false),
            .write(id: 1, offset: 5000, length: 1),
            .write(id: 1, offset: 100_000, length: 1),
            .write(id: 1, offset: 104_000, length: 1),
            .write(id: 1, offset: 0, length: 600 * mib),
            .write(id: 1, offset: 5000, length: 1),
            .free(id: 1),
            .gc,
            .freeOSMemory,
            .alloc(id: 2, size: 300 * mib, scan: false),
            .write(id: 2, offset: 0, length: 300 * mib),
        ])
    }

    @Test func example5_6WaitSleepsTwentyTimesHalfASecond() throws {
        let sleeps = try Self.run("ex5-6-wait.gmr").events.filter { $0 == .sleep(ns: 500_000_000) }
        #expect(sleeps.count == 20)
    }
}
