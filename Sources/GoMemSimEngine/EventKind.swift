import GoMemSimTrace

/// Event kinds, indexed for the per-kind counters, named by their text-format keyword
/// (`schemas/trace-format.md`) in `RunResult.eventCounts`.
@usableFromInline enum EventKind: Int, CaseIterable {
    case alloc, free, read, write, load, store
    case file, open, close, readfile, mmap, munmap, madvise, mprotect
    case gc, setgogc, setmemlimit, freeosmemory, globals, compute, sleep, go, exit, checkpoint

    @inline(__always)
    @inlinable init(_ event: TraceEvent) {
        switch event {
        case .alloc: self = .alloc
        case .free: self = .free
        case .read: self = .read
        case .write: self = .write
        case .load: self = .load
        case .store: self = .store
        case .declareFile: self = .file
        case .open: self = .open
        case .close: self = .close
        case .readFile: self = .readfile
        case .mmap: self = .mmap
        case .munmap: self = .munmap
        case .madvise: self = .madvise
        case .mprotect: self = .mprotect
        case .gc: self = .gc
        case .setGCPercent: self = .setgogc
        case .setMemoryLimit: self = .setmemlimit
        case .freeOSMemory: self = .freeosmemory
        case .globals: self = .globals
        case .compute: self = .compute
        case .sleep: self = .sleep
        case .spawn: self = .go
        case .exit: self = .exit
        case .checkpoint: self = .checkpoint
        }
    }

    /// The text-format keyword.
    @inlinable var name: String { String(describing: self) }
}
