import GoMemSimRecorder
import GoMemSimTrace

/// Compiles `source` and renders every record it yields, one per line, in a compact
/// text form: `alloc 1 1024 noscan`, `g1 write 2 0 8` (goroutine prefix when not main).
func records(_ source: String, path: String = "t.gmr") throws -> [String] {
    var script = try Script.compile(source: source, path: path)
    var lines: [String] = []
    while let record = try script.next() {
        lines.append(render(record, symbols: script.symbols))
    }
    return lines
}

func render(_ record: TraceRecord, symbols: SymbolTable) -> String {
    let text: String
    switch record.event {
    case let .alloc(id, size, scan): text = "alloc \(id) \(size) \(scan ? "scan" : "noscan")"
    case let .free(id): text = "free \(id)"
    case let .read(id, offset, length, dependent): text = "read \(id) \(offset) \(length)\(dependent ? " dependent" : "")"
    case let .write(id, offset, length): text = "write \(id) \(offset) \(length)"
    case let .declareFile(name, size, cached): text = "file \(symbols[name]) \(size) \(cached)"
    case let .open(fd, name): text = "open \(fd) \(symbols[name])"
    case let .close(fd): text = "close \(fd)"
    case let .readFile(fd, fileOffset, id, offset, length): text = "readfile \(fd) \(fileOffset) \(id) \(offset) \(length)"
    case let .mmap(id, length, protection, flags, fd, fileOffset):
        text = "mmap \(id) \(length) prot=\(protection.rawValue) flags=\(flags.rawValue) fd=\(fd.map(String.init) ?? "-") off=\(fileOffset)"
    case let .munmap(id, offset, length): text = "munmap \(id) \(offset) \(length)"
    case let .madvise(id, offset, length, advice): text = "madvise \(id) \(offset) \(length) \(advice.name)"
    case let .mprotect(id, offset, length, protection): text = "mprotect \(id) \(offset) \(length) \(protection.rawValue)"
    case .gc: text = "gc"
    case let .setGCPercent(percent): text = "setgogc \(percent.map(String.init) ?? "off")"
    case let .setMemoryLimit(limit): text = "setmemlimit \(limit.map(String.init) ?? "none")"
    case .freeOSMemory: text = "freeosmemory"
    case let .compute(ns): text = "compute \(ns)"
    case let .sleep(ns): text = "sleep \(ns)"
    case let .spawn(goroutine): text = "spawn \(goroutine)"
    case .exit: text = "exit"
    case let .checkpoint(label): text = "checkpoint \(symbols[label])"
    case let .globals(bytes): text = "globals \(bytes)"
    case let .load(address, length, _): text = "load \(address) \(length)"
    case let .store(address, length): text = "store \(address) \(length)"
    }
    return record.goroutine == 0 ? text : "g\(record.goroutine) \(text)"
}

/// The error a script fails with, compile or run time, as `file:line:col: message`.
func failure(_ source: String, path: String = "x.gmr") -> String? {
    do {
        _ = try records(source, path: path)
        return nil
    } catch {
        return "\(error)"
    }
}
