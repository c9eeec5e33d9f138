@testable import GoMemSimHardware
import Testing

// The same-line fast path of `CacheHierarchy.access` must leave exactly what the line path
// (`accessLines`, which every other access takes) leaves: these drive both with one stream
// that keeps returning to the last line, with page sizes, writes, lengths and straddles
// changing under it, and compare every returned nanosecond and every counter.

private func profiles() -> [String: MachineProfile] {
    var all: [String: MachineProfile] = ["skylake-sp": .skylakeSP, "zen3": .zen3, "zen4": .zen4, "tiny": .tiny]
    for kind in ReplacementKind.allCases {
        var p = MachineProfile.skylakeSP
        p.hardware.replacement = kind
        p.hardware.prefetchers = nil
        all["skylake-sp-\(kind.rawValue)-no-prefetch"] = p
    }
    var writeThrough = MachineProfile.skylakeSP
    writeThrough.hardware.caches[0].write = .writeThrough
    all["skylake-sp-write-through-l1"] = writeThrough
    var inclusive = MachineProfile.skylakeSP
    inclusive.hardware.caches[2].inclusion = .inclusive
    all["skylake-sp-inclusive-l3"] = inclusive
    return all
}

@Test(arguments: profiles().sorted { $0.key < $1.key }.map(\.value))
func theSameLineFastPathLeavesWhatTheLinePathLeaves(profile: MachineProfile) throws {
    var fast = try CacheHierarchy<ProfilePolicy>(profile: profile)
    var lines = try CacheHierarchy<ProfilePolicy>(profile: profile)
    var state: UInt64 = 11
    var address: UInt64 = 0x7f00_0000_0000
    var mismatches = 0
    let shifts: [UInt8] = [12, 12, 12, 21, 21, 30, 11, 13]
    var shift: UInt8 = 12
    for _ in 0..<60_000 {
        let r = SplitMix64.next(&state)
        switch r & 15 {
        case 0: address = 0x7f00_0000_0000 &+ (r >> 8) & (256 << 20 - 1)  // a new place
        case 1: shift = shifts[Int(r >> 8 & 7)]                            // the page size changes
        case 2: address &+= 64                                            // the next line
        default: address = address & ~63 | (r >> 8 & 63)                   // the same line
        }
        let length: UInt64 = r >> 20 & 7 == 0 ? (r >> 24 & 127) : (r >> 24 & 1 == 0 ? 8 : 1)  // 0…127 B, may straddle
        let isWrite = r >> 32 & 3 == 0
        let dependent = r >> 34 & 1 == 0
        let a = fast.access(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: shift)
        let b = lines.accessLines(address: address, length: length, isWrite: isWrite, dependent: dependent, pageShift: shift)
        if a != b { mismatches += 1 }
    }
    #expect(mismatches == 0)
    #expect(fingerprint(fast, times: true) == fingerprint(lines, times: true))
    #expect(fast.sameLineHits > 10_000)  // the stream keeps returning to the last line
    #expect(lines.sameLineHits == 0)
    #expect(fast.readLatencies.histogram() == lines.readLatencies.histogram())
    #expect(fast.writeLatencies.histogram() == lines.writeLatencies.histogram())
}
