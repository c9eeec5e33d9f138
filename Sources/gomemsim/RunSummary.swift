import Foundation
import GoMemSimBatch
import GoMemSimCore
import GoMemSimEngine
import GoMemSimStore

/// The readable account of a run that `replay` prints: a line about the run, then its
/// checkpoints with the figures a Go developer looks at first, in MiB.
struct RunSummary {
    var runID: Int64
    var outcome: ReplayOutcome

    func text(withCheckpoints: Bool) -> String {
        let r = outcome.result
        let models = [r.kernelModel, r.runtimeModel, r.hardwareModel].map { $0 ?? "none" }.joined(separator: " / ")
        var lines = ["run \(runID): \(r.origin) — \(r.status.rawValue), \(r.events) events, "
            + "\(Self.seconds(r.virtualTimeNs)) s virtual, \(Self.seconds(outcome.wallTimeNs)) s wall; models: \(models)"]
        if r.status != .failed, r.kernelModel == nil, r.runtimeModel == nil, r.hardwareModel == nil {
            lines.append("  no model attached: figures are the trace's own counts")
        }
        if withCheckpoints, !r.checkpoints.isEmpty {
            let columns = ["checkpoint", "t_ms", "vm_rss", "vm_size", "rss_anon", "rss_file",
                           "heap_alloc", "heap_sys", "heap_released", "num_gc"]
            let rows: [[FigureValue]] = r.checkpoints.map { c in
                let f = c.figures
                return [.text(c.label), .real((Double(c.timeNs) / 1e6 * 100).rounded() / 100),
                        Self.mib(f.vmRSS), Self.mib(f.vmSize), Self.mib(f.rssAnon), Self.mib(f.rssFile),
                        Self.mib(f.heapAlloc), Self.mib(f.heapSys), Self.mib(f.heapReleased),
                        f.numGC.map { .int(Int64($0)) } ?? .null]
            }
            lines.append("  figures in MiB:")
            lines.append(QueryResult(columns: columns, rows: rows).formattedTable()
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }

    static func mib(_ bytes: UInt64?) -> FigureValue {
        bytes.map { .real((Double($0) / 1_048_576 * 100).rounded() / 100) } ?? .null
    }

    static func seconds(_ ns: UInt64) -> String {
        String(format: "%.3f", Double(ns) / 1e9)
    }
}
