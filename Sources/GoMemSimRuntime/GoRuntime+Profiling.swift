import GoMemSimCore

/// The heap profiler's memory (mprof.go). With the default `MemProfileRate` of 512 KiB,
/// `mallocgc` samples an allocation about every 512 KiB (an mcache's `nextSample` is
/// exponentially distributed around the rate; the model takes the mean, deterministically),
/// and the first sample makes `stkbucket` map the bucket hash table: `buckHashSize` =
/// 179 999 pointers, `sysAlloc`'d into `BuckHashSys` — 1.4 MB of `Sys` and of the
/// mapped-ready memory GOMEMLIMIT counts, in every Go program that allocates half a
/// megabyte. The buckets themselves (one per allocation stack, a few hundred bytes each)
/// come from `persistentalloc` and are left out; so is a sample's CPU cost (a stack walk
/// per 512 KiB allocated).
extension GoRuntime {
    /// `buckHashSize * 8` bytes, as `sysAlloc` maps them (whole pages).
    static let bucketHashTableBytes: UInt64 = (179_999 * 8 + physPageSize - 1) / physPageSize * physPageSize

    /// The first sampled allocation: map the bucket hash table and write its slot (one page).
    @inline(never)
    mutating func takeFirstProfileSample<K: KernelModel>(kernel: inout K) throws(ModelError) -> UInt64 {
        bytesUntilFirstProfileSample = .max  // later samples map nothing
        let table = try kernel.map(length: Self.bucketHashTableBytes, protection: [.read, .write],
                                   flags: [.anonymous], file: nil, fileOffset: 0, fixedAddress: nil)
        metadataSys += Self.bucketHashTableBytes
        buckHashSys += Self.bucketHashTableBytes
        return table.costNs + (try kernel.touch(address: table.value, length: 8, isWrite: true).costNs)
    }
}
