import GoMemSimTrace

/// Splits a `.gmr` script into tokens the way Go's scanner does: `//` and `/* */`
/// comments, integer literals (decimal, `0x`, `0o`, `0b`, `_` separators), interpreted
/// string literals, and automatic semicolons — a newline ends a statement when the line's
/// last token is an identifier, literal, `)`, `]`, `}`, `++`, `--`, `return`, `break` or
/// `continue` (The Go Programming Language Specification, "Semicolons").
struct Lexer {
    private let bytes: [UInt8]
    private let file: String
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var lastEndsStatement = false

    init(source: String, file: String) {
        self.bytes = Array(source.utf8)
        self.file = file
    }

    /// Every token of the input, ending with `.end`.
    static func tokens(source: String, file: String) throws(TraceError) -> [Token] {
        var lexer = Lexer(source: source, file: file)
        var tokens: [Token] = []
        while true {
            let token = try lexer.nextToken()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var column: Int { index - lineStart + 1 }

    private func error(_ message: String, line: Int, column: Int) -> TraceError {
        TraceError(.text(file: file, line: line, column: column), message)
    }

    private mutating func nextToken() throws(TraceError) -> Token {
        // Skip blanks and comments; a newline may become a semicolon.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                if lastEndsStatement {
                    lastEndsStatement = false
                    let token = Token(kind: .newline, line: line, column: column)
                    advanceLine()
                    return token
                }
                advanceLine()
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let (startLine, startColumn) = (line, column)
                index += 2
                var closed = false
                var sawNewline = false
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                        index += 2
                        closed = true
                        break
                    }
                    if bytes[index] == UInt8(ascii: "\n") { sawNewline = true; advanceLine() } else { index += 1 }
                }
                if !closed { throw error("comment not terminated", line: startLine, column: startColumn) }
                // A general comment containing a newline acts like a newline.
                if sawNewline, lastEndsStatement {
                    lastEndsStatement = false
                    return Token(kind: .newline, line: line, column: column)
                }
            } else {
                break
            }
        }
        guard index < bytes.count else {
            if lastEndsStatement {
                lastEndsStatement = false
                return Token(kind: .newline, line: line, column: column)
            }
            return Token(kind: .end, line: line, column: column)
        }
        let (startLine, startColumn) = (line, column)
        let kind = try scanToken()
        switch kind {
        case .identifier, .integer, .string: lastEndsStatement = true
        case let .keyword(word): lastEndsStatement = ["return", "break", "continue", "nil", "true", "false"].contains(word)
        case let .punct(text): lastEndsStatement = [")", "]", "}", "++", "--"].contains(text)
        case .newline, .end: lastEndsStatement = false
        }
        return Token(kind: kind, line: startLine, column: startColumn)
    }

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func advanceLine() {
        index += 1
        line += 1
        lineStart = index
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static let punctuators: [String] = [
        "&^", "<<", ">>", ":=", "++", "--", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "&&", "||",
        "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":",
    ]

    private mutating func scanToken() throws(TraceError) -> Token.Kind {
        let byte = bytes[index]
        if Self.isLetter(byte) {
            let start = index
            while index < bytes.count, Self.isLetter(bytes[index]) || Self.isDigit(bytes[index]) { index += 1 }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            return goKeywords.contains(word) ? .keyword(word) : .identifier(word)
        }
        if Self.isDigit(byte) { return try scanNumber() }
        if byte == UInt8(ascii: "\"") { return try scanString() }
        for text in Self.punctuators {
            let utf8 = Array(text.utf8)
            if index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 {
                index += utf8.count
                return .punct(text)
            }
        }
        throw error("unexpected character \(quotedBytes(CollectionOfOne(byte)))", line: line, column: column)
    }

    private mutating func scanNumber() throws(TraceError) -> Token.Kind {
        let (startLine, startColumn) = (line, column)
        var radix: UInt64 = 10
        if bytes[index] == UInt8(ascii: "0"), let second = peek(1) {
            switch second | 0x20 {
            case UInt8(ascii: "x"): radix = 16; index += 2
            case UInt8(ascii: "o"): radix = 8; index += 2
            case UInt8(ascii: "b"): radix = 2; index += 2
            default: break
            }
        }
        let start = index
        var value: UInt64 = 0
        var digits = 0
        var overflow = false
        while index < bytes.count {
            let byte = bytes[index]
            let digit: UInt64
            if Self.isDigit(byte) { digit = UInt64(byte - UInt8(ascii: "0")) }
            else if (byte | 0x20) >= UInt8(ascii: "a"), (byte | 0x20) <= UInt8(ascii: "f") { digit = UInt64((byte | 0x20) - UInt8(ascii: "a") + 10) }
            else if byte == UInt8(ascii: "_") { index += 1; continue }
            else if byte == UInt8(ascii: ".") || Self.isLetter(byte) {
                throw error("malformed number: only integer literals are supported", line: startLine, column: startColumn)
            } else { break }
            if digit >= radix {
                throw error("invalid digit \"\(String(decoding: [byte], as: UTF8.self))\" in number", line: line, column: column)
            }
            let (times, o1) = value.multipliedReportingOverflow(by: radix)
            let (sum, o2) = times.addingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            value = sum
            digits += 1
            index += 1
        }
        if digits == 0, start != index || radix != 10 {
            throw error("malformed number", line: startLine, column: startColumn)
        }
        if overflow || value > UInt64(Int64.max) {
            throw error("number overflows int64", line: startLine, column: startColumn)
        }
        return .integer(Int64(value))
    }

    private mutating func scanString() throws(TraceError) -> Token.Kind {
        let (startLine, startColumn) = (line, column)
        index += 1
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return .string(String(decoding: text, as: UTF8.self))
            }
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\"), let escaped = peek(1) {
                switch escaped {
                case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): text.append(escaped)
                default: throw error("unknown escape sequence", line: line, column: column)
                }
                index += 2
                continue
            }
            text.append(byte)
            index += 1
        }
        throw error("string literal not terminated", line: startLine, column: startColumn)
    }
}
