import Testing
import GoMemSimRecorder
import GoMemSimTrace

/// Bad input never crashes the compiler or the interpreter: every mutant of a valid
/// script either runs or fails with a `TraceError` inside the script's lines.
struct DSLRobustnessTests {
    /// SplitMix64, so the mutants are the same on every run.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let corpus = [
        """
        package main
        type node struct { next *node; val int64; data [8]byte }
        file "d" size 1<<20 cached 4096
        func main() {
            f, err := os.Open("d")
            if err != nil { return err }
            b := make([]byte, 64<<10)
            n, _ := f.Read(b[100:])
            m, _ := syscall.Mmap(int(f.Fd()), 0, 8192, syscall.PROT_READ, syscall.MAP_SHARED)
            _ = m[n%4096]
            head := &node{val: 1}
            head.next = &node{next: head}
            ring := make([][]byte, 4)
            ring[2] = b[1:9]
            go func() { head.next.data[3] = byte(len(ring)) }()
            head = nil
            syscall.Munmap(m)
            f.Close()
            checkpoint("x")
        }
        """,
        "b := make([]byte, 600<<20)\nfor i := range b { b[i] = 1 }\nb = nil\nruntime.GC()\ndebug.SetGCPercent(-1)\n",
    ]

    @Test func mutatedScriptsFailCleanlyOrRun() throws {
        var random = SplitMix64(state: 42)
        let alphabet = Array("(){}[]:=;,.&*<>+-/%\"_ab0x19\n")
        var failures = 0
        for round in 0..<400 {
            var text = Array(Self.corpus[round % Self.corpus.count])
            for _ in 0...random.below(3) {
                let at = random.below(text.count)
                switch random.below(3) {
                case 0: text.remove(at: at)
                case 1: text.insert(alphabet[random.below(alphabet.count)], at: at)
                default: text[at] = alphabet[random.below(alphabet.count)]
                }
            }
            let source = String(text)
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                var script = try Script.compile(source: source, path: "m.gmr")
                var count = 0
                while try script.next() != nil, count < 10_000 { count += 1 }
            } catch {
                failures += 1
                guard case let .text(file, line, column) = error.location else {
                    Issue.record("non-text location \(error)")
                    continue
                }
                #expect(file == "m.gmr")
                #expect(line >= 1 && line <= lines + 1, "\(error)")
                #expect(column >= 1, "\(error)")
                #expect(!error.message.isEmpty)
            }
        }
        // Most random edits break a script; the test is meaningless if none did.
        #expect(failures > 200)
    }
}
