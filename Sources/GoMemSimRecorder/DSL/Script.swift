import Foundation
import GoMemSimTrace

/// The recorder DSL: a `.gmr` script is a small Go program (the memory-relevant subset)
/// that compiles to a stream of trace events, so the chapter's examples and new
/// experiments read like the Go they stand for:
///
/// ```
/// file "test686mbfile.out" size 686<<20 cached
/// f, _ := os.Open("test686mbfile.out")   // open 3 "test686mbfile.out"
/// b := make([]byte, 600<<20)              // alloc 1 600MiB noscan
/// f.Read(b)                               // readfile 3 0 → 1 0 600MiB
/// for i := range b { b[i] = 1 }           // write 1 0 600MiB (one event, not 600 M)
/// b = nil                                 // free 1
/// runtime.GC()                            // gc
/// checkpoint("after_gc")
/// ```
///
/// Objects die (`free`) where their last reference is dropped, following Go's
/// reachability (see ``ObjectGraph``); loops are interpreted lazily, so a million-step
/// loop streams. `schemas/dsl.md` is the language reference.
public struct Script {
    /// Compiles `source`; `path` names it in errors (`path:line:col: message`).
    public static func compile(source: String, path: String) throws(TraceError) -> ScriptTraceSource {
        var compiler = try Compiler(source: source, path: path)
        let program = try compiler.compileFile()
        return ScriptTraceSource(program: program, path: path)
    }

    /// Reads and compiles the script at `path`.
    public static func compile(path: String) throws(TraceError) -> ScriptTraceSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TraceError(.text(file: path, line: 1, column: 1), "cannot read the script file")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw TraceError(.text(file: path, line: 1, column: 1), "the script is not valid UTF-8")
        }
        return try compile(source: source, path: path)
    }
}

/// A compiled script as a ``TraceSource``: each `next()` runs the script until it produces
/// the next record. Memory stays proportional to the script's live objects and variables,
/// not to the number of records.
public struct ScriptTraceSource: TraceSource {
    private var interpreter: Interpreter
    private var lastPosition: Position?

    init(program: Program, path: String) {
        self.interpreter = Interpreter(program: program, path: path)
    }

    public var symbols: SymbolTable { interpreter.program.symbols }

    public var origin: String { interpreter.path }

    public mutating func next() throws(TraceError) -> TraceRecord? {
        guard let (record, position) = try interpreter.next() else { return nil }
        lastPosition = position
        return record
    }

    /// The position of the statement that produced the last record.
    public var location: SourceLocation {
        let position = lastPosition ?? Position(line: 1, column: 1)
        return .text(file: interpreter.path, line: Int(position.line), column: Int(position.column))
    }

    /// Heap objects the script can still reach (what the interpreter keeps per object).
    public var liveObjectCount: Int { interpreter.graph.count }

    /// Mappings not yet unmapped, and open files: the rest of the interpreter's state.
    public var liveMappingCount: Int { interpreter.mappings.count }
    public var openFileCount: Int { interpreter.openFiles.count }
}
