/// The two encodings of a trace: `.gmt` text and `.gmtb` binary.
public enum TraceFormat: Hashable, Sendable {
    case text, binary

    /// The format a path's extension names: `.gmt` or `.gmtb`, optionally followed by
    /// `.gz`; nil for any other extension.
    public init?(path: String) {
        var name = Substring(path)
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        if name.hasSuffix(".gmtb") { self = .binary }
        else if name.hasSuffix(".gmt") { self = .text }
        else { return nil }
    }
}
