import GoMemSimTrace

/// Runs a compiled ``Program`` one instruction at a time, turning its effects into trace
/// records. It keeps only the program counter, the variables, the live-object graph, the
/// open files and mappings, and the records of the current instruction: a loop of a
/// million allocations streams in constant memory.
struct Interpreter {
    struct Mapping {
        var length: Int64
        var protection: Protection
        /// Bytes of the file behind the mapping (nil: anonymous); touching past them is SIGBUS.
        var fileBytes: Int64?
    }

    struct OpenFile {
        var file: Int
        var offset: Int64
    }

    /// Largest byte count one read(2) transfers on Linux (`MAX_RW_COUNT`, include/linux/fs.h).
    static let maxReadBytes: Int64 = 0x7fff_f000
    /// Instructions in a row without a record before the script is declared stuck.
    static let stepLimit = 10_000_000

    let program: Program
    let path: String
    var pc = 0
    var slots: [Value]
    /// Whether a variable's value was loaded from memory (`p = p.next`): an access
    /// through it is then dependent, a pointer chase.
    var slotLoaded: [Bool]
    var graph = ObjectGraph()
    var mappings: [RegionID: Mapping] = [:]
    var nextRegion: RegionID = 1
    var openFiles: [Int32: OpenFile] = [:]
    var goroutines: [UInt32] = [0]
    var nextGoroutine: UInt32 = 1
    var halted = false
    var position = Position(line: 1, column: 1)
    /// Records of the current instruction, with the position of the instruction.
    var pending: [TraceRecord] = []
    var pendingPositions: [Position] = []
    var pendingHead = 0
    /// Objects allocated by the current instruction: garbage at its end if nothing holds them.
    var fresh: [RegionID] = []
    var freed: [RegionID] = []
    var stepsWithoutRecord = 0

    init(program: Program, path: String) {
        self.program = program
        self.path = path
        self.slots = Array(repeating: .none, count: program.slotCount)
        self.slotLoaded = Array(repeating: false, count: program.slotCount)
    }

    // MARK: Driving

    /// The next record and the position of the statement that produced it.
    mutating func next() throws(TraceError) -> (TraceRecord, Position)? {
        while pendingHead == pending.count {
            if halted { return nil }
            if pendingHead > 0 {
                pending.removeAll(keepingCapacity: true)
                pendingPositions.removeAll(keepingCapacity: true)
                pendingHead = 0
            }
            do {
                try step()
            } catch {
                halted = true
                throw error
            }
            if pending.isEmpty {
                stepsWithoutRecord += 1
                if stepsWithoutRecord > Self.stepLimit {
                    halted = true
                    throw failure("the script ran \(Self.stepLimit) steps without a trace event (an endless loop?)")
                }
            } else {
                stepsWithoutRecord = 0
            }
        }
        defer { pendingHead += 1 }
        return (pending[pendingHead], pendingPositions[pendingHead])
    }

    /// A run-time error (Go would panic) at the statement being executed.
    func failure(_ message: String) -> TraceError {
        TraceError(.text(file: path, line: Int(position.line), column: Int(position.column)), message)
    }

    mutating func record(_ event: TraceEvent) {
        pending.append(TraceRecord(goroutine: goroutines[goroutines.count - 1], event))
        pendingPositions.append(position)
    }

    mutating func recordFrees() {
        if freed.isEmpty { return }
        for id in freed { record(.free(id: id)) }
        freed.removeAll(keepingCapacity: true)
    }

    mutating func step() throws(TraceError) {
        let instruction = program.instructions[pc]
        position = instruction.position
        pc += 1
        try execute(instruction.operation)
        // Temporaries nothing kept (`_ = make(…)`) die at the end of their statement.
        if !fresh.isEmpty {
            for id in fresh { graph.collect(startingAt: id, freed: &freed) }
            fresh.removeAll(keepingCapacity: true)
            recordFrees()
        }
    }

    // MARK: Instructions

    mutating func execute(_ operation: Operation) throws(TraceError) {
        switch operation {
        case let .evaluate(exprs):
            for expr in exprs { _ = try evaluate(expr) }
        case let .assign(slot, expr):
            let value = try evaluate(expr)
            assign(value, to: slot)
            if case .load = expr { slotLoaded[slot] = true }
        case let .store(place, expr, access):
            let (region, offset) = try resolve(place)
            let value = try evaluate(expr)
            try touch(region, offset: offset, length: access.size, write: true, dependent: false)
            if access.isReference {
                graph.store(value, in: region, at: offset, freed: &freed)
                recordFrees()
            }
        case let .emit(event):
            record(event)
        case let .setGCPercent(expr):
            let percent = try integer(expr)
            record(.setGCPercent(percent < 0 ? nil : Int32(clamping: percent)))
        case let .setMemoryLimit(expr):
            // A negative limit only queries the current one (runtime/debug.SetMemoryLimit).
            let limit = try integer(expr)
            if limit >= 0 { record(.setMemoryLimit(limit == Int64.max ? nil : UInt64(limit))) }
        case let .sleep(expr):
            let ns = try integer(expr)
            if ns > 0 { record(.sleep(ns: UInt64(ns))) }
        case let .compute(expr):
            let ns = try integer(expr)
            if ns > 0 { record(.compute(ns: UInt64(ns))) }
        case let .open(file, result):
            // Linux hands out the lowest free descriptor (fs/file.c alloc_fd); 0-2 are stdio.
            var fd: Int32 = 3
            while openFiles[fd] != nil { fd += 1 }
            openFiles[fd] = OpenFile(file: file, offset: 0)
            record(.open(fd: UInt32(fd), name: program.files[file].name))
            assign(.file(fd), to: result)
        case let .readFile(fileExpr, bufferExpr, atExpr, count):
            let fd = try descriptor(fileExpr)
            guard let open = openFiles[fd] else { throw failure("read of a closed file (fd \(fd))") }
            guard case let .slice(region, start, length) = try evaluate(bufferExpr) else {
                assign(.integer(0), to: count)
                return
            }
            let fileOffset = try atExpr.map { (expr) throws(TraceError) -> Int64 in try integer(expr) } ?? open.offset
            guard fileOffset >= 0 else { throw failure("negative offset \(fileOffset)") }
            let size = Int64(program.files[open.file].size)
            let bytes = max(0, min(length, size - fileOffset, Self.maxReadBytes))
            if bytes > 0, region != 0 {
                try checkMapping(region, offset: start, length: bytes, write: true)
                record(.readFile(fd: UInt32(fd), fileOffset: UInt64(fileOffset), id: region, offset: UInt64(start), length: UInt64(bytes)))
            }
            if atExpr == nil { openFiles[fd]?.offset = fileOffset + bytes }
            assign(.integer(bytes), to: count)
        case let .close(fileExpr):
            let fd = try descriptor(fileExpr)
            guard openFiles.removeValue(forKey: fd) != nil else { throw failure("close of a closed file (fd \(fd))") }
            record(.close(fd: UInt32(fd)))
        case let .mmap(result, fdExpr, offsetExpr, lengthExpr, protection, flags):
            try mmap(result: result, fdExpr, offsetExpr, lengthExpr, protection, flags)
        case let .munmap(expr):
            let (region, start, count) = try mapping(expr, in: "syscall.Munmap")
            record(.munmap(id: region, offset: UInt64(start), length: UInt64(count)))
            if start == 0, count == mappings[region]?.length { mappings[region] = nil }
        case let .madvise(expr, advice):
            guard case let .slice(region, start, count) = try evaluate(expr), region != 0, count > 0 else { return }
            try checkLive(region)
            record(.madvise(id: region, offset: UInt64(start), length: UInt64(count), advice: advice))
        case let .mprotect(expr, protection):
            let (region, start, count) = try mapping(expr, in: "syscall.Mprotect")
            record(.mprotect(id: region, offset: UInt64(start), length: UInt64(count), protection: protection))
            if start == 0, count == mappings[region]?.length { mappings[region]?.protection = protection }
        case let .writeRange(expr, elementSize), let .readRange(expr, elementSize):
            guard case let .slice(region, start, count) = try evaluate(expr) else { return }
            var write = false
            if case .writeRange = operation { write = true }
            try touch(region, offset: start * elementSize, length: count * elementSize, write: write, dependent: false)
        case let .jump(target):
            pc = target
        case let .branchUnless(condition, target):
            if try !truth(evaluate(condition)) { pc = target }
        case let .endScope(range):
            for slot in range { assign(.none, to: slot) }
        case .spawn:
            guard nextGoroutine < UInt32.max else { throw failure("too many goroutines") }
            let id = nextGoroutine
            nextGoroutine += 1
            record(.spawn(goroutine: id))
            goroutines.append(id)
        case .exit:
            record(.exit)
            if goroutines.count > 1 { goroutines.removeLast() }
        case .halt:
            halted = true
        }
    }

    /// Whether the place's address comes from a variable that was loaded from memory.
    func isChased(_ place: Place) -> Bool {
        switch place {
        case let .sliceElement(.variable(slot), _, _), let .pointerField(.variable(slot), _): slotLoaded[slot]
        case .sliceElement, .pointerField: false
        case let .arrayElement(base, _, _, _), let .structField(base, _): isChased(base)
        }
    }

    mutating func assign(_ value: Value, to slot: Int) {
        slotLoaded[slot] = false
        let old = slots[slot]
        graph.retain(value, by: .root)
        slots[slot] = value
        graph.release(old, by: .root, freed: &freed)
        recordFrees()
    }

    mutating func assign(_ value: Value, to target: Target) {
        if case let .variable(slot) = target { assign(value, to: slot) }
    }

    mutating func mmap(
        result: Target, _ fdExpr: Expr, _ offsetExpr: Expr, _ lengthExpr: Expr, _ protection: Protection, _ flags: MapFlags
    ) throws(TraceError) {
        let fd = try integer(fdExpr)
        let offset = try integer(offsetExpr)
        let length = try integer(lengthExpr)
        // mmap(2) EINVAL: zero length, or an offset that is not page aligned.
        guard length > 0 else { throw failure("mmap: invalid argument (length \(length))") }
        // x86-64 user space is 128 TiB (47 bits); a longer mapping cannot exist.
        guard length <= 1 << 47 else { throw failure("mmap: cannot allocate memory (length \(length))") }
        guard offset >= 0, offset % 4096 == 0 else { throw failure("mmap: invalid argument (offset \(offset) is not a multiple of the page size)") }
        var fileBytes: Int64?
        var descriptor: UInt32?
        if !flags.contains(.anonymous) {
            guard fd >= 0, fd <= Int64(Int32.max), let open = openFiles[Int32(fd)] else { throw failure("mmap: bad file descriptor \(fd)") }
            fileBytes = max(0, Int64(program.files[open.file].size) - offset)
            descriptor = UInt32(fd)
        }
        let id = nextRegion
        nextRegion += 1
        mappings[id] = Mapping(length: length, protection: protection, fileBytes: fileBytes)
        record(.mmap(id: id, length: UInt64(length), protection: protection, flags: flags, fd: descriptor, fileOffset: descriptor == nil ? 0 : UInt64(offset)))
        assign(.slice(id, start: 0, count: length), to: result)
    }

    func mapping(_ value: Value, in function: String) throws(TraceError) -> (RegionID, Int64, Int64) {
        guard case let .slice(region, start, count) = value, mappings[region] != nil else {
            throw failure("\(function): invalid argument (not memory from syscall.Mmap, or already unmapped)")
        }
        return (region, start, count)
    }

    mutating func mapping(_ expr: Expr, in function: String) throws(TraceError) -> (RegionID, Int64, Int64) {
        try mapping(try evaluate(expr), in: function)
    }

    mutating func descriptor(_ expr: Expr) throws(TraceError) -> Int32 {
        guard case let .file(fd) = try evaluate(expr) else { throw failure("invalid argument: nil *os.File") }
        return fd
    }

    // MARK: Memory

    func checkLive(_ region: RegionID) throws(TraceError) {
        if mappings[region] == nil, !graph.contains(region) {
            throw failure("unexpected fault address (SIGSEGV): the memory was unmapped")
        }
    }

    func checkMapping(_ region: RegionID, offset: Int64, length: Int64, write: Bool) throws(TraceError) {
        guard let mapping = mappings[region] else {
            try checkLive(region)
            return
        }
        if !mapping.protection.contains(write ? .write : .read) {
            throw failure("unexpected fault address (SIGSEGV): \(write ? "write to" : "read from") a mapping without PROT_\(write ? "WRITE" : "READ")")
        }
        if let fileBytes = mapping.fileBytes, offset + length > (fileBytes + 4095) / 4096 * 4096 {
            throw failure("unexpected fault address (SIGBUS): access beyond the end of the mapped file")
        }
    }

    /// Emits a read or write of `length` bytes at `offset` of `region`.
    mutating func touch(_ region: RegionID, offset: Int64, length: Int64, write: Bool, dependent: Bool) throws(TraceError) {
        guard region != 0, length > 0 else { return }
        try checkMapping(region, offset: offset, length: length, write: write)
        record(write
            ? .write(id: region, offset: UInt64(offset), length: UInt64(length))
            : .read(id: region, offset: UInt64(offset), length: UInt64(length), dependent: dependent))
    }

    /// The region and byte offset a place denotes (bounds and nil checked, as Go panics).
    mutating func resolve(_ place: Place) throws(TraceError) -> (RegionID, Int64) {
        switch place {
        case let .sliceElement(base, indexExpr, elementSize):
            let slice = try evaluate(base)
            let index = try integer(indexExpr)
            var region: RegionID = 0, start: Int64 = 0, count: Int64 = 0
            if case let .slice(r, s, c) = slice { (region, start, count) = (r, s, c) }
            guard index >= 0, index < count else {
                throw failure("runtime error: index out of range [\(index)] with length \(count)")
            }
            return (region, (start + index) * elementSize)
        case let .pointerField(base, offset):
            guard case let .pointer(region) = try evaluate(base) else {
                throw failure("runtime error: invalid memory address or nil pointer dereference")
            }
            return (region, offset)
        case let .arrayElement(base, indexExpr, count, elementSize):
            let (region, offset) = try resolve(base)
            let index = try integer(indexExpr)
            guard index >= 0, index < count else {
                throw failure("runtime error: index out of range [\(index)] with length \(count)")
            }
            return (region, offset + index * elementSize)
        case let .structField(base, fieldOffset):
            let (region, offset) = try resolve(base)
            return (region, offset + fieldOffset)
        }
    }

    // MARK: Expressions

    func truth(_ value: Value) -> Bool {
        switch value {
        case let .boolean(b): b
        case let .integer(i): i != 0
        default: false
        }
    }

    mutating func integer(_ expr: Expr) throws(TraceError) -> Int64 {
        if case let .integer(value) = try evaluate(expr) { return value }
        return 0
    }

    mutating func evaluate(_ expr: Expr) throws(TraceError) -> Value {
        switch expr {
        case let .integer(value): return .integer(value)
        case let .boolean(value): return .boolean(value)
        case .nilValue: return .none
        case let .variable(slot): return slots[slot]
        case let .negate(inner): return .integer(0 &- (try integer(inner)))
        case let .not(inner): return .boolean(!truth(try evaluate(inner)))
        case let .binary(op, left, right):
            return try binary(op, left, right)
        case let .length(inner):
            if case let .slice(_, _, count) = try evaluate(inner) { return .integer(count) }
            return .integer(0)
        case let .load(place, access):
            let (region, offset) = try resolve(place)
            try touch(region, offset: offset, length: access.size, write: false, dependent: access.dependent || isChased(place))
            return access.isReference ? graph.slot(region, at: offset) : .integer(0)
        case let .slice(base, lowExpr, highExpr):
            let value = try evaluate(base)
            var region: RegionID = 0, start: Int64 = 0, count: Int64 = 0
            if case let .slice(r, s, c) = value { (region, start, count) = (r, s, c) }
            let low = try lowExpr.map { (e) throws(TraceError) -> Int64 in try integer(e) } ?? 0
            let high = try highExpr.map { (e) throws(TraceError) -> Int64 in try integer(e) } ?? count
            guard high <= count else { throw failure("runtime error: slice bounds out of range [:\(high)] with length \(count)") }
            guard low >= 0, low <= high else { throw failure("runtime error: slice bounds out of range [\(low):\(high)]") }
            if value == .none, low == 0, high == 0 { return .none }
            return .slice(region, start: start + low, count: high - low)
        case let .makeSlice(elementSize, scan, countExpr, capacityExpr):
            let count = try integer(countExpr)
            let capacity = try capacityExpr.map { (e) throws(TraceError) -> Int64 in try integer(e) } ?? count
            guard count >= 0 else { throw failure("runtime error: makeslice: len out of range") }
            guard capacity >= count else { throw failure("runtime error: makeslice: cap out of range") }
            let (bytes, overflow) = capacity.multipliedReportingOverflow(by: elementSize)
            guard !overflow, bytes <= 1 << 48 else { throw failure("runtime error: makeslice: len out of range") }
            guard bytes > 0 else { return .slice(0, start: 0, count: count) }
            return .slice(allocate(bytes: bytes, scan: scan), start: 0, count: count)
        case let .newObject(size, scan, fields):
            var values: [Value] = []
            for field in fields { values.append(try evaluate(field.value)) }
            guard size > 0 else { return .pointer(0) }
            let id = allocate(bytes: size, scan: scan)
            for (field, value) in zip(fields, values) {
                try touch(id, offset: field.offset, length: field.size, write: true, dependent: false)
                if field.isReference {
                    graph.store(value, in: id, at: field.offset, freed: &freed)
                    recordFrees()
                }
            }
            return .pointer(id)
        case let .fileDescriptor(inner):
            guard case let .file(fd) = try evaluate(inner) else {
                throw failure("runtime error: invalid memory address or nil pointer dereference")
            }
            return .integer(Int64(fd))
        }
    }

    mutating func allocate(bytes: Int64, scan: Bool) -> RegionID {
        let id = nextRegion
        nextRegion += 1
        graph.add(id)
        fresh.append(id)
        record(.alloc(id: id, size: UInt64(bytes), scan: scan))
        return id
    }

    mutating func binary(_ op: BinaryOperator, _ leftExpr: Expr, _ rightExpr: Expr) throws(TraceError) -> Value {
        switch op {
        case .logicalAnd:
            return .boolean(truth(try evaluate(leftExpr)) ? truth(try evaluate(rightExpr)) : false)
        case .logicalOr:
            return .boolean(truth(try evaluate(leftExpr)) ? true : truth(try evaluate(rightExpr)))
        default:
            break
        }
        let left = try evaluate(leftExpr)
        let right = try evaluate(rightExpr)
        switch (left, right) {
        case let (.integer(a), .integer(b)):
            switch IntegerArithmetic.evaluate(op, a, b) {
            case let .integer(value): return .integer(value)
            case let .boolean(value): return .boolean(value)
            case let .failure(message): throw failure("runtime error: \(message)")
            }
        default:
            // == and != on references, booleans, files.
            let equal = left == right || (isNil(left) && isNil(right))
            return .boolean(op == .equal ? equal : !equal)
        }
    }

    func isNil(_ value: Value) -> Bool {
        switch value {
        case .none, .pointer(0): true
        default: false
        }
    }
}
