import Testing
import GoMemSimRecorder

/// A malformed script fails with `file:line:col: message` pointing at the offending
/// token (compile errors) or the executing statement (run-time errors, where Go panics).
struct DSLErrorTests {
    static let cases: [(script: String, error: String)] = [
        // Syntax
        ("b := make([]byte, 10)\nx := len(b) + )\n", #"x.gmr:2:15: expected an expression, found ")""#),
        ("checkpoint(\"a\"\nruntime.GC()\n", #"x.gmr:1:15: expected "," or ")" in the arguments of checkpoint, found newline"#),
        ("s := \"abc\n", "x.gmr:1:6: string literal not terminated"),
        ("x := 0x1G\n", "x.gmr:1:6: malformed number: only integer literals are supported"),
        ("b := make([]byte, 4) b[0] = 1\n", #"x.gmr:1:22: expected end of statement, found identifier "b""#),
        ("for {\n}\n", "x.gmr:1:1: a for loop needs a condition (for cond { … } or for init; cond; post { … })"),
        ("func helper() {}\n", "x.gmr:1:1: only func main is supported; call library functions and work(d) instead of declaring func helper"),
        ("x := 1 @ 2\n", #"x.gmr:1:8: unexpected character "@""#),
        ("x := 1 \u{1B} 2\n", #"x.gmr:1:8: unexpected character "\x1B""#),
        // Names and types
        ("b := make([]byte, 10)\nc[1] = 2\n", "x.gmr:2:1: undefined: c"),
        ("x := 5\nx[1] = 2\n", "x.gmr:2:2: invalid operation: cannot index value of type int"),
        ("b := make([]byte, 10)\nb = 5\n", "x.gmr:2:5: cannot use value of type int as []byte value in assignment"),
        ("type node struct { next *node }\nn := new(node)\nn.prev = nil\n", "x.gmr:3:3: prev undefined (type node has no field prev)"),
        ("x := 5\nx := 6\n", "x.gmr:2:1: no new variables on left side of :="),
        ("b := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)\n", "x.gmr:1:1: assignment mismatch: 1 variable but the call returns 2 values"),
        ("var p *thing\n", "x.gmr:1:8: undefined type: thing"),
        ("b := make([]byte, 10)\nb[3]\n", "x.gmr:2:1: value of type byte is not used"),
        ("f, _ := os.Open(\"nope\")\n", #"x.gmr:1:17: file "nope" is not declared; declare it first: file "nope" size N cached|uncached"#),
        ("b, _ := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, syscall.MAP_ANON)\n", "x.gmr:1:54: mmap flags need exactly one of MAP_SHARED and MAP_PRIVATE"),
        ("type t struct { a int8 }\np := new(t)\nbreak\n", "x.gmr:3:1: break is not in a loop"),
        ("type list struct { next list }\n", "x.gmr:1:25: invalid recursive type list"),
        ("x := 1\nif x { }\n", "x.gmr:2:4: non-boolean condition: value of type int"),
        ("x := " + String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150) + "\n", "x.gmr:1:105: nested too deeply (more than 100 levels)"),
        ("type big struct { a [1 << 40][1 << 20]byte }\n", "x.gmr:1:21: array too large: 1099511627776 elements"),
        // Constants
        ("b := make([]byte, 10)\nb[10] = 1\n", "x.gmr:2:3: invalid argument: index 10 out of bounds [0:10]"),
        ("b := make([]byte, 10)\n_ = b[-1]\n", "x.gmr:2:7: invalid argument: index -1 (constant of type int) must not be negative"),
        ("x := 1 / 0\n", "x.gmr:1:8: invalid operation: division by zero"),
        ("x := 1 << 63\n", "x.gmr:1:8: constant overflows int64"),
        // Run time (Go would panic at the statement)
        ("n := 3\nb := make([]byte, n)\nfor i := 0; i < 10; i++ {\n    b[i] = 1\n}\n", "x.gmr:4:5: runtime error: index out of range [3] with length 3"),
        ("type node struct { next *node; v int }\nvar p *node\np.v = 1\n", "x.gmr:3:1: runtime error: invalid memory address or nil pointer dereference"),
        ("b, _ := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)\nb[1] = 2\n", "x.gmr:2:1: unexpected fault address (SIGSEGV): write to a mapping without PROT_WRITE"),
        ("b, _ := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_ANON)\nsyscall.Munmap(b)\n_ = b[0]\n", "x.gmr:3:1: unexpected fault address (SIGSEGV): the memory was unmapped"),
        ("n := -1\nb := make([]byte, n)\n", "x.gmr:2:1: runtime error: makeslice: len out of range"),
        ("file \"f\" size 100 cached\nf, _ := os.Open(\"f\")\nf.Close()\nf.Close()\n", "x.gmr:4:1: close of a closed file (fd 3)"),
    ]

    @Test(arguments: cases.indices)
    func malformedScriptFailsAtItsPlaceWithAPreciseMessage(_ index: Int) {
        #expect(failure(Self.cases[index].script) == Self.cases[index].error)
    }

    @Test func recordsBeforeARunTimeErrorAreDelivered() throws {
        var script = try Script.compile(source: "b := make([]byte, 2)\nb[1] = 1\ni := 2\nb[i] = 1\n", path: "x.gmr")
        #expect(try script.next()?.event == .alloc(id: 1, size: 2, scan: false))
        #expect(try script.next()?.event == .write(id: 1, offset: 1, length: 1))
        #expect(throws: (any Error).self) { try script.next() }
        #expect(try script.next() == nil)
    }
}
