@testable import GoMemSimKernel
import Testing

@Suite struct SparseTableTests {
    /// Random inserts, updates and removals (which shift later probe-run entries back)
    /// against a Dictionary.
    @Test func agreesWithADictionaryUnderRandomOperations() {
        var table = SparseTable()
        var reference: [UInt64: UInt64] = [:]
        var rng: UInt64 = 7
        for _ in 0..<50_000 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let key = (rng >> 33) % 3000  // few keys: long probe runs, many removals
            let value = (rng >> 20) % 4   // 0 removes
            table[key] = value
            reference[key] = value == 0 ? nil : value
        }
        #expect(table.count == reference.count)
        for key in UInt64(0)..<3000 { #expect(table[key] == reference[key] ?? 0) }
        var seen = 0
        table.forEach { key, value in
            seen += 1
            #expect(reference[key] == value)
        }
        #expect(seen == reference.count)
        #expect(Set(table.keys(in: 100..<200)) == Set(reference.keys.filter { (100..<200).contains($0) }))
        #expect(Set(table.keys(in: 0..<UInt64.max - 1)) == Set(reference.keys))  // the scan path
    }
}
