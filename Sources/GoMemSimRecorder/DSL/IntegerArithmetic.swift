import GoMemSimTrace

/// Go's integer arithmetic, in its two forms: constant expressions (exact; overflow and
/// division by zero are compile errors) and run-time int64 arithmetic (wrapping; division
/// by zero and negative shifts panic).
enum IntegerArithmetic {
    enum Folded {
        case success(Expr)
        case failure(String)
    }

    enum Outcome {
        case integer(Int64)
        case boolean(Bool)
        case failure(String)
    }

    /// Folds `a op b` for constants.
    static func apply(_ op: BinaryOperator, _ a: Int64, _ b: Int64) -> Folded {
        let overflow = Folded.failure("constant overflows int64")
        switch op {
        case .add:
            let (value, o) = a.addingReportingOverflow(b)
            return o ? overflow : .success(.integer(value))
        case .subtract:
            let (value, o) = a.subtractingReportingOverflow(b)
            return o ? overflow : .success(.integer(value))
        case .multiply:
            let (value, o) = a.multipliedReportingOverflow(by: b)
            return o ? overflow : .success(.integer(value))
        case .shiftLeft:
            guard b >= 0 else { return .failure("invalid shift count \(b)") }
            if a == 0 { return .success(.integer(0)) }
            guard b < 63, a.magnitude <= UInt64(Int64.max) >> UInt64(b) else { return overflow }
            return .success(.integer(a << b))
        default:
            switch evaluate(op, a, b) {
            case let .integer(value): return .success(.integer(value))
            case let .boolean(value): return .success(.boolean(value))
            case let .failure(message):
                return .failure(message == "integer divide by zero" ? "invalid operation: division by zero" : message)
            }
        }
    }

    /// Run-time `a op b` on int64 (Go wraps on overflow).
    static func evaluate(_ op: BinaryOperator, _ a: Int64, _ b: Int64) -> Outcome {
        switch op {
        case .add: return .integer(a &+ b)
        case .subtract: return .integer(a &- b)
        case .multiply: return .integer(a &* b)
        case .divide, .remainder:
            guard b != 0 else { return .failure("integer divide by zero") }
            if a == Int64.min, b == -1 { return .integer(op == .divide ? a : 0) }
            return .integer(op == .divide ? a / b : a % b)
        case .shiftLeft, .shiftRight:
            guard b >= 0 else { return .failure("negative shift amount") }
            if b >= 64 { return .integer(op == .shiftLeft ? 0 : (a < 0 ? -1 : 0)) }
            return .integer(op == .shiftLeft ? a << b : a >> b)
        case .and: return .integer(a & b)
        case .or: return .integer(a | b)
        case .xor: return .integer(a ^ b)
        case .andNot: return .integer(a & ~b)
        case .less: return .boolean(a < b)
        case .lessEqual: return .boolean(a <= b)
        case .greater: return .boolean(a > b)
        case .greaterEqual: return .boolean(a >= b)
        case .equal: return .boolean(a == b)
        case .notEqual: return .boolean(a != b)
        case .logicalAnd, .logicalOr: return .failure("logical operator on integers")
        }
    }
}
