@testable import GoMemSimBatch
import GoMemSimTrace
import Testing

@Test func specsNameTheirKindOfInput() throws {
    #expect(try TraceInput("traces/seed/ex5-5.gmr") == .script(path: "traces/seed/ex5-5.gmr"))
    #expect(try TraceInput("run.gmtb.gz") == .file(path: "run.gmtb.gz"))
    #expect(try TraceInput("synth:gc-grid,S=1024,L=64MiB", seed: 3)
        == .synth(kind: "gc-grid", parameters: ["L": "64MiB", "S": "1024"], seed: 3))
    // The stored name is canonical: parameters sorted, so the same input is recognised.
    #expect(try TraceInput("synth:gc-grid,S=1024,L=64MiB").name == "synth:gc-grid,L=64MiB,S=1024")
}

/// A synth spec's words are checked as `gomemsim synth` checks them (found by fuzzing:
/// `synth:access,=` trapped on an index out of range, `=5` became a key "5", and a
/// repeated key silently took its last value).
@Test func malformedSynthParametersAreErrors() {
    func message(_ spec: String) -> String? {
        do {
            _ = try TraceInput(spec)
            return nil
        } catch {
            return error.description
        }
    }
    #expect(message("synth:access,=") == "synth: record 0: expected a parameter key=value, found \"=\"")
    #expect(message("synth:access,=5") == "synth: record 0: expected a parameter key=value, found \"=5\"")
    #expect(message("synth:access,n") == "synth: record 0: expected a parameter key=value, found \"n\"")
    #expect(message("synth:access,n=5,n=7") == "synth: record 0: expected each parameter once, found \"n\" twice")
    #expect(message("synth:access,n=5,,size=") == nil)  // empty words are skipped; values are checked later
}
