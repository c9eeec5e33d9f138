import GoMemSimCore
import GoMemSimEngine
import GoMemSimTrace
import Testing

/// Each event kind reaches the right model call, with addresses resolved from regions.
@Suite struct DispatchTests {
    @Test func heapAccessesGoThroughKernelThenHardwareAtObjectBasePlusOffset() {
        var kernel = RecordingKernel()
        kernel.pageShift = 21
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 64, scan: true)),
            rec(.alloc(id: 2, size: 100, scan: false)),
            rec(.write(id: 2, offset: 8, length: 16)),
            rec(.read(id: 1, offset: 0, length: 64, dependent: true)),
            rec(.free(id: 1)),
        ], kernel: kernel)
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(engine.runtime.log == [
            "start", "started g0 t=0",
            "allocate 64 scan g0 t=0", "allocate 100 noscan g0 t=0",
            "release 0xc000000000 64",
        ])
        // Object 2 lies after object 1 (64 bytes) in the bump allocator: 0xc000000040.
        #expect(engine.kernel.log == ["touch 0xc000000048 16 w", "touch 0xc000000000 64 r"])
        #expect(engine.hardware.log == [
            "access 0xc000000048 16 w shift=21", "access 0xc000000000 64 r dep shift=21",
        ])
    }

    @Test func mappingCallsUseTheMappingAddressAndTheDescriptorsFile() {
        var engine = recordingEngine([
            rec(.declareFile(name: Symbol(0), size: 8192, cachedBytes: 4096)),
            rec(.open(fd: 3, name: Symbol(0))),
            rec(.mmap(id: 5, length: 8192, protection: .read, flags: [], fd: 3, fileOffset: 0)),
            rec(.read(id: 5, offset: 4096, length: 100, dependent: false)),
            rec(.madvise(id: 5, offset: 0, length: 4096, advice: .dontNeed)),
            rec(.mprotect(id: 5, offset: 4096, length: 4096, protection: .none)),
            rec(.munmap(id: 5, offset: 0, length: 8192)),
            rec(.close(fd: 3)),
            rec(.mmap(id: 6, length: 4096, protection: [.read, .write], flags: .anonymous, fd: nil, fileOffset: 0)),
            rec(.store(address: 0x7f00_4000_0010, length: 8)),
            rec(.load(address: 0x1234, length: 4, dependent: true)),
        ], names: ["data.bin"])
        let result = engine.run()
        #expect(result.status == .complete)
        #expect(engine.kernel.log == [
            "declareFile data.bin 8192 4096",
            "map 8192 file=data.bin off=0",
            "touch 0x7f0000001000 100 r",
            "advise 0x7f0000000000 4096 dontneed",
            "protect 0x7f0000001000 4096 0",
            "unmap 0x7f0000000000 8192",
            "map 4096 file=- off=0",
            "touch 0x7f0040000010 8 w",
            "touch 0x1234 4 r",
        ])
        #expect(engine.hardware.log.last == "access 0x1234 4 r dep shift=12")
    }

    @Test func readFileCopiesIntoTheObjectAddressThroughTheKernel() {
        var engine = recordingEngine([
            rec(.declareFile(name: Symbol(0), size: 1 << 20, cachedBytes: 0)),
            rec(.open(fd: 7, name: Symbol(0))),
            rec(.alloc(id: 1, size: 4096, scan: false)),
            rec(.readFile(fd: 7, fileOffset: 8192, id: 1, offset: 96, length: 4000)),
        ], names: ["input.json"])
        _ = engine.run()
        #expect(engine.kernel.log.last == "readFile input.json 8192 0xc000000060 4000")
    }

    @Test func runtimeControlEventsReachTheRuntime() {
        var runtime = RecordingRuntime()
        runtime.collectCostNs = 500
        var engine = recordingEngine([
            rec(.globals(bytes: 4096)),
            rec(.setGCPercent(50)),
            rec(.setGCPercent(nil)),
            rec(.setMemoryLimit(1 << 30)),
            rec(.gc),
            rec(.freeOSMemory),
        ], runtime: runtime)
        let result = engine.run()
        #expect(engine.runtime.log == [
            "start", "started g0 t=0", "setGlobals 4096", "setGCPercent 50", "setGCPercent off",
            "setMemoryLimit 1073741824", "collect t=0", "freeOSMemory t=500",
        ])
        // runtime.GC() blocked main for its 500 ns.
        #expect(result.virtualTimeNs == 500)
    }

    @Test func modelCostsAdvanceTheGoroutinesClock() {
        var kernel = RecordingKernel()
        kernel.touchCostNs = 700
        var runtime = RecordingRuntime()
        runtime.allocCostNs = 25
        var hardware = RecordingHardware()
        hardware.accessCostNs = 90
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 64, scan: false)),
            rec(.write(id: 1, offset: 0, length: 64)),
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["end"], kernel: kernel, runtime: runtime, hardware: hardware)
        let result = engine.run()
        #expect(result.checkpoints.map(\.timeNs) == [25 + 700 + 90])
    }

    @Test func writesIntoPointerfulObjectsGoThroughTheWriteBarrier() {
        var runtime = RecordingRuntime()
        runtime.writeBarrierNsPerByte = 2
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 64, scan: true)),
            rec(.alloc(id: 2, size: 64, scan: false)),
            rec(.write(id: 1, offset: 8, length: 16)),
            rec(.write(id: 2, offset: 0, length: 64)),  // noscan: no barrier
            rec(.read(id: 1, offset: 0, length: 8, dependent: false)),  // reads: no barrier
            rec(.checkpoint(label: Symbol(0))),
        ], names: ["end"], runtime: runtime)
        let result = engine.run()
        #expect(engine.runtime.log.filter { $0.hasPrefix("writeBarrier") } == ["writeBarrier 16 t=0"])
        #expect(result.checkpoints.map(\.timeNs) == [32])  // the barrier's cost is the writer's time
    }

    @Test func eventCountsAreByKeywordSortedWithZerosOmitted() {
        var engine = recordingEngine([
            rec(.alloc(id: 1, size: 8, scan: false)),
            rec(.alloc(id: 2, size: 8, scan: false)),
            rec(.write(id: 1, offset: 0, length: 8)),
            rec(.free(id: 1)),
            rec(.spawn(goroutine: 4)),
            rec(.compute(ns: 5), g: 4),
            rec(.exit, g: 4),
            rec(.gc),
        ])
        let result = engine.run()
        #expect(result.eventCounts.map(\.kind) == ["alloc", "compute", "exit", "free", "gc", "go", "write"])
        #expect(result.eventCounts.map(\.count) == [2, 1, 1, 1, 1, 1, 1])
        #expect(result.events == 8)
        #expect(result.kernelModel == "recording-kernel")
        #expect(result.runtimeModel == "recording-runtime")
        #expect(result.hardwareModel == "recording-hardware")
    }

    @Test func progressIsReportedEveryInterval() {
        var engine = recordingEngine((0..<25).map { _ in rec(.compute(ns: 1)) })
        engine.progressInterval = 10
        var seen: [UInt64] = []
        engine.progress = { seen.append($0) }
        _ = engine.run()
        #expect(seen == [10, 20])
    }
}
