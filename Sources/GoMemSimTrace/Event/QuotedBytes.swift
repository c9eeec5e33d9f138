/// `bytes` as an error message quotes them: in double quotes, each control byte written
/// as the trace format's string escapes write it (`\t`, else `\xHH`), and a byte over
/// 0x7F as `\xHH` where it does not begin valid UTF-8 text. A message stays one printable
/// line, with no terminal escape sequence, whatever bytes the input holds. `truncated`
/// adds "…" inside the quotes (the token went on).
public func quotedBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes, truncated: Bool = false) -> String {
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count + 2)
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "\t"): text += Array("\\t".utf8)
        case 0..<0x20, 0x7f: text += hexEscape(byte)
        default: text.append(byte)
        }
    }
    var decoded = String(decoding: text, as: UTF8.self)
    if decoded.unicodeScalars.contains("\u{FFFD}") && !text.isEmpty {
        // Not UTF-8 (e.g. one byte of a longer character): every byte over 0x7F escaped.
        decoded = String(decoding: text.flatMap { $0 >= 0x80 ? hexEscape($0) : [$0] }, as: UTF8.self)
    }
    return "\"" + decoded + (truncated ? "…" : "") + "\""
}

/// `\xHH`, two uppercase hex digits.
private func hexEscape(_ byte: UInt8) -> [UInt8] {
    let digits = Array("0123456789ABCDEF".utf8)
    return Array("\\x".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 15)]]
}
