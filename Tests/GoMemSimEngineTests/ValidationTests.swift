import GoMemSimCore
import GoMemSimEngine
import GoMemSimTrace
import Testing

/// Events that make no sense where they stand fail the run at their location.
@Suite struct ValidationTests {
    static let cases: [(name: String, records: [TraceRecord], failure: String)] = [
        ("duplicate id", [
            rec(.alloc(id: 17, size: 8, scan: false)),
            rec(.alloc(id: 17, size: 8, scan: false)),
        ], "test.gmt:2:1: expected an id that is not live, found 17"),
        ("free of unknown id", [
            rec(.alloc(id: 1, size: 8, scan: false)),
            rec(.free(id: 17)),
        ], "test.gmt:2:1: expected a live object id, found 17"),
        ("read after free", [
            rec(.alloc(id: 17, size: 8, scan: false)),
            rec(.free(id: 17)),
            rec(.read(id: 17, offset: 0, length: 8, dependent: false)),
        ], "test.gmt:3:1: expected a live object id, found 17"),
        ("write past the end", [
            rec(.alloc(id: 3, size: 64, scan: false)),
            rec(.write(id: 3, offset: 60, length: 8)),
        ], "test.gmt:2:1: expected a range within the 64-byte object 3, found offset 60 length 8"),
        ("offset overflow", [
            rec(.alloc(id: 3, size: 64, scan: false)),
            rec(.read(id: 3, offset: UInt64.max, length: 2, dependent: false)),
        ], "test.gmt:2:1: expected a range within the 64-byte object 3, found offset 18446744073709551615 length 2"),
        ("allocation beyond Go's maxAlloc", [
            rec(.alloc(id: 1, size: (1 << 48) + 1, scan: false)),
        ], "test.gmt:1:1: expected an allocation size of at most 256 TiB (Go's maxAlloc), found 281474976710657"),
        ("mapping beyond the address space", [
            rec(.mmap(id: 1, length: UInt64.max, protection: .read, flags: .anonymous, fd: nil, fileOffset: 0)),
        ], "test.gmt:1:1: expected a mapping length of at most 128 TiB (the user address space), found 18446744073709551615"),
        ("free of a mapping", [
            rec(.mmap(id: 9, length: 4096, protection: .read, flags: .anonymous, fd: nil, fileOffset: 0)),
            rec(.free(id: 9)),
        ], "test.gmt:2:1: expected a heap object id (a mapping ends with munmap), found mapping 9"),
        ("munmap of a heap object", [
            rec(.alloc(id: 4, size: 4096, scan: false)),
            rec(.munmap(id: 4, offset: 0, length: 4096)),
        ], "test.gmt:2:1: expected a mapping id, found heap object 4"),
        ("munmap of an unknown id", [
            rec(.munmap(id: 4, offset: 0, length: 4096)),
        ], "test.gmt:1:1: expected a live mapping id, found 4"),
        ("madvise outside the mapping", [
            rec(.mmap(id: 9, length: 8192, protection: .read, flags: .anonymous, fd: nil, fileOffset: 0)),
            rec(.madvise(id: 9, offset: 4096, length: 8192, advice: .dontNeed)),
        ], "test.gmt:2:1: expected a range within the 8192-byte mapping 9, found offset 4096 length 8192"),
        ("mprotect after munmap", [
            rec(.mmap(id: 9, length: 8192, protection: .read, flags: .anonymous, fd: nil, fileOffset: 0)),
            rec(.munmap(id: 9, offset: 0, length: 8192)),
            rec(.mprotect(id: 9, offset: 0, length: 4096, protection: .none)),
        ], "test.gmt:3:1: expected a live mapping id, found 9"),
        ("open of an undeclared file", [
            rec(.open(fd: 3, name: Symbol(0))),
        ], "test.gmt:1:1: expected a declared file, found \"data.bin\""),
        ("read of an unknown descriptor", [
            rec(.alloc(id: 1, size: 4096, scan: false)),
            rec(.readFile(fd: 5, fileOffset: 0, id: 1, offset: 0, length: 4096)),
        ], "test.gmt:2:1: expected an open file descriptor, found 5"),
        ("mmap of a closed descriptor", [
            rec(.declareFile(name: Symbol(0), size: 4096, cachedBytes: 0)),
            rec(.open(fd: 3, name: Symbol(0))),
            rec(.close(fd: 3)),
            rec(.mmap(id: 2, length: 4096, protection: .read, flags: [], fd: 3, fileOffset: 0)),
        ], "test.gmt:4:1: expected an open file descriptor, found 3"),
        ("goroutine before its go", [
            rec(.compute(ns: 1)),
            rec(.compute(ns: 1), g: 5),
        ], "test.gmt:2:1: expected a started goroutine (0 or one named by an earlier `go`), found goroutine 5"),
        ("goroutine after its exit", [
            rec(.spawn(goroutine: 2)),
            rec(.exit, g: 2),
            rec(.compute(ns: 1), g: 2),
        ], "test.gmt:3:1: expected a started goroutine (0 or one named by an earlier `go`), found goroutine 2"),
        ("go of a running goroutine", [
            rec(.spawn(goroutine: 2)),
            rec(.spawn(goroutine: 2)),
        ], "test.gmt:2:1: expected a goroutine id that is not running, found goroutine 2"),
    ]

    @Test(arguments: cases.indices)
    func invalidEventFailsTheRunAtItsLocation(_ i: Int) {
        let (name, records, failure) = Self.cases[i]
        var engine = recordingEngine(records, names: ["data.bin"])
        let result = engine.run()
        #expect(result.status == .failed, "\(name)")
        #expect(result.failure == failure, "\(name)")
        #expect(result.events < UInt64(records.count), "\(name)")
    }

    @Test func readerErrorsPassThroughWithTheirLocation() {
        var source = ArraySource([rec(.compute(ns: 1)), rec(.compute(ns: 1)), rec(.compute(ns: 1))])
        source.failAt = 3
        let result = Engine.replay(source: source, config: RunConfig())
        #expect(result.status == .failed)
        #expect(result.failure == "test.gmt:3:1: expected an event keyword, found \"allok\"")
        #expect(result.events == 2)
    }

    @Test func errorsAreLocatedExactlyEvenWhenLookaheadReordersGoroutines() {
        // Goroutine 1 sleeps, so main runs ahead in time; the bad record is still
        // reported at its own line.
        let result = Engine.replay(source: ArraySource([
            rec(.spawn(goroutine: 1)),
            rec(.sleep(ns: 1_000), g: 1),
            rec(.compute(ns: 10), g: 0),
            rec(.alloc(id: 1, size: 8, scan: false), g: 1),
            rec(.free(id: 2), g: 0),
        ]), config: RunConfig())
        #expect(result.failure == "test.gmt:5:1: expected a live object id, found 2")
    }

    @Test func idsCanBeReusedAfterFree() {
        let result = Engine.replay(source: ArraySource([
            rec(.alloc(id: 1, size: 8, scan: false)),
            rec(.free(id: 1)),
            rec(.alloc(id: 1, size: 16, scan: false)),
            rec(.write(id: 1, offset: 8, length: 8)),
        ]), config: RunConfig())
        #expect(result.status == .complete)
    }
}
