import GoMemSimTrace

/// The compiled form of a script: typed, name-resolved expressions and a flat list of
/// instructions with jumps, so the interpreter's whole control state is one program
/// counter and it can stop after any instruction (that is what makes it lazy).

/// A source position (1-based), kept on every instruction: run-time errors and
/// ``TraceSource/location`` report the statement.
struct Position: Hashable, Sendable {
    var line: Int32
    var column: Int32

    init(line: Int, column: Int) {
        self.line = Int32(clamping: line)
        self.column = Int32(clamping: column)
    }

    init(_ token: Token) { self.init(line: token.line, column: token.column) }
}

enum BinaryOperator: Sendable {
    case add, subtract, multiply, divide, remainder, shiftLeft, shiftRight, and, or, xor, andNot
    case less, lessEqual, greater, greaterEqual, equal, notEqual
    case logicalAnd, logicalOr
}

/// How a read of a memory place came about; `dependent` reads used an address loaded by
/// the previous read (`n.next.val`): a pointer chase the memory system cannot overlap.
struct Access: Sendable {
    var size: Int64
    var dependent: Bool
    /// The location holds a pointer or slice header: the reference graph follows it.
    var isReference: Bool
}

/// A memory location a script reads or writes: an element of a slice, a field of the
/// struct a pointer points to, or an element or field inside another place.
indirect enum Place: Sendable {
    /// `base[index]` where `base` is a slice; `elementSize` bytes per element.
    case sliceElement(base: Expr, index: Expr, elementSize: Int64)
    /// `base.field` where `base` is a pointer to a struct.
    case pointerField(base: Expr, offset: Int64)
    /// `place[index]` where `place` is an array (`n.data[3]`).
    case arrayElement(base: Place, index: Expr, count: Int64, elementSize: Int64)
    /// `place.field` where `place` holds a struct (`s[i].val`).
    case structField(base: Place, offset: Int64)
}

/// A typed expression. Evaluating it may emit records (reads, allocations).
indirect enum Expr: Sendable {
    case integer(Int64)
    case boolean(Bool)
    /// `nil` of a slice, pointer, error or file type.
    case nilValue
    case variable(slot: Int)
    case negate(Expr)
    case not(Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `len(x)` of a slice.
    case length(Expr)
    /// Reads a value of `access.size` bytes from memory.
    case load(Place, Access)
    /// `x[low:high]`.
    case slice(Expr, low: Expr?, high: Expr?)
    /// `make([]T, count)`: a heap object of `count * elementSize` bytes.
    case makeSlice(elementSize: Int64, scan: Bool, count: Expr, capacity: Expr?)
    /// `new(T)` or `&T{field: value, …}`: a heap object of `size` bytes, then a store of
    /// every listed field.
    case newObject(size: Int64, scan: Bool, fields: [FieldInitializer])
    /// `f.Fd()`.
    case fileDescriptor(Expr)
}

/// What a multi-value call assigns to its left-hand sides.
enum Target: Sendable {
    case discard
    case variable(slot: Int)
}

enum Operation: Sendable {
    /// Evaluates for its effects (`_ = b[5]`, `fmt.Println(b[5])`).
    case evaluate([Expr])
    case assign(slot: Int, Expr)
    case store(Place, Expr, Access)
    /// Records a fixed event: `runtime.GC()`, `checkpoint("x")`, a file declaration.
    case emit(TraceEvent)
    case setGCPercent(Expr)
    case setMemoryLimit(Expr)
    case sleep(Expr)
    case compute(Expr)
    /// `f, err := os.Open(name)`.
    case open(file: Int, result: Target)
    /// `f.Read(b)` / `f.ReadAt(b, off)`.
    case readFile(file: Expr, buffer: Expr, at: Expr?, count: Target)
    case close(file: Expr)
    /// `syscall.Mmap(fd, offset, length, prot, flags)`.
    case mmap(result: Target, fd: Expr, offset: Expr, length: Expr, protection: Protection, flags: MapFlags)
    case munmap(Expr)
    case madvise(Expr, Advice)
    case mprotect(Expr, Protection)
    /// `for i := range b { b[i] = v }`: one write of the whole slice.
    case writeRange(Expr, elementSize: Int64)
    /// `for i := range b { _ = b[i] }`: one read of the whole slice.
    case readRange(Expr, elementSize: Int64)
    case jump(Int)
    case branchUnless(Expr, Int)
    /// Drops the variables of a scope that ends here (their objects may die).
    case endScope(Range<Int>)
    case spawn
    case exit
    case halt
}

struct Instruction: Sendable {
    var operation: Operation
    var position: Position
}

/// A compiled script: instructions, how many variable slots they use, the declared
/// files, and the strings the events refer to.
struct Program: Sendable {
    var instructions: [Instruction]
    var slotCount: Int
    var files: [DeclaredFile]
    var symbols: SymbolTable
}

struct DeclaredFile: Sendable {
    var name: Symbol
    var size: UInt64
}

/// One `field: value` of a composite literal `&T{…}`.
struct FieldInitializer: Sendable {
    var offset: Int64
    var size: Int64
    var isReference: Bool
    var value: Expr
}
