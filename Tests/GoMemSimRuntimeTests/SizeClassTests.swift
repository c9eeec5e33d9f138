import Testing
@testable import GoMemSimRuntime

/// `class bytes_per_obj bytes_per_span objects tail_waste` from
/// shared/calibration/sizeclasses-go1.19.tsv (Go 1.19's sizeclasses.go header table).
let go119SizeClassTable = """
1 8 8192 1024 0
2 16 8192 512 0
3 24 8192 341 8
4 32 8192 256 0
5 48 8192 170 32
6 64 8192 128 0
7 80 8192 102 32
8 96 8192 85 32
9 112 8192 73 16
10 128 8192 64 0
11 144 8192 56 128
12 160 8192 51 32
13 176 8192 46 96
14 192 8192 42 128
15 208 8192 39 80
16 224 8192 36 128
17 240 8192 34 32
18 256 8192 32 0
19 288 8192 28 128
20 320 8192 25 192
21 352 8192 23 96
22 384 8192 21 128
23 416 8192 19 288
24 448 8192 18 128
25 480 8192 17 32
26 512 8192 16 0
27 576 8192 14 128
28 640 8192 12 512
29 704 8192 11 448
30 768 8192 10 512
31 896 8192 9 128
32 1024 8192 8 0
33 1152 8192 7 128
34 1280 8192 6 512
35 1408 16384 11 896
36 1536 8192 5 512
37 1792 16384 9 256
38 2048 8192 4 0
39 2304 16384 7 256
40 2688 8192 3 128
41 3072 24576 8 0
42 3200 16384 5 384
43 3456 24576 7 384
44 4096 8192 2 0
45 4864 24576 5 256
46 5376 16384 3 256
47 6144 24576 4 0
48 6528 32768 5 128
49 6784 40960 6 256
50 6912 49152 7 768
51 8192 8192 1 0
52 9472 57344 6 512
53 9728 49152 5 512
54 10240 40960 4 0
55 10880 32768 3 128
56 12288 24576 2 0
57 13568 40960 3 256
58 14336 57344 4 0
59 16384 16384 1 0
60 18432 73728 4 0
61 19072 57344 3 128
62 20480 40960 2 0
63 21760 65536 3 256
64 24576 24576 1 0
65 27264 81920 3 128
66 28672 57344 2 0
67 32768 32768 1 0
"""

struct SizeClassRow {
    var sizeClass: Int, size: UInt64, spanBytes: UInt64, objects: UInt64, tailWaste: UInt64
}

let go119SizeClasses: [SizeClassRow] = go119SizeClassTable.split(separator: "\n").map { line in
    let f = line.split(separator: " ").map { UInt64($0)! }
    return SizeClassRow(sizeClass: Int(f[0]), size: f[1], spanBytes: f[2], objects: f[3], tailWaste: f[4])
}

@Suite struct SizeClassTests {
    @Test func tableMatchesGo119() {
        #expect(go119SizeClasses.count == 67)
        #expect(SizeClasses.classToSize.count == SizeClasses.count)
        for row in go119SizeClasses {
            #expect(UInt64(SizeClasses.classToSize[row.sizeClass]) == row.size, "class \(row.sizeClass)")
            #expect(UInt64(SizeClasses.classToAllocNPages[row.sizeClass]) * 8192 == row.spanBytes, "class \(row.sizeClass)")
            #expect(UInt64(SizeClasses.objectsPerSpan(row.sizeClass)) == row.objects, "class \(row.sizeClass)")
            #expect(row.spanBytes - row.objects * row.size == row.tailWaste, "class \(row.sizeClass)")
        }
    }

    @Test func everyRequestSizeMapsToGo119Class() {
        var previous = 0
        for size in UInt64(1)...32768 {
            let c = SizeClasses.sizeClass(of: size)
            let row = go119SizeClasses[c - 1]
            let below: UInt64 = c >= 2 ? go119SizeClasses[c - 2].size : 0
            #expect(size <= row.size && size > below, "size \(size) → class \(c)")
            #expect(c >= previous)
            previous = c
            if size > row.size || size <= below { break }
        }
    }

    /// The allocation path looks the class up itself (unchecked, the noscan bit packed
    /// by hand): every request size it serves from a span of small objects must land in
    /// a span of ``SizeClasses/sizeClass(of:)``'s class, with the request's noscan bit —
    /// all sizes up to 1100 (the 8-byte table, and 1017…1023 wrapping into the 128-byte
    /// one), every class boundary and its neighbours, and a stride to 32 KiB.
    @Test func allocationPathUsesEachSizesClass() throws {
        var (rt, kernel) = try startedRuntime { $0.gcPercent = -1 }  // no collection moves anything
        var sizes = Set<UInt64>(1...1100)
        for size in SizeClasses.classToSize.dropFirst() { sizes.formUnion([UInt64(size) - 1, UInt64(size), UInt64(size) + 1]) }
        sizes.formUnion(stride(from: 1100, through: 32768, by: 97))
        for size in sizes.sorted() where size <= 32768 {
            for scan in [false, true] where scan || size >= 16 {  // smaller noscan requests are tiny
                let address = try rt.allocate(size: size, scan: scan, goroutine: 0, now: 0, kernel: &kernel).address
                let span = try #require(rt.spanID(containing: address))
                let spanClass = rt.spans.spans[span].spanClass
                #expect(spanClass.sizeClass == SizeClasses.sizeClass(of: size) && spanClass.noscan == !scan,
                        "size \(size) scan \(scan) → class \(spanClass.sizeClass)")
            }
        }
    }

    /// The allocation path's one table gives Go's class for every request 1…32768
    /// (a class boundary inside an 8-byte step would break it).
    @Test func oneTableGivesGosClassForEveryRequest() {
        #expect(SizeClasses.sizeToClassBy8.count == 4097)
        for size: UInt64 in 1...SizeClasses.maxSmallSize {
            #expect(Int(SizeClasses.sizeToClassBy8[Int((size + 7) / 8)]) == SizeClasses.sizeClass(of: size), "size \(size)")
        }
    }

    @Test func lookupTablesHaveGoShapes() {
        // size_to_class8 has 129 entries, size_to_class128 249 (sizeclasses.go).
        #expect(SizeClasses.sizeToClass8.count == 129)
        #expect(SizeClasses.sizeToClass128.count == 249)
        #expect(Array(SizeClasses.sizeToClass8.prefix(8)) == [0, 1, 2, 3, 4, 5, 5, 6])
        #expect(SizeClasses.sizeToClass128[0] == 32)
        #expect(SizeClasses.sizeToClass128[248] == 67)
    }

    @Test func spanClassPacksNoscanBit() {
        let spc = SpanClass(sizeClass: 5, noscan: true)
        #expect(spc.rawValue == 11)
        #expect(spc.sizeClass == 5 && spc.noscan)
        #expect(SpanClass.tiny.rawValue == 5)
        #expect(SpanClass.count == 136)
    }
}

import Foundation

@Suite struct RuntimeConfigTests {
    @Test func partialConfigurationKeepsDefaults() throws {
        let json = #"{"goVersion": "go1.20", "gcPercent": null, "costs": {"tinyAllocNs": 1, "smallAllocNs": 2, "mcacheRefillNs": 3, "pageAllocNs": 4, "largeAllocNs": 5, "heapGrowNs": 6, "zeroingNsPerKiB": 7, "sweepSpanNs": 8, "gcCycleNs": 9, "scavengeCallNs": 10, "stackAllocNs": 11}}"#
        let config = try JSONDecoder().decode(RuntimeConfig.self, from: Data(json.utf8))
        #expect(config.goVersion == .go1_20)
        #expect(config.gcPercent == nil)        // explicit null: GOGC=off
        #expect(config.gomaxprocs == 2 && config.madvdontneed && config.memoryLimit == nil)
        #expect(config.costs.stackAllocNs == 11)
        let roundTrip = try JSONDecoder().decode(RuntimeConfig.self, from: JSONEncoder().encode(config))
        #expect(roundTrip == config)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RuntimeConfig.self, from: Data(#"{"goVersion": "go1.18"}"#.utf8))
        }
    }

    /// Costs are at most 2³² ns (``CostTable/maxNs``): a larger one in a profile is an
    /// error naming it; one set in code is taken as 2³² by the runtime.
    @Test func costsAreBoundedAt2To32Nanoseconds() throws {
        let atBound = #"{"costs": {"mutatorNsPerKiB": 4294967296}}"#
        #expect(try JSONDecoder().decode(RuntimeConfig.self, from: Data(atBound.utf8)).costs.mutatorNsPerKiB == 1 << 32)
        let above = #"{"costs": {"smallAllocNs": 12, "zeroingNsPerKiB": 4294967297}}"#
        do {
            _ = try JSONDecoder().decode(RuntimeConfig.self, from: Data(above.utf8))
            Issue.record("a cost above 2^32 ns decoded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "expected a cost of at most 4294967296 ns, found 4294967297")
            #expect(context.codingPath.last?.stringValue == "zeroingNsPerKiB")
        }
        var config = RuntimeConfig()
        config.costs.mutatorNsPerKiB = .max
        config.costs.stwNs = (1 << 32) + 1
        let runtime = GoRuntime(config: config)
        var expected = CostTable()
        expected.mutatorNsPerKiB = 1 << 32
        expected.stwNs = 1 << 32
        #expect(runtime.config.costs == expected)
    }

    /// A small object from the cached span costs `smallAllocNs`, plus the mutator's
    /// `size × mutatorNsPerKiB / 1024`, plus zeroing its slot (1024 bytes of class 1024,
    /// rounded up at `zeroingNsPerKiB`; its pages are resident: no touch) — exactly, up
    /// to costs at the bound (the terms are added without overflow checks).
    @Test func aCachedSmallObjectCostsTheAllocationTheMutatorsShareAndZeroing() throws {
        for bounded in [false, true] {
            var (rt, kernel) = try startedRuntime {
                if bounded {
                    $0.costs.smallAllocNs = 1 << 32
                    $0.costs.mutatorNsPerKiB = 1 << 32
                    $0.costs.zeroingNsPerKiB = 1 << 32
                }
            }
            _ = try rt.allocate(size: 1000, scan: false, goroutine: 0, now: 0, kernel: &kernel)  // refills
            let second = try rt.allocate(size: 1000, scan: false, goroutine: 0, now: 0, kernel: &kernel)
            // 1000 × 2900 / 1024 = 2832.03, 1024 × 25 / 1024 = 25; 1000 × 2³² / 1024 = 4194304000.
            #expect(second.costNs == (bounded ? (1 << 32) + 4_194_304_000 + (1 << 32) : 12 + 2_832 + 25))
        }
    }

    @Test func gogcOffNeverCollectsAutomatically() throws {
        var (rt, kernel) = try startedRuntime { $0.gcPercent = -1 }
        for _ in 0..<10 { _ = try rt.allocate(size: 1 * MiB, scan: false, goroutine: 0, now: 0, kernel: &kernel) }
        #expect(rt.numGC == 0)
        // Go reports the memory-limit goal: math.MaxInt64 less the non-heap memory
        // (gc-grid-sample.tsv, GOGC=off: peak goal 9223372036844990447).
        #expect(rt.heapGoal > 1 << 62 && rt.heapGoal < UInt64(Int64.max))
    }

    /// `objIndex` with the class's `divMul` is the exact division for every slot's first
    /// and last byte of every class (the offsets the runtime divides), which the 32-bit
    /// multiplier must keep.
    @Test func divMulDividesEveryOffsetInASpanExactly() {
        for c in 1..<SizeClasses.count {
            let size = UInt64(SizeClasses.classToSize[c])
            let divMul = UInt64(SizeClasses.classToDivMul[c])
            let spanBytes = UInt64(SizeClasses.classToAllocNPages[c]) * SizeClasses.pageSize
            var wrong = 0
            for offset in stride(from: UInt64(0), to: spanBytes, by: 1) where (offset * divMul) >> 32 != offset / size {
                wrong += 1
            }
            #expect(wrong == 0, "class \(c)")
        }
        #expect(SizeClasses.classToDivMul[0] == 0)
        #expect(SizeClasses.classToDivMul[1] == 1 << 29)  // 8 B
    }
}
