import Dispatch
import Foundation
import GoMemSimBatch

/// SIGINT / SIGTERM during a sweep: the first stops new configurations from starting
/// and lets the running ones finish and commit (each run is one transaction); a second
/// exits at once, abandoning the running ones — their transactions never commit, so the
/// database holds no part of them (SQLite's atomic commit).
final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []

    /// The signal that stopped the sweep, if one did.
    var signal: Int32? { lock.withLock { received } }

    /// Starts listening; `cancellation` is cancelled on the first signal.
    init(cancelling cancellation: SweepCancellation, command: String) {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)  // handled by the source below, not by the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let first: Bool = self.lock.withLock {
                    defer { self.received = self.received ?? number }
                    return self.received == nil
                }
                if first {
                    cancellation.cancel()
                    FileHandle.standardError.write(Data(
                        "\(command): interrupted: letting the running configurations finish (interrupt again to abandon them)\n".utf8))
                } else {
                    FileHandle.standardError.write(Data("\(command): abandoned the running configurations\n".utf8))
                    _exit(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
