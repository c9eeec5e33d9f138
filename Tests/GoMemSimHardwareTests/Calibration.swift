import Foundation

/// Paths of the shared calibration data: `../shared/calibration` next to the repository
/// root, which is three levels above this file (Tests/GoMemSimHardwareTests/…).
enum Calibration {
    static var repositoryRoot: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }

    /// `shared/calibration` beside the repository root (a clone), or beside one of its
    /// ancestors (a git worktree under `wt/`).
    static var root: String {
        var base = repositoryRoot
        for _ in 0..<3 {
            let candidate = base + "/../shared/calibration"
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            base += "/.."
        }
        return repositoryRoot + "/../shared/calibration"
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}
