import GoMemSimRecorder
import GoMemSimStore
import GoMemSimTrace

/// What a run replays, as a user names it on the command line:
///
/// - `trace.gmt`, `trace.gmtb`, either with `.gz` — a trace file;
/// - `script.gmr` — a recorder script, compiled lazily as it replays;
/// - `synth:KIND[,key=value…]` — a synthetic generator, e.g. `synth:gc-grid,L=64MiB,S=1024`.
public enum TraceInput: Hashable, Sendable {
    case file(path: String)
    case script(path: String)
    case synth(kind: String, parameters: [String: String], seed: UInt64)

    /// Parses a command-line input spec. A synth spec's parameters are checked as
    /// `gomemsim synth` checks its words (each `key=value` with a key, each key once);
    /// their values only when the generator is made.
    public init(_ spec: String, seed: UInt64 = 1) throws(TraceError) {
        if spec.hasPrefix("synth:") {
            var parts = spec.dropFirst("synth:".count).split(separator: ",", omittingEmptySubsequences: true)
            let kind = parts.isEmpty ? "" : String(parts.removeFirst())
            self = .synth(kind: kind, parameters: try Synth.parameters(parts.map(String.init)), seed: seed)
        } else if spec.hasSuffix(".gmr") {
            self = .script(path: spec)
        } else {
            self = .file(path: spec)
        }
    }

    /// The name stored as `runs.trace_path`: the path, or the canonical synth spec.
    public var name: String {
        switch self {
        case let .file(path), let .script(path): path
        case let .synth(kind, parameters, _):
            (["synth:" + kind] + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: ",")
        }
    }

    /// The content hash stored as `runs.trace_sha256`: of the file's bytes (as `sha256sum`
    /// prints it), or of the canonical spec and seed for a generator, so resumable sweeps
    /// recognise the same input.
    public func contentSHA256() throws(TraceError) -> String {
        switch self {
        case let .file(path), let .script(path):
            do { return try SHA256.hexDigest(ofFile: path) } catch {
                throw TraceError(.text(file: path, line: 1, column: 1), "cannot read the file: \(error)")
            }
        case let .synth(_, _, seed):
            return SHA256.hexDigest(of: "\(name);seed=\(seed)")
        }
    }

    /// Opens the input as a stream of records.
    public func open() throws(TraceError) -> InputTraceSource {
        switch self {
        case let .file(path): InputTraceSource(file: try TraceFileReader(path: path))
        case let .script(path): InputTraceSource(script: try Script.compile(path: path))
        case let .synth(kind, parameters, seed):
            InputTraceSource(synth: try Synth.make(kind: kind, parameters: parameters, seed: seed))
        }
    }
}

/// Any input's records, behind one concrete type so the engine is specialised once:
/// a branch per record is cheaper than a copy of the engine per input kind. Exactly
/// one of the stored sources is set; they are optionals so `next()` mutates the reader
/// in place (`file!.next()`), never a copy of it (an enum payload would be copied out,
/// and with it the reader's buffer).
public struct InputTraceSource: TraceSource {
    private var file: TraceFileReader?
    private var script: ScriptTraceSource?
    private var synth: SynthTraceSource?

    init(file: TraceFileReader) { self.file = file }
    init(script: ScriptTraceSource) { self.script = script }
    init(synth: SynthTraceSource) { self.synth = synth }

    public var symbols: SymbolTable { file?.symbols ?? script?.symbols ?? synth!.symbols }
    public var origin: String { file?.origin ?? script?.origin ?? synth!.origin }
    public var location: SourceLocation { file?.location ?? script?.location ?? synth!.location }

    public mutating func next() throws(TraceError) -> TraceRecord? {
        if file != nil { return try file!.next() }
        if script != nil { return try script!.next() }
        return synth!.next()  // generators validate up front and cannot fail mid-stream
    }
}
