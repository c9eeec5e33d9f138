import GoMemSimHardware
import GoMemSimTrace
import Testing

private func run(_ lines: String, i1: String = "256,2,64", d1: String = "256,2,64",
                 ll: String = "1024,4,64") throws -> CachegrindSimulator.Counts {
    var sim = try CachegrindSimulator(i1: .init(parsing: i1, option: "--I1"), d1: .init(parsing: d1, option: "--D1"),
                                      ll: .init(parsing: ll, option: "--LL"))
    var reader = LackeyReader(bytes: Array(lines.utf8), origin: "t")
    while let a = try reader.nextAccess() { sim.reference(a) }
    return sim.counts
}

@Test func cachegrindCountsModifyAsOneReadAndSplitsStraddlingAccesses() throws {
    // M counts once, as a read; its line is then present for the load.
    var c = try run(" M 100,4\n L 100,4\n")
    #expect(c.dr == 2 && c.dw == 0 && c.d1mr == 1 && c.dlmr == 1)
    // An 8-byte load at 0x3c touches lines 0 and 1: one reference, one miss; both lines
    // are then present, so loads of each hit.
    c = try run(" L 3c,8\n L 0,4\n L 40,4\n")
    #expect(c.dr == 3 && c.d1mr == 1)
    // A store that misses D1 reaches LL; the LL already holds the line from the earlier I1 miss.
    c = try run("I  1000,4\n S 1000,4\n")
    #expect(c.ir == 1 && c.i1mr == 1 && c.ilmr == 1)
    #expect(c.dw == 1 && c.d1mw == 1 && c.dlmw == 0)
}

@Test func cachegrindCachesAreLRUWithLLReachedOnlyOnL1Misses() throws {
    // D1: 2 sets x 2 ways. Lines 0, 2, 4 share set 0: 0 2 4 0 -> 0 was evicted (LRU), so
    // four D1 misses; LL (4 sets x 4 ways) keeps all three: three LL misses.
    let c = try run(" L 0,1\n L 80,1\n L 100,1\n L 0,1\n")
    #expect(c.d1mr == 4 && c.dlmr == 3)
}

@Test func cachegrindRejectsNonPowerOfTwoSets() {
    #expect(throws: HardwareConfigError.self) {
        try CachegrindSimulator(i1: .init(parsing: "3072,2,64", option: "--I1"),
                                d1: .init(parsing: "256,2,64", option: "--D1"),
                                ll: .init(parsing: "1024,4,64", option: "--LL"))
    }
    #expect(throws: HardwareConfigError.self) { try CachegrindSimulator.Geometry(parsing: "32768,8", option: "--D1") }
}

/// An access that runs past the top of the address space ends at the last line (found
/// by fuzzing: its last line wrapped below its first, and the walk from one to the other
/// went on for 2^58 lines). The lackey reader rejects such lines; this is the simulator's
/// own guard for accesses made through the API.
@Test(.timeLimit(.minutes(1))) func cachegrindAccessPastTheTopOfTheAddressSpaceEndsThere() throws {
    var sim = try CachegrindSimulator(i1: .init(parsing: "256,2,64", option: "--I1"),
                                      d1: .init(parsing: "256,2,64", option: "--D1"),
                                      ll: .init(parsing: "1024,4,64", option: "--LL"))
    sim.reference(LackeyAccess(.load, address: UInt64.max - 63, size: 128))  // the last line only
    sim.reference(LackeyAccess(.load, address: UInt64.max - 127, size: 256))  // the last two: the top one hits
    #expect(sim.counts.dr == 2 && sim.counts.d1mr == 2 && sim.counts.dlmr == 2)
    sim.reference(LackeyAccess(.load, address: UInt64.max - 63, size: 1))
    #expect(sim.counts.d1mr == 2)
}
