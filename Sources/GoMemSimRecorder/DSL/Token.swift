import GoMemSimTrace

/// One lexical token of a `.gmr` script, with the 1-based position of its first character.
struct Token: Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String)
        case integer(Int64)
        case string(String)
        case keyword(String)
        /// An operator or delimiter: `:=`, `<<`, `{`, …
        case punct(String)
        /// A `;` the lexer inserted at a line end (Go's automatic semicolon rule).
        case newline
        case end
    }

    var kind: Kind
    var line: Int
    var column: Int

    /// How the token reads in an error message: `")"`, `newline`, `identifier "b"`.
    var description: String {
        switch kind {
        case let .identifier(name): "identifier \"\(name)\""
        case let .integer(value): "number \(value)"
        case let .string(text): "string \"\(text)\""
        case let .keyword(word): "\"\(word)\""
        case let .punct(text): text == ";" ? "\";\"" : "\"\(text)\""
        case .newline: "newline"
        case .end: "end of file"
        }
    }

    func isPunct(_ text: String) -> Bool { kind == .punct(text) }
    func isKeyword(_ word: String) -> Bool { kind == .keyword(word) }
    /// A statement terminator: `;`, an inserted newline, or the end of the input.
    var isTerminator: Bool {
        switch kind {
        case .newline, .end: true
        case let .punct(text): text == ";"
        default: false
        }
    }
}

/// Go's keywords that the DSL knows, plus `file` (a declared file, see `schemas/dsl.md`).
let goKeywords: Set<String> = [
    "package", "import", "func", "type", "struct", "var", "for", "range", "if", "else",
    "go", "return", "break", "continue", "nil", "true", "false",
]
