import GoMemSimCore
import GoMemSimTrace
import Testing
@testable import GoMemSimRuntime

@Suite struct MallocSizeClassTests {
    /// mallocgc's inlined size-class lookup puts every small size in Go's class — across
    /// the 1016/1024 boundary too, where Go's uintptr arithmetic for 1017…1023 wraps
    /// below zero and divides back to entry 0 of size_to_class128 (the 1024-byte class).
    /// An allocation of 1017…1023 bytes used to trap on the subtraction.
    @Test func sizesAroundTheLookupBoundaryTakeGoClasses() throws {
        var (rt, kernel) = try startedRuntime()
        let sizes = Array(UInt64(1000)...1040) + [16, 17, 512, 513, 1152, 1153, 4096, 32767, 32768]
        for size in sizes {
            for scan in [false, true] {
                let allocation = try rt.allocate(size: size, scan: scan, goroutine: 1, now: 0, kernel: &kernel)
                let span = try #require(rt.spanID(containing: allocation.address))
                let expected = UInt64(SizeClasses.classToSize[SizeClasses.sizeClass(of: size)])
                #expect(rt.spans.spans[span].elemSize == expected, "size \(size)")
            }
        }
        // 1017…1023 are in the 1024-byte class, as Go's table says.
        #expect(SizeClasses.sizeClass(of: 1020) == SizeClasses.sizeClass(of: 1024))
    }
}
