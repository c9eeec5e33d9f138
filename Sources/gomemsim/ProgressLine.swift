import Foundation

/// A progress line on stderr while a long replay runs — only when stderr is a
/// terminal, so logs and pipes stay clean.
final class ProgressLine {
    private let label: String
    private var lastUpdate = ContinuousClock.now

    /// `nil` when stderr is not a terminal.
    static func make(label: String) -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 ? ProgressLine(label: label) : nil
    }

    private init(label: String) { self.label = label }

    func update(events: UInt64) {
        let now = ContinuousClock.now
        guard now - lastUpdate > .milliseconds(200) else { return }
        lastUpdate = now
        FileHandle.standardError.write(Data("\r\(label): \(events / 1_000_000) M events".utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
