import GoMemSimTrace

/// Parses a `.gmr` script and compiles it, in one pass, into a ``Program``: names are
/// resolved to variable slots, types checked, constants folded, and control flow turned
/// into jumps. Every error is a ``TraceError`` at the offending token.
struct Compiler {
    struct LoopContext {
        var breaks: [(scopeEnd: Int, jump: Int)] = []
        var continues: [Int] = []
    }

    let path: String
    var tokens: [Token]
    var index = 0
    var structs = StructTable()
    /// What a name in a scope stands for.
    enum Binding {
        case variable(slot: Int)
        case constant(Int64, GoType)
    }

    var scopes: [[String: Binding]] = [[:]]
    var slotTypes: [GoType] = []
    /// The length of a slice variable when the compiler knows it (assigned `make([]T, n)`
    /// with a constant n in straight-line code), for constant index checks.
    var slotKnownLength: [Int64?] = []
    var instructions: [Instruction] = []
    var fileIndices: [String: Int] = [:]
    var files: [DeclaredFile] = []
    var symbols = SymbolTable()
    var loopDepth = 0
    /// Current depth of nested expressions, types and statements (bounded: no stack overflow).
    var nesting = 0
    static let maximumNesting = 100
    var conditionalDepth = 0
    var loops: [LoopContext] = []
    /// For each goroutine body being compiled, the `return` jumps to patch to its end.
    var goroutineReturns: [[Int]] = []

    init(source: String, path: String) throws(TraceError) {
        self.path = path
        self.tokens = try Lexer.tokens(source: source, file: path)
    }

    // MARK: Tokens and errors

    var current: Token { tokens[index] }
    func peek(_ offset: Int = 1) -> Token { tokens[min(index + offset, tokens.count - 1)] }
    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func error(_ message: String, at token: Token) -> TraceError {
        TraceError(.text(file: path, line: token.line, column: token.column), message)
    }

    func error(_ message: String, at position: Position) -> TraceError {
        TraceError(.text(file: path, line: Int(position.line), column: Int(position.column)), message)
    }

    func expected(_ what: String) -> TraceError {
        TraceError.expected(what, found: current.description, at: .text(file: path, line: current.line, column: current.column))
    }

    mutating func expect(_ punct: String) throws(TraceError) {
        guard current.isPunct(punct) else { throw expected("\"\(punct)\"") }
        advance()
    }

    mutating func expectIdentifier(_ what: String = "a name") throws(TraceError) -> String {
        guard case let .identifier(name) = current.kind else { throw expected(what) }
        advance()
        return name
    }

    mutating func skipTerminators() {
        while current.kind == .newline || current.isPunct(";") { advance() }
    }

    mutating func expectTerminator() throws(TraceError) {
        if current.kind == .newline || current.isPunct(";") { advance(); return }
        if current.isPunct("}") || current.kind == .end || current.isPunct(")") { return }
        throw expected("end of statement")
    }

    // MARK: Emitting

    @discardableResult
    mutating func emit(_ operation: Operation, at position: Position) -> Int {
        instructions.append(Instruction(operation: operation, position: position))
        return instructions.count - 1
    }

    mutating func patchJump(_ instruction: Int, to target: Int) {
        switch instructions[instruction].operation {
        case .jump: instructions[instruction].operation = .jump(target)
        case let .branchUnless(condition, _): instructions[instruction].operation = .branchUnless(condition, target)
        default: break
        }
    }

    // MARK: Scopes

    func lookup(_ name: String) -> Binding? {
        for scope in scopes.reversed() { if let slot = scope[name] { return slot } }
        return nil
    }

    mutating func declare(_ name: String, _ type: GoType) -> Int {
        let slot = slotTypes.count
        slotTypes.append(type)
        slotKnownLength.append(nil)
        if name != "_", !name.isEmpty { scopes[scopes.count - 1][name] = .variable(slot: slot) }
        return slot
    }

    /// Opens a scope; returns the first slot it may use.
    mutating func pushScope() -> Int {
        scopes.append([:])
        return slotTypes.count
    }

    /// Closes a scope whose slots start at `firstSlot`, emitting the drop of its variables.
    mutating func popScope(from firstSlot: Int, at position: Position) {
        scopes.removeLast()
        if slotTypes.count > firstSlot { emit(.endScope(firstSlot..<slotTypes.count), at: position) }
    }

    var position: Position { Position(current) }

    mutating func enter() throws(TraceError) {
        nesting += 1
        if nesting > Self.maximumNesting { throw error("nested too deeply (more than \(Self.maximumNesting) levels)", at: current) }
    }

    // MARK: File

    mutating func compileFile() throws(TraceError) -> Program {
        skipTerminators()
        if current.isKeyword("package") {
            advance()
            _ = try expectIdentifier("a package name")
            try expectTerminator()
            skipTerminators()
        }
        while current.isKeyword("import") {
            advance()
            if current.isPunct("(") {
                advance()
                skipTerminators()
                while case .string = current.kind { advance(); skipTerminators() }
                try expect(")")
            } else if case .string = current.kind {
                advance()
            } else {
                throw expected("an import path")
            }
            try expectTerminator()
            skipTerminators()
        }
        registerTypeNames()
        var mainBody: Int?
        while current.kind != .end {
            if current.isKeyword("func") {
                let funcToken = current
                advance()
                let name = try expectIdentifier("a function name")
                guard name == "main" else {
                    throw error("only func main is supported; call library functions and work(d) instead of declaring func \(name)", at: funcToken)
                }
                if mainBody != nil { throw error("main redeclared", at: funcToken) }
                try expect("(")
                try expect(")")
                guard current.isPunct("{") else { throw expected("\"{\"") }
                mainBody = index
                try skipBlock()
                try expectTerminator()
            } else {
                try statement()
            }
            skipTerminators()
        }
        if let mainBody {
            index = mainBody
            try block()
        }
        emit(.halt, at: position)
        return Program(
            instructions: instructions, slotCount: slotTypes.count,
            files: files, symbols: symbols)
    }

    /// Skips a balanced `{ … }` (main's body, compiled after the top-level statements).
    mutating func skipBlock() throws(TraceError) {
        var depth = 0
        repeat {
            if current.kind == .end { throw expected("\"}\"") }
            if current.isPunct("{") { depth += 1 }
            if current.isPunct("}") { depth -= 1 }
            advance()
        } while depth > 0
    }

    /// Struct names are known before their declarations so fields can point forward
    /// (`next *node`, or a struct pointing to one declared later).
    mutating func registerTypeNames() {
        for i in tokens.indices.dropLast() where tokens[i].isKeyword("type") {
            if case let .identifier(name) = tokens[i + 1].kind, structs.indices[name] == nil {
                structs.indices[name] = structs.layouts.count
                structs.layouts.append(StructTable.Layout(name: name))
            }
        }
    }

    // MARK: Statements

    mutating func block() throws(TraceError) {
        try expect("{")
        skipTerminators()
        while !current.isPunct("}") {
            if current.kind == .end { throw expected("\"}\"") }
            try statement()
            skipTerminators()
        }
        advance()
    }

    mutating func scopedBlock() throws(TraceError) {
        let first = pushScope()
        let closing = tokens[matchingBrace(from: index)]
        try block()
        popScope(from: first, at: Position(closing))
    }

    /// The index of the `}` that closes the `{` at `start` (or the end token).
    func matchingBrace(from start: Int) -> Int {
        var depth = 0
        var i = start
        while i < tokens.count - 1 {
            if tokens[i].isPunct("{") { depth += 1 }
            if tokens[i].isPunct("}") { depth -= 1; if depth == 0 { return i } }
            i += 1
        }
        return tokens.count - 1
    }

    mutating func statement() throws(TraceError) {
        let token = current
        try enter()
        defer { nesting -= 1 }
        switch token.kind {
        case .keyword("var"): try variableDeclaration()
        case .identifier("const"): try constantDeclaration()
        case .keyword("type"): try typeDeclaration()
        case .keyword("for"): try forStatement()
        case .keyword("if"): try ifStatement()
        case .keyword("go"): try goStatement()
        case .keyword("return"): try returnStatement()
        case .keyword("break"), .keyword("continue"): try branchStatement()
        case .keyword("func"): throw error("func declarations are only allowed at top level", at: token)
        case .punct("{"): try scopedBlock()
        case .identifier("file") where { if case .string = peek().kind { true } else { false } }():
            try fileDeclaration()
        default: try simpleStatement()
        }
        try expectTerminator()
    }

    /// `file "name" size EXPR (cached [EXPR] | uncached)`: a file the script may open,
    /// and how much of it (from its start) is in the page cache.
    mutating func fileDeclaration() throws(TraceError) {
        let start = current
        advance()
        guard case let .string(name) = current.kind else { throw expected("a file name") }
        let nameToken = current
        advance()
        guard current.kind == .identifier("size") else { throw expected("\"size\"") }
        advance()
        let size = try constantInteger("a file size")
        guard size >= 0 else { throw error("file size must not be negative", at: start) }
        var cached: Int64
        switch current.kind {
        case .identifier("uncached"):
            advance()
            cached = 0
        case .identifier("cached"):
            advance()
            cached = current.isTerminator || current.isPunct("}") ? size : try constantInteger("a cached byte count")
            guard cached >= 0, cached <= size else {
                throw error("cached bytes must be between 0 and the file size \(size)", at: start)
            }
        default:
            throw expected("\"cached\" or \"uncached\"")
        }
        if fileIndices[name] != nil { throw error("file \"\(name)\" declared twice", at: nameToken) }
        let symbol = symbols.intern(name)
        fileIndices[name] = files.count
        files.append(DeclaredFile(name: symbol, size: UInt64(size)))
        emit(.emit(.declareFile(name: symbol, size: UInt64(size), cachedBytes: UInt64(cached))), at: Position(start))
    }

    mutating func constantInteger(_ what: String) throws(TraceError) -> Int64 {
        let token = current
        let operand = try expression()
        guard case let .integer(value) = try value(of: operand) else {
            throw error("\(what) must be a constant integer expression", at: token)
        }
        return value
    }

    /// `type T struct { a, b int64; next *T; data [64]byte }`.
    mutating func typeDeclaration() throws(TraceError) {
        advance()
        let nameToken = current
        let name = try expectIdentifier("a type name")
        guard current.isKeyword("struct") else {
            throw error("only struct type declarations are supported", at: current)
        }
        advance()
        guard let typeIndex = structs.indices[name] else { throw error("undefined: \(name)", at: nameToken) }
        if structs.layouts[typeIndex].complete { throw error("\(name) redeclared", at: nameToken) }
        try expect("{")
        skipTerminators()
        var layout = StructTable.Layout(name: name)
        var offset: Int64 = 0
        while !current.isPunct("}") {
            var names: [Token] = [current]
            _ = try expectIdentifier("a field name")
            while current.isPunct(",") {
                advance()
                names.append(current)
                _ = try expectIdentifier("a field name")
            }
            let typeToken = current
            let type = try parseType()
            if case let .named(inner) = type, !structs.layouts[inner].complete {
                throw error(inner == typeIndex ? "invalid recursive type \(name)" : "struct \(structs.layouts[inner].name) must be declared before it is used by value", at: typeToken)
            }
            let align = structs.alignment(of: type)
            for fieldName in names {
                guard case let .identifier(text) = fieldName.kind else { continue }
                if layout.fields.contains(where: { $0.name == text }) { throw error("\(text) redeclared", at: fieldName) }
                offset = (offset + align - 1) / align * align
                layout.fields.append(.init(name: text, type: type, offset: offset))
                offset += structs.size(of: type)
                guard offset <= 1 << 48 else { throw error("struct \(name) too large", at: fieldName) }
            }
            layout.align = max(layout.align, align)
            layout.hasPointers = layout.hasPointers || structs.hasPointers(type)
            if current.isPunct("}") { break }
            try expectTerminator()
            skipTerminators()
        }
        advance()
        layout.size = (offset + layout.align - 1) / layout.align * layout.align
        layout.complete = true
        structs.layouts[typeIndex] = layout
    }

    /// `const name [T] = e` or `const ( name = e; … )`: a named integer constant.
    mutating func constantDeclaration() throws(TraceError) {
        advance()
        let grouped = current.isPunct("(")
        if grouped {
            advance()
            skipTerminators()
        }
        repeat {
            let nameToken = current
            let name = try expectIdentifier("a constant name")
            var type = GoType.int
            if !current.isPunct("=") {
                let typeToken = current
                type = try parseType()
                guard type.isInteger else { throw error("only integer constants are supported", at: typeToken) }
            }
            try expect("=")
            let valueToken = current
            let operand = try expression()
            guard case let .value(.integer(value)) = operand.kind, let valueType = operand.type, valueType.isInteger else {
                throw error("const initializer must be a constant integer expression", at: valueToken)
            }
            if scopes[scopes.count - 1][name] != nil { throw error("\(name) redeclared in this block", at: nameToken) }
            if type == .int, valueType != .int { type = valueType }
            scopes[scopes.count - 1][name] = .constant(value, type)
            if grouped {
                try expectTerminator()
                skipTerminators()
            }
        } while grouped && !current.isPunct(")")
        if grouped { advance() }
    }

    /// `var x T`, `var x = e`, `var x T = e`, or several in `var ( … )`.
    mutating func variableDeclaration() throws(TraceError) {
        advance()
        guard current.isPunct("(") else {
            try variableSpecification()
            return
        }
        advance()
        skipTerminators()
        while !current.isPunct(")") {
            try variableSpecification()
            try expectTerminator()
            skipTerminators()
        }
        advance()
    }

    mutating func variableSpecification() throws(TraceError) {
        var names: [Token] = [current]
        _ = try expectIdentifier()
        while current.isPunct(",") {
            advance()
            names.append(current)
            _ = try expectIdentifier()
        }
        var declared: GoType?
        if !current.isPunct("=") {
            let typeToken = current
            let type = try parseType()
            try requireVariableType(type, at: Position(typeToken))
            declared = type
        }
        if current.isPunct("=") {
            advance()
            let values = try expressionList()
            try bindNew(names: names, declaredType: declared, values: values, redeclare: false)
        } else if let declared {
            for name in names {
                guard case let .identifier(text) = name.kind else { continue }
                if scopes[scopes.count - 1][text] != nil { throw error("\(text) redeclared in this block", at: name) }
                let slot = declare(text, declared)
                emit(.assign(slot: slot, zeroValue(of: declared)), at: Position(name))
            }
        } else {
            throw expected("a type or \"=\"")
        }
    }

    func zeroValue(of type: GoType) -> Expr {
        switch type {
        case .integer: .integer(0)
        case .bool: .boolean(false)
        default: .nilValue
        }
    }

    func requireVariableType(_ type: GoType, at position: Position) throws(TraceError) {
        switch type {
        case .named, .array:
            throw error("variables of struct or array type are not supported; use new(T) or &T{} and a pointer", at: position)
        case .string:
            throw error("string variables are not supported; use string literals in calls", at: position)
        default: break
        }
    }

    /// An assignment, `:=` declaration, `x op= e`, `x++`, or a call statement.
    mutating func simpleStatement() throws(TraceError) {
        let start = current
        if isShortDeclaration() {
            var names: [Token] = [current]
            advance()
            while current.isPunct(",") {
                advance()
                names.append(current)
                advance()
            }
            advance()  // :=
            let values = try expressionList()
            try bindNew(names: names, declaredType: nil, values: values, redeclare: true)
            return
        }
        let targets = try expressionList()
        switch current.kind {
        case .punct("="):
            let assignToken = current
            advance()
            let values = try expressionList()
            try assign(targets: targets, values: values, at: assignToken)
        case let .punct(op) where ["+=", "-=", "*=", "/=", "%="].contains(op):
            let opToken = current
            advance()
            guard targets.count == 1 else { throw error("assignment operator \(op) requires a single operand", at: opToken) }
            let right = try expression()
            let binary: BinaryOperator = switch op {
            case "+=": .add
            case "-=": .subtract
            case "*=": .multiply
            case "/=": .divide
            default: .remainder
            }
            let combined = try combine(binary, targets[0], right, at: Position(opToken))
            try store(combined, into: targets[0])
        case .punct("++"), .punct("--"):
            let opToken = current
            advance()
            guard targets.count == 1 else { throw expected("end of statement") }
            let one = Operand(kind: .value(.integer(1)), type: .int, position: Position(opToken))
            let combined = try combine(opToken.isPunct("++") ? .add : .subtract, targets[0], one, at: Position(opToken))
            try store(combined, into: targets[0])
        default:
            guard targets.count == 1 else { throw expected("\"=\" or \":=\"") }
            guard case let .call(call) = targets[0].kind else {
                if case .blank = targets[0].kind { throw expected("\"=\"") }
                throw error("\(describe(targets[0])) is not used", at: start)
            }
            switch call {
            case let .effect(operation), let .errorOnly(operation): emit(operation, at: Position(start))
            default: try bindCall(call, to: [], at: Position(start))
            }
        }
    }

    func describe(_ operand: Operand) -> String {
        if let type = operand.type { return "value of type \(structs.name(of: type))" }
        return "expression"
    }

    func isShortDeclaration() -> Bool {
        var i = index
        while true {
            guard case .identifier = tokens[i].kind else { return false }
            i += 1
            if tokens[i].isPunct(":=") { return true }
            guard tokens[i].isPunct(",") else { return false }
            i += 1
        }
    }

    mutating func expressionList() throws(TraceError) -> [Operand] {
        var list = [try expression()]
        while current.isPunct(",") {
            advance()
            list.append(try expression())
        }
        return list
    }

    /// Declares `names` (`:=` or `var`) and assigns `values` to them.
    mutating func bindNew(names: [Token], declaredType: GoType?, values: [Operand], redeclare: Bool) throws(TraceError) {
        // Which names are new; with `:=` a name already in this scope is assigned.
        var slots: [Int?] = []
        var anyNew = false
        for name in names {
            guard case let .identifier(text) = name.kind else { slots.append(nil); continue }
            if text == "_" { slots.append(nil); continue }
            if let binding = scopes[scopes.count - 1][text] {
                guard redeclare, case let .variable(existing) = binding else { throw error("\(text) redeclared in this block", at: name) }
                slots.append(existing)
            } else {
                anyNew = true
                slots.append(nil)
            }
        }
        if redeclare, !anyNew { throw error("no new variables on left side of :=", at: names[0]) }
        if values.count == 1, names.count > 1 || isCall(values[0]) {
            guard case let .call(call) = values[0].kind else {
                throw error("assignment mismatch: \(names.count) variables but 1 value", at: names[0])
            }
            let results = call.results
            guard results.count == names.count else {
                throw error("assignment mismatch: \(names.count) variable\(names.count == 1 ? "" : "s") but the call returns \(results.count) value\(results.count == 1 ? "" : "s")", at: names[0])
            }
            var targets: [Target] = []
            for (i, name) in names.enumerated() {
                guard case let .identifier(text) = name.kind, text != "_" else { targets.append(.discard); continue }
                if let existing = slots[i] {
                    try checkAssignable(results[i], to: slotTypes[existing], at: Position(name))
                    targets.append(.variable(slot: existing))
                } else {
                    let type = declaredType ?? results[i]
                    try checkAssignable(results[i], to: type, at: Position(name))
                    targets.append(.variable(slot: declare(text, type)))
                }
            }
            try bindCall(call, to: targets, at: values[0].position)
            return
        }
        guard values.count == names.count else {
            throw error("assignment mismatch: \(names.count) variable\(names.count == 1 ? "" : "s") but \(values.count) value\(values.count == 1 ? "" : "s")", at: names[0])
        }
        // Evaluate every value before declaring any name (`b := b[1:]` reads the outer b).
        var exprs: [(Expr, GoType)] = []
        for value in values {
            let expr = try self.value(of: value)
            guard var type = value.type else { throw error("\(describe(value)) used as value", at: value.position) }
            if case .untypedNil = type {
                guard let declaredType else { throw error("use of untyped nil in assignment", at: value.position) }
                type = declaredType
            }
            exprs.append((expr, type))
        }
        for (i, name) in names.enumerated() {
            guard case let .identifier(text) = name.kind, text != "_" else {
                emit(.evaluate([exprs[i].0]), at: Position(name))
                continue
            }
            let type = declaredType ?? exprs[i].1
            try checkAssignable(exprs[i].1, to: type, at: values[i].position)
            try requireVariableType(type, at: values[i].position)
            let slot = slots[i] ?? declare(text, type)
            emit(.assign(slot: slot, exprs[i].0), at: Position(name))
            noteAssignment(slot: slot, exprs[i].0)
        }
    }

    func isCall(_ operand: Operand) -> Bool { if case .call = operand.kind { true } else { false } }

    /// Remembers a constant slice length for compile-time index checks, only where the
    /// assignment certainly runs before later statements (not in a loop or branch).
    mutating func noteAssignment(slot: Int, _ expr: Expr) {
        if loopDepth == 0, conditionalDepth == 0, case let .makeSlice(_, _, .integer(count), _) = expr {
            slotKnownLength[slot] = count
        } else {
            slotKnownLength[slot] = nil
        }
    }

    /// `a, b = x, y` or `a, err = call()`.
    mutating func assign(targets: [Operand], values: [Operand], at token: Token) throws(TraceError) {
        if values.count == 1, case let .call(call) = values[0].kind {
            let results = call.results
            guard results.count == targets.count else {
                throw error("assignment mismatch: \(targets.count) variable\(targets.count == 1 ? "" : "s") but the call returns \(results.count) value\(results.count == 1 ? "" : "s")", at: token)
            }
            var bound: [Target] = []
            for (i, target) in targets.enumerated() {
                switch target.kind {
                case .blank: bound.append(.discard)
                case let .variable(slot):
                    try checkAssignable(results[i], to: slotTypes[slot], at: target.position)
                    slotKnownLength[slot] = nil
                    bound.append(.variable(slot: slot))
                default: throw error("cannot assign the results of a call to this expression; use a variable", at: target.position)
                }
            }
            try bindCall(call, to: bound, at: values[0].position)
            return
        }
        guard targets.count == values.count else {
            throw error("assignment mismatch: \(targets.count) variable\(targets.count == 1 ? "" : "s") but \(values.count) value\(values.count == 1 ? "" : "s")", at: token)
        }
        guard targets.count == 1 else { throw error("tuple assignment is only supported for calls returning several values", at: token) }
        try store(values[0], into: targets[0])
    }

    /// Assigns one value to a variable, memory place or `_`.
    mutating func store(_ value: Operand, into target: Operand) throws(TraceError) {
        let expr = try self.value(of: value)
        guard let valueType = value.type else { throw error("\(describe(value)) used as value", at: value.position) }
        switch target.kind {
        case .blank:
            emit(.evaluate([expr]), at: target.position)
        case let .variable(slot):
            try checkAssignable(valueType, to: slotTypes[slot], at: value.position)
            emit(.assign(slot: slot, expr), at: target.position)
            noteAssignment(slot: slot, expr)
        case let .place(place, access):
            guard let type = target.type else { throw error("cannot assign to this expression", at: target.position) }
            if case .named = type { throw error("assigning whole structs is not supported; assign their fields", at: target.position) }
            try checkAssignable(valueType, to: type, at: value.position)
            emit(.store(place, expr, access), at: target.position)
        default:
            throw error("cannot assign to \(describe(target))", at: target.position)
        }
    }

    func checkAssignable(_ from: GoType, to: GoType, at position: Position) throws(TraceError) {
        if from == to { return }
        if from.isInteger, to.isInteger { return }
        if from == .untypedNil, to.isNilable { return }
        throw error("cannot use value of type \(structs.name(of: from)) as \(structs.name(of: to)) value in assignment", at: position)
    }

    /// Emits a multi-value call whose results go to `targets` (empty: all discarded).
    mutating func bindCall(_ call: Call, to targets: [Target], at position: Position) throws(TraceError) {
        let primary = targets.first ?? .discard
        switch call {
        case let .effect(operation), let .errorOnly(operation):
            emit(operation, at: position)
        case let .open(file):
            emit(.open(file: file, result: primary), at: position)
        case let .mmap(fd, offset, length, protection, flags):
            emit(.mmap(result: primary, fd: fd, offset: offset, length: length, protection: protection, flags: flags), at: position)
        case let .read(file, buffer, at):
            emit(.readFile(file: file, buffer: buffer, at: at, count: primary), at: position)
        }
        // The error results are always nil: the DSL's calls do not fail.
        for target in targets.dropFirst() {
            if case let .variable(slot) = target { emit(.assign(slot: slot, .nilValue), at: position) }
        }
        if case .errorOnly = call, case let .variable(slot) = primary { emit(.assign(slot: slot, .nilValue), at: position) }
        if case let .variable(slot) = primary { slotKnownLength[slot] = nil }
    }

    // MARK: Control flow

    /// `for init; cond; post { }`, `for cond { }`, `for i := range x { }`, `for range x { }`.
    mutating func forStatement() throws(TraceError) {
        let forToken = current
        advance()
        let outer = pushScope()
        loopDepth += 1
        defer { loopDepth -= 1 }
        if current.isKeyword("range") || isRangeClause() {
            try rangeLoop(forToken: forToken, outer: outer)
            return
        }
        if current.isPunct("{") {
            // `for { }` would never end without break; the DSL has no unbounded loops.
            throw error("a for loop needs a condition (for cond { … } or for init; cond; post { … })", at: forToken)
        }
        guard isSimpleStatementBeforeSemicolon() else {
            // `for cond { }`
            let condition = try boolean(try expression())
            _ = try loopBody(forToken: forToken, condition: condition, post: [], outer: outer)
            return
        }
        if !current.isPunct(";") { try simpleStatement() }
        try expect(";")
        var condition: Expr?
        if !current.isPunct(";") { condition = try boolean(try expression()) }
        try expect(";")
        // The post statement is compiled here and moved after the body.
        let postStart = instructions.count
        if !current.isPunct("{") { try simpleStatement() }
        let post = Array(instructions[postStart...])
        instructions.removeSubrange(postStart...)
        _ = try loopBody(forToken: forToken, condition: condition, post: post, outer: outer)
    }

    /// Emits `top: if !cond goto exit; body; endScope(body); post; goto top; exit:`;
    /// returns where the body's instructions end.
    mutating func loopBody(forToken: Token, condition: Expr?, post: [Instruction], outer: Int) throws(TraceError) -> Int {
        let top = instructions.count
        let branch = condition.map { emit(.branchUnless($0, -1), at: Position(forToken)) }
        loops.append(LoopContext())
        let body = pushScope()
        guard current.isPunct("{") else { throw expected("\"{\"") }
        let closing = tokens[matchingBrace(from: index)]
        try block()
        scopes.removeLast()
        let continueTarget = instructions.count
        emit(.endScope(body..<max(body, slotTypes.count)), at: Position(closing))
        instructions.append(contentsOf: post)
        emit(.jump(top), at: Position(forToken))
        let exit = instructions.count
        if let branch { patchJump(branch, to: exit) }
        let context = loops.removeLast()
        for jump in context.continues { patchJump(jump, to: continueTarget) }
        for (scopeEnd, jump) in context.breaks {
            instructions[scopeEnd].operation = .endScope(body..<max(body, slotTypes.count))
            patchJump(jump, to: exit)
        }
        popScope(from: outer, at: Position(closing))
        return continueTarget
    }

    func isRangeClause() -> Bool {
        var i = index
        while i < tokens.count, !tokens[i].isPunct("{"), !tokens[i].isTerminator {
            if tokens[i].isKeyword("range") { return true }
            i += 1
        }
        return false
    }

    /// `for [i [, v] :=] range x { }` over a slice or an integer (Go 1.22 range-over-int).
    mutating func rangeLoop(forToken: Token, outer: Int) throws(TraceError) {
        var keyToken: Token?
        if case .identifier = current.kind {
            keyToken = current
            advance()
            if current.isPunct(",") {
                throw error("range with a value variable is not supported; use for i := range x and index x[i]", at: current)
            }
            guard current.isPunct(":=") else { throw expected("\":=\"") }
            advance()
        }
        guard current.isKeyword("range") else { throw expected("\"range\"") }
        advance()
        let rangedToken = current
        let ranged = try expression()
        let rangedExpr = try value(of: ranged)
        guard let rangedType = ranged.type else { throw error("cannot range over \(describe(ranged))", at: rangedToken) }
        let loopStart = instructions.count
        let count = declare("", .int)
        switch rangedType {
        case .slice:
            // The range expression is evaluated once; the loop holds the slice.
            let held = declare("", rangedType)
            emit(.assign(slot: held, rangedExpr), at: Position(rangedToken))
            emit(.assign(slot: count, .length(.variable(slot: held))), at: Position(rangedToken))
        case .integer:
            emit(.assign(slot: count, rangedExpr), at: Position(rangedToken))
        default:
            throw error("cannot range over value of type \(structs.name(of: rangedType))", at: rangedToken)
        }
        let keySlot = declare("", .int)
        if let keyToken, case let .identifier(name) = keyToken.kind, name != "_" {
            scopes[scopes.count - 1][name] = .variable(slot: keySlot)
        }
        emit(.assign(slot: keySlot, .integer(0)), at: Position(forToken))
        let condition = Expr.binary(.less, .variable(slot: keySlot), .variable(slot: count))
        let increment = Instruction(
            operation: .assign(slot: keySlot, .binary(.add, .variable(slot: keySlot), .integer(1))),
            position: Position(forToken))
        let bodyStart = instructions.count + 1
        let bodyEnd = try loopBody(forToken: forToken, condition: condition, post: [increment], outer: outer)
        // A whole-slice pass whose body is one element store or load becomes one range event.
        if case .slice = rangedType, case let .variable(rangedSlot) = rangedExpr,
           case let .slice(element) = slotTypes[rangedSlot],
           let pass = rangePass(body: instructions[bodyStart..<bodyEnd], slice: rangedSlot, key: keySlot, elementSize: structs.size(of: element))
        {
            instructions.removeSubrange(loopStart...)
            emit(pass, at: Position(forToken))
        }
    }

    /// The single range event a loop body stands for, if its only effect is `b[i] = v`
    /// (v pure) or a load of `b[i]`, with pointer-free elements.
    func rangePass(body: ArraySlice<Instruction>, slice: Int, key: Int, elementSize: Int64) -> Operation? {
        guard body.count == 1, let statement = body.first else { return nil }
        let isElement: (Place) -> Bool = { place in
            if case let .sliceElement(.variable(base), .variable(index), _) = place { return base == slice && index == key }
            return false
        }
        switch statement.operation {
        case let .store(place, value, access) where isElement(place) && !access.isReference && isPure(value):
            return .writeRange(.variable(slot: slice), elementSize: elementSize)
        case let .evaluate(values) where values.count == 1:
            if case let .load(place, access) = values[0], isElement(place), !access.isReference { return .readRange(.variable(slot: slice), elementSize: elementSize) }
            return nil
        case let .assign(target, value) where target != key && !slotTypes[target].isReference:
            if loadCount(value, isElement) == 1, isPure(value, allowingLoads: true) { return .readRange(.variable(slot: slice), elementSize: elementSize) }
            return nil
        default:
            return nil
        }
    }

    func isPure(_ expr: Expr, allowingLoads: Bool = false) -> Bool {
        switch expr {
        case .integer, .boolean, .nilValue, .variable: true
        case let .negate(inner), let .not(inner), let .length(inner): isPure(inner, allowingLoads: allowingLoads)
        case let .binary(op, left, right):
            op != .divide && op != .remainder && isPure(left, allowingLoads: allowingLoads) && isPure(right, allowingLoads: allowingLoads)
        case .load: allowingLoads
        default: false
        }
    }

    func loadCount(_ expr: Expr, _ isElement: (Place) -> Bool) -> Int {
        switch expr {
        case let .negate(inner), let .not(inner), let .length(inner): loadCount(inner, isElement)
        case let .binary(_, left, right): loadCount(left, isElement) + loadCount(right, isElement)
        case let .load(place, _): isElement(place) ? 1 : 100
        default: 0
        }
    }

    /// `if [init;] cond { } [else if … | else { }]`.
    mutating func ifStatement() throws(TraceError) {
        let ifToken = current
        advance()
        let outer = pushScope()
        conditionalDepth += 1
        defer { conditionalDepth -= 1 }
        var conditionOperand: Operand
        if isShortDeclaration() || isSimpleStatementBeforeSemicolon() {
            try simpleStatement()
            try expect(";")
        }
        conditionOperand = try expression()
        let condition = try boolean(conditionOperand)
        let branch = emit(.branchUnless(condition, -1), at: Position(ifToken))
        guard current.isPunct("{") else { throw expected("\"{\"") }
        try scopedBlock()
        if current.isKeyword("else") {
            advance()
            let skip = emit(.jump(-1), at: Position(ifToken))
            patchJump(branch, to: instructions.count)
            if current.isKeyword("if") {
                try ifStatement()
            } else {
                guard current.isPunct("{") else { throw expected("\"if\" or \"{\"") }
                try scopedBlock()
            }
            patchJump(skip, to: instructions.count)
        } else {
            patchJump(branch, to: instructions.count)
        }
        popScope(from: outer, at: Position(ifToken))
    }

    /// Whether an `if` header starts with a simple statement ended by `;`.
    func isSimpleStatementBeforeSemicolon() -> Bool {
        var depth = 0
        var i = index
        while i < tokens.count {
            let token = tokens[i]
            if token.isPunct("(") || token.isPunct("[") { depth += 1 }
            if token.isPunct(")") || token.isPunct("]") { depth -= 1 }
            if depth == 0, token.isPunct(";") { return true }
            if depth == 0, token.isPunct("{") || token.kind == .newline || token.kind == .end { return false }
            i += 1
        }
        return false
    }

    /// `go func() { … }()`: the body runs at the spawn point as a new goroutine.
    mutating func goStatement() throws(TraceError) {
        let goToken = current
        advance()
        guard current.isKeyword("func") else { throw error("only go func() { … }() is supported", at: current) }
        advance()
        try expect("(")
        guard current.isPunct(")") else { throw error("goroutine closures take no parameters; they capture variables", at: current) }
        advance()
        emit(.spawn, at: Position(goToken))
        let body = pushScope()
        goroutineReturns.append([])
        let savedLoops = loops
        loops = []
        guard current.isPunct("{") else { throw expected("\"{\"") }
        let closing = tokens[matchingBrace(from: index)]
        try block()
        loops = savedLoops
        scopes.removeLast()
        let end = instructions.count
        if slotTypes.count > body { emit(.endScope(body..<slotTypes.count), at: Position(closing)) }
        emit(.exit, at: Position(closing))
        for jump in goroutineReturns.removeLast() {
            instructions[jump].operation = .jump(end)
        }
        try expect("(")
        try expect(")")
    }

    mutating func returnStatement() throws(TraceError) {
        let token = current
        advance()
        if !current.isTerminator, !current.isPunct("}") { _ = try expressionList() }
        if goroutineReturns.isEmpty {
            emit(.halt, at: Position(token))
        } else {
            let jump = emit(.jump(-1), at: Position(token))
            goroutineReturns[goroutineReturns.count - 1].append(jump)
        }
    }

    mutating func branchStatement() throws(TraceError) {
        let token = current
        advance()
        guard !loops.isEmpty else { throw error("\(token.isKeyword("break") ? "break" : "continue") is not in a loop", at: token) }
        if token.isKeyword("break") {
            let scopeEnd = emit(.endScope(0..<0), at: Position(token))
            let jump = emit(.jump(-1), at: Position(token))
            loops[loops.count - 1].breaks.append((scopeEnd, jump))
        } else {
            let jump = emit(.jump(-1), at: Position(token))
            loops[loops.count - 1].continues.append(jump)
        }
    }
}
