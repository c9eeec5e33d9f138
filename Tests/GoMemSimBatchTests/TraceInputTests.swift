@testable import GoMemSimBatch
import Testing

@Test func specsNameTheirKindOfInput() {
    #expect(TraceInput("traces/seed/ex5-5.gmr") == .script(path: "traces/seed/ex5-5.gmr"))
    #expect(TraceInput("run.gmtb.gz") == .file(path: "run.gmtb.gz"))
    #expect(TraceInput("synth:gc-grid,S=1024,L=64MiB", seed: 3)
        == .synth(kind: "gc-grid", parameters: ["L": "64MiB", "S": "1024"], seed: 3))
    // The stored name is canonical: parameters sorted, so the same input is recognised.
    #expect(TraceInput("synth:gc-grid,S=1024,L=64MiB").name == "synth:gc-grid,L=64MiB,S=1024")
}
