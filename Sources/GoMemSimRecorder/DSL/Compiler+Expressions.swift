import GoMemSimTrace

/// Expressions, types and the library calls the DSL knows (`make`, `os.Open`,
/// `syscall.Mmap`, `runtime.GC`, …). Integer constant expressions are folded here, so
/// `600<<20` is one literal and errors like division by zero are caught at compile time.
extension Compiler {
    static let packages: Set<String> = ["fmt", "os", "syscall", "unix", "runtime", "debug", "time", "math", "log"]

    /// Linux's values (asm-generic/mman-common.h, x86-64) of the constants scripts pass.
    static let constants: [String: (Int64, GoType)] = [
        "syscall.PROT_NONE": (0, .int), "syscall.PROT_READ": (1, .int), "syscall.PROT_WRITE": (2, .int),
        "syscall.PROT_EXEC": (4, .int),
        "syscall.MAP_SHARED": (0x01, .int), "syscall.MAP_PRIVATE": (0x02, .int), "syscall.MAP_ANON": (0x20, .int),
        "syscall.MAP_ANONYMOUS": (0x20, .int), "syscall.MAP_POPULATE": (0x8000, .int),
        "syscall.MADV_WILLNEED": (3, .int), "syscall.MADV_DONTNEED": (4, .int), "syscall.MADV_FREE": (8, .int),
        "syscall.MADV_HUGEPAGE": (14, .int), "syscall.MADV_NOHUGEPAGE": (15, .int),
        "time.Nanosecond": (1, .duration), "time.Microsecond": (1_000, .duration),
        "time.Millisecond": (1_000_000, .duration), "time.Second": (1_000_000_000, .duration),
        "time.Minute": (60_000_000_000, .duration), "time.Hour": (3_600_000_000_000, .duration),
        "math.MaxInt64": (Int64.max, .int), "math.MaxInt32": (Int64(Int32.max), .int),
        "math.MaxUint32": (Int64(UInt32.max), .int),
    ]

    static let advices: [Int64: Advice] = [3: .willNeed, 4: .dontNeed, 8: .free, 14: .hugePage, 15: .noHugePage]

    // MARK: Precedence climbing

    mutating func expression() throws(TraceError) -> Operand {
        try binaryExpression(minimumPrecedence: 1)
    }

    static func binaryOperator(_ token: Token) -> (BinaryOperator, Int)? {
        guard case let .punct(text) = token.kind else { return nil }
        return switch text {
        case "*": (.multiply, 5)
        case "/": (.divide, 5)
        case "%": (.remainder, 5)
        case "<<": (.shiftLeft, 5)
        case ">>": (.shiftRight, 5)
        case "&": (.and, 5)
        case "&^": (.andNot, 5)
        case "+": (.add, 4)
        case "-": (.subtract, 4)
        case "|": (.or, 4)
        case "^": (.xor, 4)
        case "==": (.equal, 3)
        case "!=": (.notEqual, 3)
        case "<": (.less, 3)
        case "<=": (.lessEqual, 3)
        case ">": (.greater, 3)
        case ">=": (.greaterEqual, 3)
        case "&&": (.logicalAnd, 2)
        case "||": (.logicalOr, 1)
        default: nil
        }
    }

    mutating func binaryExpression(minimumPrecedence: Int) throws(TraceError) -> Operand {
        var left = try unaryExpression()
        while let (op, precedence) = Self.binaryOperator(current), precedence >= minimumPrecedence {
            let opToken = current
            advance()
            let right = try binaryExpression(minimumPrecedence: precedence + 1)
            left = try combine(op, left, right, at: Position(opToken))
        }
        return left
    }

    mutating func unaryExpression() throws(TraceError) -> Operand {
        let token = current
        try enter()
        defer { nesting -= 1 }
        switch token.kind {
        case .punct("-"), .punct("+"), .punct("^"):
            advance()
            let operand = try unaryExpression()
            let expr = try value(of: operand)
            guard let type = operand.type, type.isInteger else {
                throw error("invalid operation: operator \(token.isPunct("-") ? "-" : token.isPunct("+") ? "+" : "^") not defined on \(describe(operand))", at: token)
            }
            let result: Expr
            if token.isPunct("+") { result = expr }
            else if token.isPunct("^") { result = try fold(.binary(.xor, expr, .integer(-1)), at: Position(token)) }
            else { result = try fold(.negate(expr), at: Position(token)) }
            return Operand(kind: .value(result), type: type, position: Position(token))
        case .punct("!"):
            advance()
            let operand = try unaryExpression()
            let expr = try boolean(operand)
            return Operand(kind: .value(.not(expr)), type: .bool, position: Position(token))
        case .punct("&"):
            advance()
            return try compositeLiteral(at: token)
        case .punct("*"):
            throw error("pointer indirection (*p) is not supported; use p.field", at: token)
        default:
            return try primaryExpression()
        }
    }

    // MARK: Operands

    mutating func primaryExpression() throws(TraceError) -> Operand {
        let token = current
        var operand: Operand
        switch token.kind {
        case let .integer(value):
            advance()
            operand = Operand(kind: .value(.integer(value)), type: .int, position: Position(token))
        case let .string(text):
            advance()
            operand = Operand(kind: .text(text), type: .string, position: Position(token))
        case .keyword("nil"):
            advance()
            operand = Operand(kind: .value(.nilValue), type: .untypedNil, position: Position(token))
        case .keyword("true"), .keyword("false"):
            advance()
            operand = Operand(kind: .value(.boolean(token.isKeyword("true"))), type: .bool, position: Position(token))
        case .punct("("):
            advance()
            operand = try expression()
            try expect(")")
        case let .identifier(name):
            operand = try identifier(name, token: token)
        default:
            throw expected("an expression")
        }
        while true {
            if current.isPunct(".") {
                operand = try selector(operand)
            } else if current.isPunct("[") {
                operand = try indexOrSlice(operand)
            } else if current.isPunct("(") {
                throw error("cannot call non-function \(describe(operand))", at: current)
            } else {
                return operand
            }
        }
    }

    mutating func identifier(_ name: String, token: Token) throws(TraceError) -> Operand {
        let position = Position(token)
        switch lookup(name) {
        case let .variable(slot)?:
            advance()
            return Operand(kind: .variable(slot: slot), type: slotTypes[slot], position: position)
        case let .constant(value, type)?:
            advance()
            return Operand(kind: .value(.integer(value)), type: type, position: position)
        case nil:
            break
        }
        if Self.packages.contains(name), peek().isPunct(".") {
            advance()
            advance()
            let memberToken = current
            let member = try expectIdentifier("a name after \"\(name).\"")
            let package = name == "unix" ? "syscall" : name
            return try qualified("\(package).\(member)", written: "\(name).\(member)", token: memberToken, start: position)
        }
        if name == "_" {
            advance()
            return Operand(kind: .blank, type: nil, position: position)
        }
        if let size = GoType.integers[name], peek().isPunct("(") {
            advance()
            return try conversion(to: .integer(name: name, size: size), at: position)
        }
        switch name {
        case "make", "new", "len", "cap", "work", "checkpoint", "print", "println":
            advance()
            return try builtin(name, at: position)
        default:
            throw error("undefined: \(name)", at: token)
        }
    }

    mutating func arguments(of function: String) throws(TraceError) -> [Operand] {
        try expect("(")
        var list: [Operand] = []
        skipTerminators()
        while !current.isPunct(")") {
            list.append(try expression())
            if current.isPunct(",") { advance(); skipTerminators(); continue }
            guard current.isPunct(")") else { throw expected("\",\" or \")\" in the arguments of \(function)") }
        }
        advance()
        return list
    }

    func requireArguments(_ arguments: [Operand], _ count: Int, of function: String, at position: Position) throws(TraceError) {
        if arguments.count < count { throw error("not enough arguments in call to \(function)", at: position) }
        if arguments.count > count { throw error("too many arguments in call to \(function)", at: arguments[count].position) }
    }

    mutating func integerValue(_ operand: Operand) throws(TraceError) -> Expr {
        let expr = try value(of: operand)
        guard let type = operand.type, type.isInteger else {
            throw error("cannot use \(describe(operand)) as an integer", at: operand.position)
        }
        return expr
    }

    func constantValue(_ operand: Operand, _ what: String) throws(TraceError) -> Int64 {
        guard case let .value(.integer(value)) = operand.kind else {
            throw error("\(what) must be a constant", at: operand.position)
        }
        return value
    }

    mutating func sliceValue(_ operand: Operand, in function: String) throws(TraceError) -> Expr {
        let expr = try value(of: operand)
        guard case let .slice(element)? = operand.type, structs.size(of: element) == 1 else {
            throw error("cannot use \(describe(operand)) as []byte value in argument to \(function)", at: operand.position)
        }
        return expr
    }

    mutating func conversion(to type: GoType, at position: Position) throws(TraceError) -> Operand {
        let args = try arguments(of: structs.name(of: type))
        try requireArguments(args, 1, of: structs.name(of: type), at: position)
        return Operand(kind: .value(try integerValue(args[0])), type: type, position: position)
    }

    mutating func builtin(_ name: String, at position: Position) throws(TraceError) -> Operand {
        switch name {
        case "make":
            try expect("(")
            let typeToken = current
            let type = try parseType()
            guard case let .slice(element) = type else {
                throw error("make of \(structs.name(of: type)) is not supported; only slices", at: typeToken)
            }
            var rest: [Operand] = []
            while current.isPunct(",") {
                advance()
                skipTerminators()
                if current.isPunct(")") { break }
                rest.append(try expression())
            }
            try expect(")")
            guard !rest.isEmpty else { throw error("invalid operation: make(\(structs.name(of: type))) expects 2 or 3 arguments; found 1", at: position) }
            guard rest.count <= 2 else { throw error("invalid operation: make(\(structs.name(of: type)), …) expects 2 or 3 arguments; found \(rest.count + 1)", at: position) }
            let length = try integerValue(rest[0])
            let capacity = rest.count == 2 ? try integerValue(rest[1]) : nil
            if case let .integer(value) = length, value < 0 {
                throw error("invalid argument: index \(value) (constant of type int) must not be negative", at: rest[0].position)
            }
            if case let .integer(len) = length, case let .integer(cap)? = capacity, len > cap {
                throw error("invalid argument: length and capacity swapped", at: rest[0].position)
            }
            let expr = Expr.makeSlice(
                elementSize: structs.size(of: element), scan: structs.hasPointers(element), count: length,
                capacity: capacity)
            return Operand(kind: .value(expr), type: type, position: position)
        case "new":
            try expect("(")
            let type = try parseType()
            try expect(")")
            let expr = Expr.newObject(size: structs.size(of: type), scan: structs.hasPointers(type), fields: [])
            return Operand(kind: .value(expr), type: .pointer(type), position: position)
        case "len", "cap":
            let args = try arguments(of: name)
            try requireArguments(args, 1, of: name, at: position)
            if case let .text(text) = args[0].kind {
                return Operand(kind: .value(.integer(Int64(text.utf8.count))), type: .int, position: position)
            }
            let expr = try value(of: args[0])
            if case let .array(count, _) = args[0].type {
                return Operand(kind: .value(.integer(count)), type: .int, position: position)
            }
            guard case .slice = args[0].type else {
                throw error("invalid argument: \(describe(args[0])) for built-in \(name)", at: args[0].position)
            }
            if case let .variable(slot) = expr, loopDepth == 0, let known = slotKnownLength[slot] {
                return Operand(kind: .value(.integer(known)), type: .int, position: position)
            }
            return Operand(kind: .value(.length(expr)), type: .int, position: position)
        case "work":
            let args = try arguments(of: name)
            try requireArguments(args, 1, of: name, at: position)
            return Operand(kind: .call(.effect(.compute(try integerValue(args[0])))), type: nil, position: position)
        case "checkpoint":
            let args = try arguments(of: name)
            try requireArguments(args, 1, of: name, at: position)
            guard case let .text(label) = args[0].kind else {
                throw error("checkpoint needs a string literal label", at: args[0].position)
            }
            let symbol = symbols.intern(label)
            return Operand(kind: .call(.effect(.emit(.checkpoint(label: symbol)))), type: nil, position: position)
        default:  // print, println
            return try printCall(name, at: position)
        }
    }

    mutating func printCall(_ name: String, at position: Position) throws(TraceError) -> Operand {
        let args = try arguments(of: name)
        var exprs: [Expr] = []
        for arg in args {
            if case .text = arg.kind { continue }
            exprs.append(try value(of: arg))
        }
        return Operand(kind: .call(.effect(.evaluate(exprs))), type: nil, position: position)
    }

    /// `pkg.Name`: a constant or a library function call.
    mutating func qualified(_ name: String, written: String, token: Token, start: Position) throws(TraceError) -> Operand {
        if let (value, type) = Self.constants[name] {
            return Operand(kind: .value(.integer(value)), type: type, position: start)
        }
        let effect: (Operation) -> Operand = { Operand(kind: .call(.effect($0)), type: nil, position: start) }
        switch name {
        case "runtime.GC":
            try requireArguments(try arguments(of: written), 0, of: written, at: start)
            return effect(.emit(.gc))
        case "runtime.KeepAlive", "runtime.Gosched":
            _ = try arguments(of: written)
            return effect(.evaluate([]))
        case "debug.FreeOSMemory":
            try requireArguments(try arguments(of: written), 0, of: written, at: start)
            return effect(.emit(.freeOSMemory))
        case "debug.SetGCPercent", "debug.SetMemoryLimit", "time.Sleep":
            let args = try arguments(of: written)
            try requireArguments(args, 1, of: written, at: start)
            let expr = try integerValue(args[0])
            return effect(name == "time.Sleep" ? .sleep(expr) : name == "debug.SetGCPercent" ? .setGCPercent(expr) : .setMemoryLimit(expr))
        case "time.Duration":
            return try conversion(to: .duration, at: start)
        case "fmt.Println", "fmt.Printf", "fmt.Print", "log.Println", "log.Printf", "log.Print":
            return try printCall(written, at: start)
        case "os.Open":
            let args = try arguments(of: written)
            try requireArguments(args, 1, of: written, at: start)
            guard case let .text(fileName) = args[0].kind else {
                throw error("os.Open needs a string literal naming a declared file", at: args[0].position)
            }
            guard let file = fileIndices[fileName] else {
                throw error("file \"\(fileName)\" is not declared; declare it first: file \"\(fileName)\" size N cached|uncached", at: args[0].position)
            }
            return Operand(kind: .call(.open(file: file)), type: nil, position: start)
        case "syscall.Mmap":
            let args = try arguments(of: written)
            try requireArguments(args, 5, of: written, at: start)
            let fd = try integerValue(args[0])
            let offset = try integerValue(args[1])
            let length = try integerValue(args[2])
            let prot = try constantValue(args[3], "the protection of \(written)")
            let flagBits = try constantValue(args[4], "the flags of \(written)")
            guard prot & ~7 == 0 else { throw error("unknown PROT_ bits \(prot)", at: args[3].position) }
            let shared = flagBits & 0x01 != 0
            guard shared != (flagBits & 0x02 != 0) else {
                throw error("mmap flags need exactly one of MAP_SHARED and MAP_PRIVATE", at: args[4].position)
            }
            guard flagBits & ~(0x01 | 0x02 | 0x20 | 0x8000) == 0 else {
                throw error("unknown MAP_ flags \(flagBits)", at: args[4].position)
            }
            var flags: MapFlags = []
            if shared { flags.insert(.shared) }
            if flagBits & 0x20 != 0 { flags.insert(.anonymous) }
            if flagBits & 0x8000 != 0 { flags.insert(.populate) }
            let call = Call.mmap(
                fd: fd, offset: offset, length: length, protection: Protection(rawValue: UInt8(prot)), flags: flags)
            return Operand(kind: .call(call), type: nil, position: start)
        case "syscall.Munmap":
            let args = try arguments(of: written)
            try requireArguments(args, 1, of: written, at: start)
            return Operand(kind: .call(.errorOnly(.munmap(try sliceValue(args[0], in: written)))), type: nil, position: start)
        case "syscall.Madvise":
            let args = try arguments(of: written)
            try requireArguments(args, 2, of: written, at: start)
            let slice = try sliceValue(args[0], in: written)
            let code = try constantValue(args[1], "the advice of \(written)")
            guard let advice = Self.advices[code] else { throw error("unsupported madvise advice \(code)", at: args[1].position) }
            return Operand(kind: .call(.errorOnly(.madvise(slice, advice))), type: nil, position: start)
        case "syscall.Mprotect":
            let args = try arguments(of: written)
            try requireArguments(args, 2, of: written, at: start)
            let slice = try sliceValue(args[0], in: written)
            let prot = try constantValue(args[1], "the protection of \(written)")
            guard prot & ~7 == 0 else { throw error("unknown PROT_ bits \(prot)", at: args[1].position) }
            return Operand(kind: .call(.errorOnly(.mprotect(slice, Protection(rawValue: UInt8(prot))))), type: nil, position: start)
        default:
            throw error("undefined: \(written)", at: token)
        }
    }

    /// `x.f`: a struct field through a pointer or in a place, or a method of `*os.File`.
    mutating func selector(_ base: Operand) throws(TraceError) -> Operand {
        advance()
        let nameToken = current
        let name = try expectIdentifier("a field or method name")
        let position = Position(nameToken)
        switch base.type {
        case .file?:
            let file = try value(of: base)
            let method = "f.\(name)"
            switch name {
            case "Fd":
                try requireArguments(try arguments(of: method), 0, of: method, at: position)
                return Operand(kind: .value(.fileDescriptor(file)), type: .integer(name: "uintptr", size: 8), position: base.position)
            case "Close":
                try requireArguments(try arguments(of: method), 0, of: method, at: position)
                return Operand(kind: .call(.errorOnly(.close(file: file))), type: nil, position: base.position)
            case "Read", "ReadAt":
                let args = try arguments(of: method)
                try requireArguments(args, name == "Read" ? 1 : 2, of: method, at: position)
                let buffer = try sliceValue(args[0], in: method)
                let offset = name == "ReadAt" ? try integerValue(args[1]) : nil
                return Operand(kind: .call(.read(file: file, buffer: buffer, at: offset)), type: nil, position: base.position)
            default:
                throw error("f.\(name) undefined (type *os.File has no method \(name); the DSL knows Read, ReadAt, Close, Fd)", at: nameToken)
            }
        case let .pointer(.named(typeIndex))?:
            let field = try field(name, of: typeIndex, at: nameToken)
            let pointer = try value(of: base)
            let place = Place.pointerField(base: pointer, offset: field.offset)
            return Operand(kind: .place(place, access(field.type, dependent: isLoad(pointer))), type: field.type, position: base.position)
        case let .named(typeIndex)?:
            guard case let .place(basePlace, baseAccess) = base.kind else { break }
            let field = try field(name, of: typeIndex, at: nameToken)
            let place = Place.structField(base: basePlace, offset: field.offset)
            return Operand(kind: .place(place, access(field.type, dependent: baseAccess.dependent)), type: field.type, position: base.position)
        default:
            break
        }
        throw error("\(name) undefined (\(describe(base)) has no field or method \(name))", at: nameToken)
    }

    func field(_ name: String, of typeIndex: Int, at token: Token) throws(TraceError) -> StructTable.Field {
        let layout = structs.layouts[typeIndex]
        guard let field = layout.fields.first(where: { $0.name == name }) else {
            throw error("\(name) undefined (type \(layout.name) has no field \(name))", at: token)
        }
        return field
    }

    func access(_ type: GoType, dependent: Bool) -> Access {
        Access(size: structs.size(of: type), dependent: dependent, isReference: type.isReference)
    }

    func isLoad(_ expr: Expr) -> Bool { if case .load = expr { true } else { false } }

    /// `x[i]` or `x[lo:hi]`.
    mutating func indexOrSlice(_ base: Operand) throws(TraceError) -> Operand {
        let bracket = current
        advance()
        var low: Operand?
        if !current.isPunct(":") { low = try expression() }
        if current.isPunct(":") {
            advance()
            let high = current.isPunct("]") ? nil : try expression()
            try expect("]")
            guard case .slice? = base.type else {
                throw error("cannot slice \(describe(base))", at: bracket)
            }
            let baseExpr = try value(of: base)
            let lowExpr = try low.map { (operand) throws(TraceError) -> Expr in try integerValue(operand) }
            let highExpr = try high.map { (operand) throws(TraceError) -> Expr in try integerValue(operand) }
            let expr = Expr.slice(baseExpr, low: lowExpr, high: highExpr)
            return Operand(kind: .value(expr), type: base.type, position: base.position)
        }
        try expect("]")
        guard let low else { throw error("expected an index", at: bracket) }
        let index = try integerValue(low)
        if case let .integer(value) = index, value < 0 {
            throw error("invalid argument: index \(value) (constant of type int) must not be negative", at: low.position)
        }
        switch base.type {
        case let .slice(element)?:
            let baseExpr = try value(of: base)
            if loopDepth == 0, case let .variable(slot) = baseExpr, let known = slotKnownLength[slot],
               case let .integer(value) = index, value >= known
            {
                throw error("invalid argument: index \(value) out of bounds [0:\(known)]", at: low.position)
            }
            let place = Place.sliceElement(base: baseExpr, index: index, elementSize: structs.size(of: element))
            return Operand(kind: .place(place, access(element, dependent: isLoad(baseExpr))), type: element, position: base.position)
        case let .array(count, element)?:
            guard case let .place(basePlace, baseAccess) = base.kind else { break }
            if case let .integer(value) = index, value >= count {
                throw error("invalid argument: index \(value) out of bounds [0:\(count)]", at: low.position)
            }
            let place = Place.arrayElement(base: basePlace, index: index, count: count, elementSize: structs.size(of: element))
            return Operand(kind: .place(place, access(element, dependent: baseAccess.dependent)), type: element, position: base.position)
        default:
            break
        }
        throw error("invalid operation: cannot index \(describe(base))", at: bracket)
    }

    /// `&T{…}` with keyed (`next: n`) or positional fields.
    mutating func compositeLiteral(at ampersand: Token) throws(TraceError) -> Operand {
        let nameToken = current
        guard case let .identifier(name) = current.kind, let typeIndex = structs.indices[name] else {
            throw error("only &T{…} with a declared struct type T can take an address", at: ampersand)
        }
        advance()
        try expect("{")
        skipTerminators()
        let layout = structs.layouts[typeIndex]
        guard layout.complete else { throw error("struct \(name) is used before its declaration", at: nameToken) }
        var initializers: [FieldInitializer] = []
        var positional = 0
        while !current.isPunct("}") {
            let fieldToken = current
            var field: StructTable.Field
            if case let .identifier(fieldName) = current.kind, peek().isPunct(":") {
                field = try self.field(fieldName, of: typeIndex, at: fieldToken)
                advance()
                advance()
            } else {
                guard positional < layout.fields.count else { throw error("too many values in struct literal of type \(name)", at: fieldToken) }
                field = layout.fields[positional]
                positional += 1
            }
            let operand = try expression()
            let expr = try value(of: operand)
            guard let type = operand.type else { throw error("\(describe(operand)) used as value", at: operand.position) }
            try checkAssignable(type, to: field.type, at: operand.position)
            initializers.append(FieldInitializer(
                offset: field.offset, size: structs.size(of: field.type), isReference: field.type.isReference, value: expr))
            skipTerminators()
            if current.isPunct(",") { advance(); skipTerminators(); continue }
            guard current.isPunct("}") else { throw expected("\",\" or \"}\" in the struct literal") }
        }
        advance()
        let expr = Expr.newObject(size: layout.size, scan: layout.hasPointers, fields: initializers)
        return Operand(kind: .value(expr), type: .pointer(.named(typeIndex)), position: Position(ampersand))
    }

    // MARK: Values and types

    /// The rvalue of an operand, or an error if it has none.
    func value(of operand: Operand) throws(TraceError) -> Expr {
        switch operand.kind {
        case let .value(expr): return expr
        case let .variable(slot): return .variable(slot: slot)
        case let .place(place, access):
            switch operand.type {
            case .named?, .array?:
                throw error("struct and array values cannot be copied; access a field or an element", at: operand.position)
            default: return .load(place, access)
            }
        case .text: throw error("string values are only allowed as arguments of os.Open, checkpoint and fmt.Println", at: operand.position)
        case let .call(call):
            throw error(call.results.isEmpty ? "call has no value" : "multiple-value call in single-value context; assign its results to variables", at: operand.position)
        case .blank: throw error("cannot use _ as value", at: operand.position)
        }
    }

    mutating func boolean(_ operand: Operand) throws(TraceError) -> Expr {
        let expr = try value(of: operand)
        guard operand.type == .bool else { throw error("non-boolean condition: \(describe(operand))", at: operand.position) }
        return expr
    }

    /// `left op right` with Go's typing; integer constants fold.
    mutating func combine(_ op: BinaryOperator, _ left: Operand, _ right: Operand, at position: Position) throws(TraceError) -> Operand {
        let l = try value(of: left)
        let r = try value(of: right)
        guard let lt = left.type, let rt = right.type else { throw error("call has no value", at: position) }
        let resultType: GoType
        switch op {
        case .logicalAnd, .logicalOr:
            guard lt == .bool, rt == .bool else { throw error("invalid operation: operator \(symbol(op)) not defined on \(describe(lt == .bool ? right : left))", at: position) }
            resultType = .bool
        case .equal, .notEqual:
            let comparable = (lt.isInteger && rt.isInteger) || lt == rt
                || (lt == .untypedNil && rt.isNilable) || (rt == .untypedNil && lt.isNilable)
            guard comparable, !(lt == .untypedNil && rt == .untypedNil) else {
                throw error("invalid operation: mismatched types \(structs.name(of: lt)) and \(structs.name(of: rt))", at: position)
            }
            resultType = .bool
        case .less, .lessEqual, .greater, .greaterEqual:
            guard lt.isInteger, rt.isInteger else {
                throw error("invalid operation: operator \(symbol(op)) not defined on \(describe(lt.isInteger ? right : left))", at: position)
            }
            resultType = .bool
        default:
            guard lt.isInteger, rt.isInteger else {
                throw error("invalid operation: operator \(symbol(op)) not defined on \(describe(lt.isInteger ? right : left))", at: position)
            }
            // An untyped constant takes the other operand's type.
            if case .integer = l { resultType = rt } else { resultType = lt }
        }
        let expr = try fold(.binary(op, l, r), at: position)
        return Operand(kind: .value(expr), type: resultType, position: left.position)
    }

    func symbol(_ op: BinaryOperator) -> String {
        switch op {
        case .add: "+"
        case .subtract: "-"
        case .multiply: "*"
        case .divide: "/"
        case .remainder: "%"
        case .shiftLeft: "<<"
        case .shiftRight: ">>"
        case .and: "&"
        case .or: "|"
        case .xor: "^"
        case .andNot: "&^"
        case .less: "<"
        case .lessEqual: "<="
        case .greater: ">"
        case .greaterEqual: ">="
        case .equal: "=="
        case .notEqual: "!="
        case .logicalAnd: "&&"
        case .logicalOr: "||"
        }
    }

    /// Folds an operation on integer constants (compile-time errors for overflow and
    /// division by zero, as Go's constant arithmetic reports them).
    func fold(_ expr: Expr, at position: Position) throws(TraceError) -> Expr {
        switch expr {
        case let .negate(.integer(value)):
            guard value != Int64.min else { throw error("constant overflows int", at: position) }
            return .integer(-value)
        case let .binary(op, .integer(a), .integer(b)):
            switch IntegerArithmetic.apply(op, a, b) {
            case let .success(value): return value
            case let .failure(message): throw error(message, at: position)
            }
        case let .binary(op, _, .integer(0)) where op == .divide || op == .remainder:
            throw error("invalid operation: division by zero", at: position)
        default:
            return expr
        }
    }

    /// `[]T`, `[N]T`, `*T`, `*os.File`, integer types, `bool`, `string`, `error`, a struct name.
    mutating func parseType() throws(TraceError) -> GoType {
        let token = current
        try enter()
        defer { nesting -= 1 }
        switch token.kind {
        case .punct("["):
            advance()
            if current.isPunct("]") {
                advance()
                return .slice(try parseType())
            }
            let count = try constantInteger("an array length")
            guard count >= 0 else { throw error("invalid array length \(count)", at: token) }
            try expect("]")
            let element = try parseType()
            let (bytes, overflow) = count.multipliedReportingOverflow(by: structs.size(of: element))
            guard !overflow, bytes <= 1 << 48 else { throw error("array too large: \(count) elements", at: token) }
            return .array(count: count, element: element)
        case .punct("*"):
            advance()
            if current.kind == .identifier("os"), peek().isPunct("."), peek(2).kind == .identifier("File") {
                advance(); advance(); advance()
                return .file
            }
            return .pointer(try parseType())
        case let .identifier(name):
            advance()
            if let size = GoType.integers[name] { return .integer(name: name, size: size) }
            switch name {
            case "bool": return .bool
            case "string": return .string
            case "error": return .error
            case "time":
                guard current.isPunct("."), peek().kind == .identifier("Duration") else { break }
                advance(); advance()
                return .duration
            default:
                if let index = structs.indices[name] { return .named(index) }
            }
            throw error("undefined type: \(name)", at: token)
        default:
            throw expected("a type")
        }
    }
}
