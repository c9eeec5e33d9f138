import Testing
import GoMemSimRecorder
import GoMemSimTrace

/// Each statement of the DSL maps to the trace events the Go it stands for would cause.
struct DSLLanguageTests {
    @Test func structSizesFollowGoAlignmentAndPointersMakeThemScan() throws {
        #expect(try records("""
        type padded struct { a int8; b int64; c int8 }       // 1 + 7 pad + 8 + 1 + 7 pad = 24
        type packed struct { b int64; a int8; c int8 }       // 8 + 1 + 1 + 6 pad = 16
        type small struct { a uint16; b byte }               // 2 + 1 + 1 pad = 4
        type node struct { next *node; val int64; data [64]byte }
        type holder struct { name string; n int32 }          // 16 + 4 + 4 pad = 24, scan
        type pair struct { p padded; s small }               // 24 + 4 + 4 pad = 32
        _ = new(padded)
        _ = new(packed)
        _ = new(small)
        _ = new(node)
        _ = new(holder)
        _ = new(pair)
        _ = make([]node, 10)
        _ = make([]int64, 3)
        _ = make([]*node, 3)
        """) == [
            "alloc 1 24 noscan", "free 1", "alloc 2 16 noscan", "free 2", "alloc 3 4 noscan", "free 3",
            "alloc 4 80 scan", "free 4", "alloc 5 24 scan", "free 5", "alloc 6 32 noscan", "free 6",
            "alloc 7 800 scan", "free 7", "alloc 8 24 noscan", "free 8", "alloc 9 24 scan", "free 9",
        ])
    }

    @Test func fieldAndElementAccessesUseByteOffsetsAndSizes() throws {
        #expect(try records("""
        type node struct { next *node; val int64; data [64]byte }
        n := &node{val: 5}
        n.next = &node{}
        n.next.val = 6
        x := n.next.data[63]
        n.data[1] = byte(x)
        ints := make([]int32, 8)
        ints[3] = 9
        nodes := make([]node, 4)
        nodes[2].val = 1
        """) == [
            "alloc 1 80 scan", "write 1 8 8",
            "alloc 2 80 scan", "write 1 0 8",
            "read 1 0 8", "write 2 8 8",
            "read 1 0 8", "read 2 79 1 dependent",
            "write 1 17 1",
            "alloc 3 32 noscan", "write 3 12 4",
            "alloc 4 320 scan", "write 4 168 8",
        ])
    }

    @Test func filesOpenFromDescriptorThreeAndReadsAdvanceTheOffset() throws {
        #expect(try records("""
        file "data.bin" size 10000 cached 4096
        file "other.bin" size 100 uncached
        f, err := os.Open("data.bin")
        g, _ := os.Open("other.bin")
        b := make([]byte, 6000)
        n, err := f.Read(b)
        f.Read(b)
        f.Read(b)
        g.Close()
        h, _ := os.Open("other.bin")
        h.ReadAt(b[10:20], 95)
        f.Close()
        """) == [
            "file data.bin 10000 4096", "file other.bin 100 0",
            "open 3 data.bin", "open 4 other.bin",
            "alloc 1 6000 noscan",
            "readfile 3 0 1 0 6000",
            "readfile 3 6000 1 0 4000",  // only 4000 bytes left; the next read hits EOF
            "close 4", "open 4 other.bin",
            "readfile 4 95 1 10 5",
            "close 3",
        ])
    }

    @Test func mmapFormsMapToTheirFlagsAndShareTheRegionIdSpace() throws {
        #expect(try records("""
        file "f" size 1<<20 cached
        f, _ := os.Open("f")
        heap := make([]byte, 16)
        m, _ := syscall.Mmap(int(f.Fd()), 4096, 8192, syscall.PROT_READ, syscall.MAP_SHARED)
        a, _ := unix.Mmap(-1, 0, 1<<21, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
        p, _ := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
        _ = m[5000]
        a[7] = 1
        for i := range a { a[i] = 2 }
        syscall.Madvise(a[4096:8192], syscall.MADV_DONTNEED)
        syscall.Madvise(a, syscall.MADV_HUGEPAGE)
        syscall.Mprotect(a, syscall.PROT_READ)
        syscall.Munmap(a[:4096])
        syscall.Munmap(m)
        p[0] = 1
        """) == [
            "file f 1048576 1048576", "open 3 f",
            "alloc 1 16 noscan",
            "mmap 2 8192 prot=1 flags=1 fd=3 off=4096",
            "mmap 3 2097152 prot=3 flags=2 fd=- off=0",
            "mmap 4 4096 prot=3 flags=4 fd=3 off=0",
            "read 2 5000 1",
            "write 3 7 1", "write 3 0 2097152",
            "madvise 3 4096 4096 dontneed", "madvise 3 0 2097152 hugepage",
            "mprotect 3 0 2097152 1",
            "munmap 3 0 4096", "munmap 2 0 8192",
            "write 4 0 1",
        ])
    }

    @Test func runtimeKnobsMapToTheirEvents() throws {
        #expect(try records("""
        debug.SetGCPercent(50)
        debug.SetGCPercent(-1)
        debug.SetMemoryLimit(512 << 20)
        debug.SetMemoryLimit(math.MaxInt64)
        debug.SetMemoryLimit(-1)
        runtime.GC()
        debug.FreeOSMemory()
        time.Sleep(2 * time.Second)
        work(5 * time.Millisecond)
        checkpoint("done")
        """) == [
            "setgogc 50", "setgogc off", "setmemlimit 536870912", "setmemlimit none",
            "gc", "freeosmemory", "sleep 2000000000", "compute 5000000", "checkpoint done",
        ])
    }

    @Test func goroutinesGetFreshIdsAndNestedOnesExitInOrder() throws {
        #expect(try records("""
        for i := 0; i < 2; i++ {
            go func() {
                work(1000)
                go func() {
                    checkpoint("inner")
                }()
            }()
        }
        """) == [
            "spawn 1", "g1 compute 1000", "g1 spawn 2", "g2 checkpoint inner", "g2 exit", "g1 exit",
            "spawn 3", "g3 compute 1000", "g3 spawn 4", "g4 checkpoint inner", "g4 exit", "g3 exit",
        ])
    }

    @Test func conditionalsBreakContinueAndIntegerArithmetic() throws {
        #expect(try records("""
        b := make([]byte, 0x1_000)
        for i := 0; i < 10; i++ {
            if i%2 == 0 {
                continue
            } else if i > 6 {
                break
            }
            b[i*(1<<8)+(100-3)/2] = 1
        }
        for i := 0; ; i += 3 {
            if i >= 6 { break }
            _ = b[i]
        }
        """) == [
            "alloc 1 4096 noscan",
            "write 1 304 1", "write 1 816 1", "write 1 1328 1",
            "read 1 0 1", "read 1 3 1",
        ])
    }

    @Test func returnInMainEndsTheTraceAndInAGoroutineEndsTheGoroutine() throws {
        #expect(try records("""
        go func() {
            checkpoint("a")
            return
        }()
        checkpoint("b")
        return
        checkpoint("never")
        """) == ["spawn 1", "g1 checkpoint a", "g1 exit", "checkpoint b"])
    }

    @Test func bareStatementsRunBeforeMainAndTheLocationIsTheProducingStatement() throws {
        var script = try Script.compile(source: """
        package main

        file "x" size 10 cached

        func main() {
            b := make([]byte, 10)
            b[3] = 1
        }
        """, path: "loc.gmr")
        var locations: [String] = []
        while try script.next() != nil { locations.append(script.location.description) }
        #expect(locations == ["loc.gmr:3:1", "loc.gmr:6:5", "loc.gmr:7:5"])
    }
}

struct DSLDeclarationTests {
    @Test func constantsAndVariableGroupsDeclareLikeGo() throws {
        #expect(try records("""
        const mib = 1 << 20
        const (
            objects = 3
            size int64 = 2 * mib
        )
        var (
            ring [][]byte
            count int
        )
        ring = make([][]byte, objects)
        ring[objects-1] = make([]byte, size)
        count = len(ring)
        time.Sleep(time.Duration(count) * time.Millisecond)
        """) == ["alloc 1 72 scan", "alloc 2 2097152 noscan", "write 1 48 24", "sleep 3000000"])
    }

    @Test func aConstantCannotBeRedeclaredOrBeAVariable() throws {
        #expect(failure("const n = 1\nn := 2\n") == "x.gmr:2:1: n redeclared in this block")
        #expect(failure("x := 1\nconst c = x\n") == "x.gmr:2:11: const initializer must be a constant integer expression")
    }
}
