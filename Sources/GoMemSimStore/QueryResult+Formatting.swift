import GoMemSimCore

/// How `gomemsim query` prints: an aligned table for reading, CSV and JSON for tools.
extension QueryResult {
    /// Columns two spaces apart under a rule of dashes; numbers right-aligned, text
    /// left-aligned, NULL as `NULL` (aligned as its column). A column is numeric when
    /// all its non-NULL values are numbers. No trailing blanks.
    ///
    ///     run_id  status    gogc
    ///     ------  --------  ----
    ///          1  complete   100
    ///          2  oom       NULL
    public func formattedTable() -> String {
        let cells = rows.map { $0.map(Self.tableText) }
        let numeric = columns.indices.map { c in
            rows.allSatisfy { row in
                switch row[c] {
                case .int, .real, .null: return true
                case .text: return false
                }
            } && !rows.isEmpty
        }
        let widths = columns.indices.map { c in
            cells.reduce(columns[c].count) { max($0, $1[c].count) }
        }
        func line(_ texts: [String]) -> String {
            let padded = texts.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - texts[c].count)
                return numeric[c] ? pad + texts[c] : texts[c] + pad
            }
            return trimmingTrailingBlanks(padded.joined(separator: "  "))
        }
        var out = line(columns) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in cells { out += line(row) + "\n" }
        return out
    }

    /// RFC 4180: a header line, then one record per row, CRLF line ends; a field with a
    /// comma, a double quote, CR or LF is quoted, its quotes doubled. NULL is an empty field.
    public func formattedCSV() -> String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
                return text
            }
            return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
        }
        var out = columns.map(field).joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map { value in
                switch value {
                case .null: return ""
                case let .int(v): return String(v)
                case let .real(v): return String(v)
                case let .text(v): return field(v)
                }
            }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// An array of objects, one per row, one row per line; keys in column order,
    /// integers and reals as JSON numbers, NULL (and a non-finite real) as `null`.
    public func formattedJSON() -> String {
        guard !rows.isEmpty else { return "[]\n" }
        let keys = columns.map(Self.jsonString)
        let objects = rows.map { row in
            "  {" + row.indices.map { c in "\(keys[c]): \(Self.jsonValue(row[c]))" }.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    // MARK: Values

    private static func tableText(_ value: FigureValue) -> String {
        switch value {
        case .null: return "NULL"
        case let .int(v): return String(v)
        case let .real(v): return String(v)
        case let .text(v): return v
        }
    }

    private static func jsonValue(_ value: FigureValue) -> String {
        switch value {
        case .null: return "null"
        case let .int(v): return String(v)
        case let .real(v): return v.isFinite ? String(v) : "null"
        case let .text(v): return jsonString(v)
        }
    }

    /// `text` as a JSON string (RFC 8259 §7): quote, backslash and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

private func trimmingTrailingBlanks(_ text: String) -> String {
    var text = text
    while text.last == " " { text.removeLast() }
    return text
}
