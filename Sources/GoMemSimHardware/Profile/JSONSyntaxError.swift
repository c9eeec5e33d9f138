import Foundation

/// Where malformed JSON goes wrong, as `file:line:col` for an error message. JSONDecoder
/// says only "The given data was not valid JSON" (no place); JSONSerialization names a
/// character offset ("Invalid value around character 11."), made a line and column here.
public enum JSONSyntaxError {
    /// `path:line:col: expected valid JSON, found …` when `data` does not parse as JSON,
    /// nil when it does. The column counts bytes, as the trace readers' columns do.
    public static func message(for data: Data, path: String) -> String? {
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
        }
        // "Invalid value around character 11." → offset 11 and "invalid value"; without an
        // offset (the end of the file) the place is the end of the data.
        var reason = Substring(detail)
        var offset = data.count
        if let marker = detail.range(of: " around character ") {
            reason = detail[..<marker.lowerBound]
            if let n = Int(detail[marker.upperBound...].prefix { $0.isNumber }) { offset = min(n, data.count) }
        }
        if reason.hasSuffix(".") { reason = reason.dropLast() }
        var line = 1, column = 1
        for byte in data.prefix(offset) {
            if byte == 0x0a { line += 1; column = 1 } else { column += 1 }
        }
        let found = reason.prefix(1).lowercased() + reason.dropFirst()
        return "\(path):\(line):\(column): expected valid JSON, found \(found.isEmpty ? "something else" : found)"
    }
}
