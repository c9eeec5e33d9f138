import GoMemSimTrace

/// What the compiler knows about a parsed expression before deciding how it is used:
/// a value, a variable or memory place (which can also be assigned to), a string
/// literal, a call with effects, or the blank identifier `_`.
struct Operand {
    enum Kind {
        case value(Expr)
        case variable(slot: Int)
        case place(Place, Access)
        case text(String)
        case call(Call)
        case blank
    }

    var kind: Kind
    /// `nil` for calls (their result types are in ``Call/results``) and `_`.
    var type: GoType?
    var position: Position
}

/// A call to a library function that does something (not a pure expression).
enum Call {
    /// No result: `runtime.GC()`, `time.Sleep(d)`, `fmt.Println(…)`.
    case effect(Operation)
    /// One `error` result, always nil: `f.Close()`, `syscall.Munmap(b)`.
    case errorOnly(Operation)
    /// `os.Open(name)` → `(*os.File, error)`.
    case open(file: Int)
    /// `syscall.Mmap(…)` → `([]byte, error)`.
    case mmap(fd: Expr, offset: Expr, length: Expr, protection: Protection, flags: MapFlags)
    /// `f.Read(b)` / `f.ReadAt(b, off)` → `(int, error)`.
    case read(file: Expr, buffer: Expr, at: Expr?)

    var results: [GoType] {
        switch self {
        case .effect: []
        case .errorOnly: [.error]
        case .open: [.file, .error]
        case .mmap: [.slice(.byte), .error]
        case .read: [.int, .error]
        }
    }
}
