import GoMemSimRecorder
import GoMemSimTrace

/// Every record of `source`.
func records<Source: TraceSource>(of source: Source) throws -> [TraceRecord] {
    var source = source
    var all: [TraceRecord] = []
    while let record = try source.next() { all.append(record) }
    return all
}

func synth(_ kind: String, _ parameters: [String: String] = [:], seed: UInt64 = 1) throws -> [TraceRecord] {
    try records(of: Synth.make(kind: kind, parameters: parameters, seed: seed))
}

/// Replays alloc/free the way a heap would see them and checks they are consistent.
struct HeapTally {
    var live: [RegionID: UInt64] = [:]
    var liveBytes: UInt64 = 0
    var allocs = 0
    var frees = 0
    var allocatedBytes: UInt64 = 0
    var computeNs: UInt64 = 0
    var problems: [String] = []

    mutating func apply(_ event: TraceEvent) {
        switch event {
        case let .alloc(id, size, _):
            if live[id] != nil { problems.append("alloc of live id \(id)") }
            live[id] = size
            liveBytes += size
            allocs += 1
            allocatedBytes += size
        case let .free(id):
            guard let size = live.removeValue(forKey: id) else {
                problems.append("free of unknown id \(id)")
                return
            }
            liveBytes -= size
            frees += 1
        case let .compute(ns):
            computeNs += ns
        default:
            break
        }
    }
}

func label(_ event: TraceEvent, in symbols: SymbolTable) -> String? {
    if case let .checkpoint(symbol) = event { return symbols[symbol] }
    return nil
}
