import GoMemSimTrace

/// The static types a `.gmr` script can name, with Go's sizes and alignments on
/// linux/amd64 (The Go Programming Language Specification, "Size and alignment
/// guarantees"; `unsafe.Sizeof`): integers 1/2/4/8 bytes aligned to their size, pointers
/// 8, slices 24 (pointer, len, cap), strings 16.
indirect enum GoType: Hashable, Sendable {
    /// Any integer type (`int`, `byte`, `uint32`, `time.Duration`, …); `size` in bytes.
    case integer(name: String, size: Int64)
    case bool
    case string
    case slice(GoType)
    case pointer(GoType)
    case array(count: Int64, element: GoType)
    /// A declared `type T struct { … }`, by index into ``StructTable``.
    case named(Int)
    /// `*os.File`.
    case file
    case error
    /// The type of `nil` before it meets a slice, pointer or error.
    case untypedNil

    static let int = GoType.integer(name: "int", size: 8)
    static let byte = GoType.integer(name: "byte", size: 1)
    static let duration = GoType.integer(name: "time.Duration", size: 8)

    var isInteger: Bool { if case .integer = self { true } else { false } }

    /// Types whose values refer to heap objects (the reference graph follows them).
    var isReference: Bool {
        switch self {
        case .slice, .pointer: true
        default: false
        }
    }

    /// Whether `nil` may be assigned to it.
    var isNilable: Bool {
        switch self {
        case .slice, .pointer, .error, .file, .untypedNil: true
        default: false
        }
    }

    /// The predeclared integer types and their sizes.
    static let integers: [String: Int64] = [
        "int": 8, "uint": 8, "int64": 8, "uint64": 8, "uintptr": 8, "int32": 4, "uint32": 4, "rune": 4,
        "int16": 2, "uint16": 2, "int8": 1, "uint8": 1, "byte": 1,
    ]
}

/// Field layout of declared struct types, computed with Go's rules: each field at the
/// next offset that is a multiple of its alignment, the struct aligned to its most
/// aligned field, its size rounded up to that alignment (cmd/compile/internal/types
/// `CalcStructSize`).
struct StructTable: Sendable {
    struct Field: Sendable {
        var name: String
        var type: GoType
        var offset: Int64
    }

    struct Layout: Sendable {
        var name: String
        var fields: [Field] = []
        var size: Int64 = 0
        var align: Int64 = 1
        var hasPointers = false
        var complete = false
    }

    var layouts: [Layout] = []
    var indices: [String: Int] = [:]

    func size(of type: GoType) -> Int64 {
        switch type {
        case let .integer(_, size): size
        case .bool: 1
        case .string: 16
        case .slice: 24
        case .pointer, .file: 8
        case .error: 16  // an interface: type word + data word
        case .untypedNil: 8
        case let .array(count, element): count * size(of: element)
        case let .named(index): layouts[index].size
        }
    }

    func alignment(of type: GoType) -> Int64 {
        switch type {
        case let .integer(_, size): size
        case .bool: 1
        case .string, .slice, .pointer, .file, .error, .untypedNil: 8
        case let .array(_, element): alignment(of: element)
        case let .named(index): layouts[index].align
        }
    }

    /// Whether a value of `type` holds pointers, so an object of it is allocated in a
    /// `scan` span (Go's `noscan` span class is for pointer-free objects, mbitmap.go).
    func hasPointers(_ type: GoType) -> Bool {
        switch type {
        case .integer, .bool: false
        case .string, .slice, .pointer, .file, .error, .untypedNil: true
        case let .array(count, element): count > 0 && hasPointers(element)
        case let .named(index): layouts[index].hasPointers
        }
    }

    func name(of type: GoType) -> String {
        switch type {
        case let .integer(name, _): name
        case .bool: "bool"
        case .string: "string"
        case let .slice(element): "[]" + name(of: element)
        case let .pointer(element): "*" + name(of: element)
        case let .array(count, element): "[\(count)]" + name(of: element)
        case let .named(index): layouts[index].name
        case .file: "*os.File"
        case .error: "error"
        case .untypedNil: "nil"
        }
    }
}
