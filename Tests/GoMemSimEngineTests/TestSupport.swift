import GoMemSimCore
import GoMemSimEngine
import GoMemSimTrace

/// A trace held in memory; record k (1-based) stands at `test.gmt:k:1`.
struct ArraySource: TraceSource {
    var symbols = SymbolTable()
    var origin = "test.gmt"
    var records: [TraceRecord]
    var position = 0
    /// A syntax error the "reader" reports instead of record `failAt` (1-based).
    var failAt: Int? = nil

    /// `names` are interned in order: `Symbol(0)` is `names[0]`.
    init(_ records: [TraceRecord], names: [String] = []) {
        self.records = records
        for name in names { _ = symbols.intern(name) }
    }

    mutating func next() throws(TraceError) -> TraceRecord? {
        guard position < records.count else { return nil }
        position += 1
        if position == failAt { throw .expected("an event keyword", found: "\"allok\"", at: location) }
        return records[position - 1]
    }

    var location: SourceLocation { .text(file: "test.gmt", line: position, column: 1) }
}

func rec(_ event: TraceEvent, g: UInt32 = 0) -> TraceRecord { TraceRecord(goroutine: g, event) }

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

/// Logs every call; faults cost `touchCostNs`; backs everything with `pageShift` pages.
struct RecordingKernel: KernelModel {
    var log: [String] = []
    var touchCostNs: UInt64 = 0
    var pageShift: UInt8 = 12
    var failTouch: ModelError? = nil
    var nextAddress: UInt64 = 0x7f00_0000_0000
    var touchedBytes: UInt64 = 0
    var advancedTo: UInt64 = 0

    var modelName: String? { "recording-kernel" }

    mutating func declareFile(name: String, size: UInt64, cachedBytes: UInt64) throws(ModelError) {
        log.append("declareFile \(name) \(size) \(cachedBytes)")
    }

    mutating func map(length: UInt64, protection: Protection, flags: MapFlags, file: String?,
                      fileOffset: UInt64, fixedAddress: UInt64?) throws(ModelError) -> KernelCall<UInt64> {
        log.append("map \(length) file=\(file ?? "-") off=\(fileOffset)")
        let address = nextAddress
        nextAddress += 1 << 30
        return KernelCall(address, costNs: 1000)
    }

    mutating func unmap(address: UInt64, length: UInt64) throws(ModelError) -> KernelCall<Void> {
        log.append("unmap \(hex(address)) \(length)")
        return KernelCall((), costNs: 0)
    }

    mutating func advise(address: UInt64, length: UInt64, advice: Advice) throws(ModelError) -> KernelCall<Void> {
        log.append("advise \(hex(address)) \(length) \(advice.name)")
        return KernelCall((), costNs: 0)
    }

    mutating func protect(address: UInt64, length: UInt64, protection: Protection) throws(ModelError) -> KernelCall<Void> {
        log.append("protect \(hex(address)) \(length) \(protection.rawValue)")
        return KernelCall((), costNs: 0)
    }

    mutating func touch(address: UInt64, length: UInt64, isWrite: Bool) throws(ModelError) -> PageTouch {
        if let failTouch { throw failTouch }
        log.append("touch \(hex(address)) \(length) \(isWrite ? "w" : "r")")
        touchedBytes += length
        return PageTouch(costNs: touchCostNs, pageShift: pageShift)
    }

    mutating func readFile(_ file: String, fileOffset: UInt64, into address: UInt64,
                           length: UInt64) throws(ModelError) -> KernelCall<Void> {
        log.append("readFile \(file) \(fileOffset) \(hex(address)) \(length)")
        return KernelCall((), costNs: 0)
    }

    mutating func advance(to now: UInt64) {
        precondition(now >= advancedTo, "kernel time went back")
        advancedTo = now
    }

    func fill(_ figures: inout MemoryFigures) { figures.vmRSS = touchedBytes }

    func checkpointRows(seq: Int, into rows: inout ModelRows) {
        rows.append(to: "checkpoint_mappings", columns: ["seq", "bytes"], [.int(Int64(seq)), .int(Int64(touchedBytes))])
    }

    func runRows(into rows: inout ModelRows) {
        rows.append(to: "faults", columns: ["touched"], [.int(Int64(touchedBytes))])
    }
}

/// A bump allocator that logs calls, with optional background deadlines and a heap limit.
struct RecordingRuntime: RuntimeModel {
    var log: [String] = []
    var nextAddress: UInt64 = 0xc0_0000_0000
    var allocCostNs: UInt64 = 0
    var collectCostNs: UInt64 = 0
    /// Background work wanted at these times (ascending); `advance` consumes them.
    var deadlines: [UInt64] = []
    /// Heap bytes beyond which allocation fails with `.outOfMemory`.
    var limitBytes: UInt64? = nil
    var heapBytes: UInt64 = 0

    var modelName: String? { "recording-runtime" }

    mutating func start<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) { log.append("start") }

    mutating func allocate<K: KernelModel>(size: UInt64, scan: Bool, goroutine: UInt32, now: UInt64,
                                           kernel: inout K) throws(ModelError) -> Allocation {
        if let limitBytes, heapBytes + size > limitBytes {
            throw ModelError(.outOfMemory, "out of memory allocating \(size) bytes")
        }
        log.append("allocate \(size) \(scan ? "scan" : "noscan") g\(goroutine) t=\(now)")
        let address = nextAddress
        nextAddress += (size + 15) & ~15
        heapBytes += size
        return Allocation(address: address, costNs: allocCostNs)
    }

    mutating func release(address: UInt64, size: UInt64, scan: Bool) {
        log.append("release \(hex(address)) \(size)")
        heapBytes -= size
    }

    /// Cost per byte written into a pointerful object.
    var writeBarrierNsPerByte: UInt64 = 0
    mutating func writeBarrier(bytes: UInt64, now: UInt64) -> UInt64 {
        log.append("writeBarrier \(bytes) t=\(now)")
        return bytes * writeBarrierNsPerByte
    }

    mutating func collect<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        log.append("collect t=\(now)")
        return collectCostNs
    }

    mutating func freeOSMemory<K: KernelModel>(now: UInt64, kernel: inout K) throws(ModelError) -> UInt64 {
        log.append("freeOSMemory t=\(now)")
        return 0
    }

    mutating func setGCPercent(_ percent: Int32?, now: UInt64) { log.append("setGCPercent \(percent.map(String.init) ?? "off")") }
    mutating func setMemoryLimit(_ bytes: UInt64?, now: UInt64) { log.append("setMemoryLimit \(bytes.map(String.init) ?? "none")") }
    mutating func setGlobals(bytes: UInt64) { log.append("setGlobals \(bytes)") }
    mutating func goroutineStarted(_ goroutine: UInt32, now: UInt64) { log.append("started g\(goroutine) t=\(now)") }
    mutating func goroutineExited(_ goroutine: UInt32, now: UInt64) { log.append("exited g\(goroutine) t=\(now)") }

    var nextDeadline: UInt64? { deadlines.first }

    mutating func advance<K: KernelModel>(to now: UInt64, kernel: inout K) throws(ModelError) {
        while let first = deadlines.first, first <= now {
            deadlines.removeFirst()
            log.append("advance t=\(now)")
        }
    }

    func fill(_ figures: inout MemoryFigures) { figures.heapAlloc = heapBytes }

    func checkpointRows(seq: Int, into rows: inout ModelRows) {
        rows.append(to: "gc_cycles", columns: ["seq"], [.int(Int64(seq))])
    }

    func runRows(into rows: inout ModelRows) {}
}

struct RecordingHardware: HardwareModel {
    var log: [String] = []
    var accessCostNs: UInt64 = 0
    var modelName: String? { "recording-hardware" }

    mutating func access(address: UInt64, length: UInt64, isWrite: Bool, dependent: Bool,
                         pageShift: UInt8) -> UInt64 {
        log.append("access \(hex(address)) \(length) \(isWrite ? "w" : "r")\(dependent ? " dep" : "") shift=\(pageShift)")
        return accessCostNs
    }

    func checkpointRows(seq: Int, into rows: inout ModelRows) {}
    func runRows(into rows: inout ModelRows) {}
}

typealias RecordingEngine = Engine<ArraySource, RecordingKernel, RecordingRuntime, RecordingHardware>

func recordingEngine(_ records: [TraceRecord], names: [String] = [], config: RunConfig = RunConfig(),
                     kernel: RecordingKernel = RecordingKernel(), runtime: RecordingRuntime = RecordingRuntime(),
                     hardware: RecordingHardware = RecordingHardware()) -> RecordingEngine {
    Engine(source: ArraySource(records, names: names), kernel: kernel, runtime: runtime,
           hardware: hardware, config: config)
}

/// Milliseconds in nanoseconds.
func ms(_ n: UInt64) -> UInt64 { n * 1_000_000 }

extension RunConfig {
    static func with(gomaxprocs: Int = 2, sampleIntervalNs: UInt64 = 0) -> RunConfig {
        var config = RunConfig()
        config.gomaxprocs = gomaxprocs
        config.sampleIntervalNs = sampleIntervalNs
        return config
    }
}
