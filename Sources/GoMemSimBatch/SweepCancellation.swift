import Foundation

/// A flag a signal handler sets to stop a sweep from starting further configurations.
/// Runs already replaying finish and commit (each is one transaction), so stopping never
/// leaves a partial run.
public final class SweepCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.withLock { cancelled = true }
    }

    public var isCancelled: Bool {
        lock.withLock { cancelled }
    }
}
