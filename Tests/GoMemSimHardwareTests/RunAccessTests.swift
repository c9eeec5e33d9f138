@testable import GoMemSimHardware
import GoMemSimTrace
import Testing

// `access(_ run:pageShift:)` (a batch of raw accesses in one call) must leave exactly
// what calling `access(address:length:isWrite:dependent:pageShift:)` per access leaves:
// these drive one hierarchy each way through the same streams, cut into batches of
// several sizes, and compare the summed nanoseconds, every counter, the exact latency
// totals, both histograms, the resident lines and the carried fraction.

/// Profiles for both paths: the flat one (skylake-sp with and without prefetchers, tiny
/// without), the general one (Zen 3's inclusive L2 and victim L3, with prefetchers), and
/// a write-through L1 (general too), where a repeated write is not a same-line hit.
private func runProfiles() -> [String: MachineProfile] {
    var skylakePlain = MachineProfile.skylakeSP
    skylakePlain.hardware.prefetchers = nil
    var tinyPlain = MachineProfile.tiny
    tinyPlain.hardware.prefetchers = nil
    var writeThrough = MachineProfile.tiny
    writeThrough.hardware.caches[0].write = .writeThrough
    return ["skylake-sp-no-prefetch": skylakePlain, "skylake-sp": .skylakeSP, "zen3": .zen3,
            "tiny-no-prefetch": tinyPlain, "tiny-write-through-l1": writeThrough]
}

/// The streams: sequential reads (the speed goal's), a sequential pass of writes and
/// dependent reads, uniform random over 1 GiB, and a mix of same-line repeats, next
/// lines, straddling and zero-length accesses, ranges and jumps.
private func runStreams() -> [String: [RawAccess]] {
    let base: UInt64 = 0x7f00_0000_0000
    var all: [String: [RawAccess]] = [:]
    all["sequential-reads"] = (0..<40_000).map { (i: Int) -> RawAccess in
        RawAccess(address: base &+ UInt64(i) &* 8, length: 8)
    }
    all["sequential-writes-and-dependent"] = (0..<40_000).map { (i: Int) -> RawAccess in
        RawAccess(address: base &+ UInt64(i) &* 4, length: 4, isWrite: i % 3 == 0, dependent: i % 5 == 0)
    }
    var state: UInt64 = 21
    all["random-1GiB"] = (0..<20_000).map { (_: Int) -> RawAccess in
        let r: UInt64 = SplitMix64.next(&state)
        return RawAccess(address: base &+ r & (1 << 30 - 1) & ~7, length: 8, isWrite: r >> 62 == 0,
                         dependent: r >> 61 & 1 == 0)
    }
    state = 23
    var address = base
    all["mixed"] = (0..<40_000).map { (_: Int) -> RawAccess in
        let r: UInt64 = SplitMix64.next(&state)
        switch r & 15 {
        case 0: address = base &+ (r >> 8) & (256 << 20 - 1)   // a new place
        case 1, 2: address &+= 64                                // the next line
        case 3: address = address & ~63 | 60                     // the line's end: 8 bytes straddle
        default: address = address & ~63 | (r >> 8 & 63)         // the same line
        }
        let length: UInt32 = switch r >> 20 & 15 {
        case 0: UInt32(r >> 24 & 4095)  // a range, may straddle pages
        case 1: 0
        case 2: UInt32(r >> 24 & 127)
        default: r >> 24 & 1 == 0 ? 8 : 1
        }
        return RawAccess(address: address, length: length, isWrite: r >> 32 & 3 == 0, dependent: r >> 34 & 1 == 0)
    }
    return all
}

@Test(arguments: runProfiles().sorted { $0.key < $1.key }.map(\.value))
func aRunOfAccessesLeavesWhatOneCallPerAccessLeaves(profile: MachineProfile) throws {
    let shifts: [UInt8] = [12, 12, 21, 12, 30, 13]  // the page size may change between runs
    for (name, stream) in runStreams().sorted(by: { $0.key < $1.key }) {
        for batch in [1, 7, 4096] {
            var single = try CacheHierarchy<ProfilePolicy>(profile: profile)
            var batched = try CacheHierarchy<ProfilePolicy>(profile: profile)
            var singleNs: UInt64 = 0
            var batchedNs: UInt64 = 0
            var start = 0
            var b = 0
            while start < stream.count {
                let end = min(start + batch, stream.count)
                let pageShift = shifts[b % shifts.count]
                for a in stream[start..<end] {
                    singleNs &+= single.access(address: a.address, length: UInt64(a.length), isWrite: a.isWrite,
                                               dependent: a.dependent, pageShift: pageShift)
                }
                batchedNs &+= stream[start..<end].withUnsafeBufferPointer { batched.access($0, pageShift: pageShift) }
                start = end
                b += 1
            }
            let label = "\(profile.name) \(name) batches of \(batch)"
            #expect(batchedNs == singleNs, "\(label)")
            #expect(batched.carryNs.bitPattern == single.carryNs.bitPattern, "\(label)")
            #expect(fingerprint(batched, times: true) == fingerprint(single, times: true), "\(label)")
            #expect(batched.readLatencies.histogram() == single.readLatencies.histogram(), "\(label)")
            #expect(batched.writeLatencies.histogram() == single.writeLatencies.histogram(), "\(label)")
            for k in 0..<single.levelCount {
                #expect(batched.residentLines(level: k).sorted() == single.residentLines(level: k).sorted(), "\(label)")
            }
            #expect(singleNs > 0 && single.counters[0].hits > 0 && single.counters[0].misses > 0, "\(label)")
        }
    }
}

/// A sequential pass of 8-byte reads: 7 of 8 accesses repeat the last line, and the run
/// counts them where the per-access path does (L1 hits, dTLB hits of the page class).
@Test func aSequentialRunCountsItsRepeatsAsL1AndDTLBHits() throws {
    var profile = MachineProfile.skylakeSP
    profile.hardware.prefetchers = nil
    var hw = try MemoryHierarchy(profile: profile)
    let accesses = (0..<4096).map { RawAccess(address: 0x7f00_0000_0000 + UInt64($0) * 8, length: 8) }
    let ns = accesses.withUnsafeBufferPointer { hw.access($0, pageShift: 21) }
    let l1 = hw.cacheCounters[0]
    #expect(l1.accesses == 4096 + 3)  // the 3 walk reads of the first 2 MiB page (PML4, PDPT, PD)
    #expect(l1.misses == 512 + 3)     // a new line every 8 accesses
    #expect(l1.hits == 4096 - 512)
    let dTLB = hw.tlbCounters(level: .dTLB, pageShift: 21)
    #expect(dTLB.accesses == 4096 && dTLB.misses == 1)
    #expect(hw.tlbCounters(level: .dTLB, pageShift: 12).accesses == 0)
    #expect(hw.latencyTotals.reads == 4096)
    // The whole nanoseconds returned: the total but for a carried fraction below 1.
    let readNs = hw.latencyTotals.readNs
    #expect(Double(ns) <= readNs + 1e-9 && readNs - Double(ns) < 1 + 1e-9)
    #expect(readNs > 4096 * 0.1)
}

/// A copy of a hierarchy shares its caches until one of them accesses memory: a run on
/// the copy leaves the original as it was.
@Test func aRunOnACopyLeavesTheOriginalAsItWas() throws {
    var profile = MachineProfile.tiny
    profile.hardware.prefetchers = nil
    var original = try CacheHierarchy<ProfilePolicy>(profile: profile)
    let warm = (0..<64).map { RawAccess(address: 0x10000 + UInt64($0) * 64, length: 8) }
    _ = warm.withUnsafeBufferPointer { original.access($0, pageShift: 12) }
    let before = (fingerprint(original, times: true), original.residentLines(level: 0))
    var copy = original
    let other = (0..<64).map { RawAccess(address: 0x90000 + UInt64($0) * 64, length: 8, isWrite: true) }
    _ = other.withUnsafeBufferPointer { copy.access($0, pageShift: 12) }
    #expect(fingerprint(original, times: true) == before.0)
    #expect(original.residentLines(level: 0) == before.1)
    #expect(copy.residentLines(level: 0) != before.1)
}
